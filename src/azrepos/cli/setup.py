"""``azrepos setup``: git and (optionally) SSH for several organizations in one idempotent call.

The one command the devcontainer Feature's postCreate hook runs: git's include file is written
once for every organization, then each organization's key is registered. A failure in one
organization is reported with its fix and the others go on.
"""

from __future__ import annotations

import argparse
from typing import Any

from ..errors import AzreposError, UsageError
from . import configure_git, ssh_key
from .context import OrgContext
from .output import emit


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "setup", help="configure git (and with --ssh-key, SSH) for one or more organizations")
    parser.add_argument("--org", action="append", metavar="URL", required=True,
                        help="organization URL (repeat for several)")
    configure_git.helper_arguments(parser)
    parser.add_argument("--no-git-config", dest="git_config", action="store_false",
                        help="leave git's helper alone (one forwarded from the host is in use)")
    parser.add_argument("--ssh-key", action="store_true",
                        help="also make (if missing) and register an SSH key in each organization")
    ssh_key.key_arguments(parser)
    ssh_key.renew_argument(parser)
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    if len(set(args.org)) != len(args.org):
        raise UsageError("an organization is given twice", hint="give each --org once")
    report: dict[str, Any] = {"changed": False, "failed": []}
    lines = []
    if args.git_config:
        document, text = configure_git.configure(args)
        report["git_config"] = document
        report["changed"] |= bool(document["changed"])
        lines.append(f"git: {text}")
    if args.ssh_key:
        report["ssh_keys"] = {}
        for url in args.org:
            try:
                document, text = ssh_key.add_key(args, OrgContext(url))
            except AzreposError as exc:  # the next organization still gets its key
                document = {"changed": False, "error": exc.message, "fix": exc.hint}
                text = f"failed: {exc}"
                report["failed"].append(url)
            report["ssh_keys"][url] = document
            report["changed"] |= bool(document["changed"])
            lines.append(f"ssh key for {url}: {text}")
    emit(args.json, report, "\n".join(lines) or "nothing to do")
    return 1 if report["failed"] else 0
