"""``azrepos login`` / ``logout`` / ``status``: sign-ins and stored PATs per organization."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from ..auth import accounts
from ..auth.credentials import BearerCredential, PatCredential
from ..auth.pat_input import read_pat, store_key
from ..auth.tenant import authority_from_tenant, discover
from ..errors import AzreposError, UsageError
from ..git_helper import pat_details
from ..rest.models import format_time, parse_time
from .context import OrgContext, add_org_url_arguments
from .output import emit, warn

if TYPE_CHECKING:
    from ..auth.msal_sign_in import EntraSignIn, Token

USER_FLOWS = ("devicecode", "browser")  # a person's sign-in, which a cached account can reuse


def register(commands: argparse._SubParsersAction) -> None:
    login = commands.add_parser(
        "login", help="sign in with Entra ID (default), or store a PAT, for an organization")
    add_org_url_arguments(login)
    how = login.add_mutually_exclusive_group()
    how.add_argument("--pat-stdin", action="store_true",
                     help="read a PAT from standard input, check it, and store it")
    how.add_argument("--device-code", dest="flow", action="store_const", const="devicecode",
                     help="sign in on another device with a code (default without a display)")
    how.add_argument("--browser", dest="flow", action="store_const", const="browser",
                     help="sign in through the system browser (default with a display)")
    how.add_argument("--service-principal", metavar="CLIENT_ID",
                     help="sign in as an app; give --client-secret-stdin or --certificate")
    how.add_argument("--managed-identity", nargs="?", const="", metavar="CLIENT_ID",
                     help="sign in with the machine's managed identity (optional client id)")
    login.add_argument("--client-secret-stdin", action="store_true",
                       help="read the service principal's secret from standard input")
    login.add_argument("--certificate", type=Path, metavar="PEM",
                       help="service principal certificate with its private key (PEM)")
    login.add_argument("--expires", type=_expiry, metavar="DATE",
                       help="with --pat-stdin: when the PAT expires (YYYY-MM-DD), for "
                       "azrepos status to warn before it does")
    login.add_argument("--no-launch", action="store_true",
                       help="with --browser: print an address to open on any machine, then "
                       "read back the address the browser ended on (SSH sessions, containers)")
    login.add_argument("--port", type=int, metavar="N",
                       help="with --browser: the local port the browser's answer comes to "
                       "(default: a free one)")
    login.add_argument("--tenant", help="Entra tenant id or domain (default: discovered)")
    login.add_argument("--client-id", help="public client id (default: GCM's Azure Repos app)")
    login.add_argument("--no-verify", dest="verify", action="store_false",
                       help="do not check the credential against the organization")
    login.add_argument("--json", action="store_true")
    login.set_defaults(handler=run_login, flow=None)

    logout = commands.add_parser("logout", help="forget the sign-in and stored PAT of an org")
    add_org_url_arguments(logout)
    logout.add_argument("--json", action="store_true")
    logout.set_defaults(handler=run_logout, pat_stdin=False)



def _expiry(text: str) -> int:
    """A date (or ISO time, UTC) as epoch seconds, git's ``password_expiry_utc`` unit."""
    try:
        moment = parse_time(text.strip())
    except ValueError:
        moment = None
    if moment is None:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date such as 2027-03-31")
    return int(moment.timestamp())


def _login_pat(args: argparse.Namespace, ctx: OrgContext) -> int:
    credential = PatCredential(read_pat(sys.stdin), "PAT from standard input")
    details = {"password_expiry_utc": str(args.expires)} if args.expires else {}
    known = pat_details.details_for(pat_details.load_all(), ctx.org.url)
    if ctx.store.get(store_key(ctx.org)) == credential.pat and (
            not details or known.get("password_expiry_utc") == details["password_expiry_utc"]):
        # idempotent: nothing to write
        emit(args.json, {"changed": False, "org_url": ctx.org.url, "store": ctx.store.name,
                         "method": "pat"},
             f"unchanged: this PAT is already stored in {ctx.store.location} for {ctx.org.url}")
        return 0
    who = ""
    if args.verify:  # check first, so a bad PAT never gets stored
        client = ctx.profile.client(credential)
        who = f" for {client.connection_data().user.display_name}"
        for scope, purpose in client.refused_scopes():
            warn(f"this PAT lacks {scope}, so {purpose} will be refused; fix: create a PAT "
                 f"for {ctx.org.url} with that scope and run this again")
    ctx.store.set(store_key(ctx.org), credential.pat)
    pat_details.save(ctx.org.url, details)  # the old PAT's user name and expiry are not this one's
    emit(args.json, {"changed": True, "org_url": ctx.org.url, "store": ctx.store.name,
                     "method": "pat"},
         f"PAT{who} stored in {ctx.store.location} for {ctx.org.url}")
    return 0


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _read_reply() -> str:
    line = sys.stdin.readline()
    if not line.strip():
        raise UsageError("no address was pasted", hint="paste the address the browser ended "
                         "on, then press Enter")
    return line


def _user_sign_in(args: argparse.Namespace, ctx: OrgContext, signin: EntraSignIn
                  ) -> tuple[Token, bool]:
    """A cached sign-in of the same account is reused without a prompt (True); else a new
    one."""
    from ..auth.msal_sign_in import BrowserSignIn, default_flow, sign_in_interactively

    known = accounts.find(ctx.org.url)
    if known is not None and known.flow in USER_FLOWS and known.client_id == signin.client_id:
        try:
            return signin.silent(known), True
        except AzreposError:
            pass  # expired or revoked: sign in anew below
    if args.no_launch:
        return signin.browser_elsewhere(_say, _read_reply), False
    how = BrowserSignIn(ctx.profile.settings.seconds("signin_timeout"), _say, args.port)
    return sign_in_interactively(signin, args.flow or default_flow(), _say, how), False


def _login_entra(args: argparse.Namespace, ctx: OrgContext) -> int:
    from ..auth.msal_sign_in import GCM_CLIENT_ID, EntraSignIn

    if args.client_secret_stdin and not args.service_principal:
        raise UsageError("--client-secret-stdin goes with --service-principal CLIENT_ID")
    if args.expires is not None:
        raise UsageError("--expires goes with --pat-stdin (an Entra sign-in renews itself)")
    if (args.no_launch or args.port is not None) and args.flow != "browser":
        raise UsageError("--no-launch and --port go with --browser",
                         hint=f"azrepos login --org {ctx.org.url} --browser --no-launch")
    network = ctx.profile.network
    authority = (authority_from_tenant(args.tenant) if args.tenant
                 else discover(ctx.org.url, network))
    client_id = args.service_principal or args.managed_identity or args.client_id or GCM_CLIENT_ID
    signin = EntraSignIn(ctx.org.url, authority, client_id=client_id, network=network)
    if signin.cache_warning:
        warn(signin.cache_warning)
    reused = False
    if args.service_principal:
        if args.certificate:
            token = signin.certificate(args.certificate.read_bytes())
        elif args.client_secret_stdin:
            token = signin.client_secret(read_pat(sys.stdin))
        else:
            raise UsageError("a service principal needs a credential",
                             hint="add --client-secret-stdin or --certificate PEM")
    elif args.managed_identity is not None:
        token = signin.managed_identity(args.managed_identity or None)
    else:
        token, reused = _user_sign_in(args, ctx, signin)
    who = token.username
    if args.verify:
        credential = BearerCredential.fixed(token.access_token, "Entra sign-in")
        who = ctx.profile.client(credential).connection_data().user.display_name or who
    until = format_time_epoch(token.expires_on)
    state = "already signed in" if reused else "signed in"
    emit(args.json, {"changed": not reused, "org_url": ctx.org.url, "method": "entra",
                     "user": who, "tenant": authority.tenant, "expires_on": until},
         f"{state} to {ctx.org.url} as {who} (tenant {authority.tenant}); token valid "
         f"until {until}, refreshed silently after that"
         + (" (azrepos logout first to sign in as someone else)" if reused else ""))
    return 0


def format_time_epoch(epoch: int) -> str:
    from datetime import UTC, datetime

    return format_time(datetime.fromtimestamp(epoch, UTC))


def run_login(args: argparse.Namespace) -> int:
    ctx = OrgContext.of(args)
    return _login_pat(args, ctx) if args.pat_stdin else _login_entra(args, ctx)


def run_logout(args: argparse.Namespace) -> int:
    ctx = OrgContext.of(args)
    removed = ctx.store.delete(store_key(ctx.org))
    pat_details.forget(ctx.org.url)
    account = accounts.remove(ctx.org.url)
    if account is not None:
        from ..auth.msal_sign_in import sign_out
        from ..auth.token_cache import open_cache

        sign_out(open_cache()[0], account)
    changed = removed or account is not None
    emit(args.json, {"changed": changed, "org_url": ctx.org.url},
         f"{'signed out' if changed else 'nothing to forget'} for {ctx.org.url}")
    return 0
