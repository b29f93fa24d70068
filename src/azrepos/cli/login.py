"""``azrepos login`` / ``logout``: keep a credential for an organization in the secret store."""

from __future__ import annotations

import argparse
import sys

from ..auth.credentials import PatCredential
from ..auth.pat_sources import read_pat, store_key
from ..errors import UsageError
from .context import OrgContext, client_for
from .output import emit


def register(commands: argparse._SubParsersAction) -> None:
    login = commands.add_parser("login", help="store a credential for an organization")
    login.add_argument("--org", required=True, metavar="URL")
    login.add_argument("--vssps-url", metavar="URL")
    login.add_argument("--pat-stdin", action="store_true",
                       help="read a PAT from standard input, check it, and store it")
    login.add_argument("--no-verify", dest="verify", action="store_false",
                       help="store the PAT without checking it against the organization")
    login.add_argument("--json", action="store_true")
    login.set_defaults(handler=run_login)

    logout = commands.add_parser("logout", help="forget the stored credentials of an org")
    logout.add_argument("--org", required=True, metavar="URL")
    logout.add_argument("--vssps-url", metavar="URL")
    logout.add_argument("--json", action="store_true")
    logout.set_defaults(handler=run_logout, pat_stdin=False)


def run_login(args: argparse.Namespace) -> int:
    if not args.pat_stdin:
        raise UsageError("say how to sign in", hint="pipe a PAT in with --pat-stdin")
    ctx = OrgContext(args)
    credential = PatCredential(read_pat(sys.stdin), "PAT from standard input")
    who = ""
    if args.verify:  # check first, so a bad PAT never gets stored
        data = client_for(ctx.org, credential).connection_data()
        who = f" for {data.user.display_name}"
    ctx.store.set(store_key(ctx.org), credential.pat)
    emit(args.json, {"changed": True, "org_url": ctx.org.url, "store": ctx.store.name},
         f"PAT{who} stored in {ctx.store.location} for {ctx.org.url}")
    return 0


def run_logout(args: argparse.Namespace) -> int:
    ctx = OrgContext(args)
    removed = ctx.store.delete(store_key(ctx.org))
    emit(args.json, {"changed": removed, "org_url": ctx.org.url},
         f"{'removed the stored PAT' if removed else 'nothing stored'} for {ctx.org.url}")
    return 0
