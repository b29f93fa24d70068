"""``azrepos status``: who is signed in where, the SSH keys and git's helper per organization,
and what is broken or expires soon; ``--check`` for monitoring and login shells."""

from __future__ import annotations

import argparse

from ..auth import accounts
from ..auth.token_cache import cached_access_token
from ..connection import secret_store
from ..errors import UsageError
from ..secretstore.selection import pat_org
from ..status.document import SOON_DAYS, build
from .login import format_time_epoch
from .output import emit


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "status", help="sign-ins, keys and git's helper per organization, and what needs care")
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    parser.add_argument("--refresh", action="store_true",
                        help="ask each organization about its key first (a network call)")
    parser.add_argument("--check", action="store_true",
                        help="exit 1, with a line each, when something is broken or expires "
                        "within --within-days")
    parser.add_argument("--within-days", type=int, default=SOON_DAYS, metavar="N",
                        help="what expires within N days counts as a problem (default: "
                        "%(default)s)")
    parser.set_defaults(handler=run)


def _signed_in() -> list[dict[str, object]]:
    """The list earlier versions printed; kept for the scripts that read it."""
    rows: list[dict[str, object]] = []
    for account in accounts.load_all().values():
        cached = cached_access_token(account)  # no network: status only reports
        rows.append({"org_url": account.org_url, "user": account.username or account.flow,
                     "method": f"entra:{account.flow}", "tenant": account.tenant,
                     "valid_until": format_time_epoch(cached[1]) if cached else None})
    store = secret_store().store
    rows += [{"org_url": org, "user": None, "method": f"pat:{store.name}", "valid_until": None}
             for org in map(pat_org, store.names()) if org]
    return rows


def _lines(document: dict[str, object]) -> list[str]:
    methods = {str(row["org_url"]).lower(): row["method"]
               for row in document["signed_in"]}  # type: ignore[attr-defined]
    lines = []
    for org in document["organizations"]:  # type: ignore[attr-defined]
        name = org.get("org_url") or org.get("org")
        credential, key = org["credential"], org["ssh_key"]
        kind = methods.get(str(name).lower(), credential["kind"])  # e.g. pat:keyring
        parts = [f"{kind}" + (f" {credential['account']}" if credential["account"] else "")]
        if credential["expires_at"]:
            parts.append(f"until {credential['expires_at']}")
        if key:
            state = {True: "registered", False: "not registered", None: "registration unknown"}
            parts.append(f"key {key['fingerprint'] or key['path']} {state[key['registered']]}"
                         + (f" until {key['valid_to']}" if key["valid_to"] else ""))
        parts.append(f"helper {org['helper']['name'] or 'none'}")
        problems = f"  [{', '.join(org['problems'])}]" if org["problems"] else ""
        lines.append(f"{name}: " + ", ".join(parts) + problems)
    return lines


def run(args: argparse.Namespace) -> int:
    if args.within_days < 0:
        raise UsageError(f"--within-days must be 0 or more, not {args.within_days}")
    document = build(within_days=args.within_days)
    if args.refresh:
        from ..status.refresh import refresh

        failed = refresh(document["organizations"])
        document = build(within_days=args.within_days)
        document["problems"] += failed
    document = {"changed": False, "signed_in": _signed_in(), **document}
    lines = _lines(document)
    problems = [f"{org.get('org_url') or org.get('org')}: {problem}"
                for org in document["organizations"] for problem in org["problems"]]
    problems += list(document["problems"])
    if args.check:
        emit(args.json, document, "\n".join(problems) or "ok: nothing broken or expiring soon")
        return 1 if problems else 0
    emit(args.json, document, "\n".join(lines + [f"problem: {p}" for p in
                                                 document["problems"]])
         or "not set up for any organization")
    return 0
