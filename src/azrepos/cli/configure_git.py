"""``azrepos configure-git``: point git at a credential helper for Azure DevOps organizations."""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

from ..config import gitconfig
from ..urls import parse_org_url
from .context import ca_bundle
from .output import emit


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("configure-git",
                                 help="configure git's credential helper for organizations")
    parser.add_argument("--org", action="append", required=True, metavar="URL",
                        help="organization URL (repeat for several)")
    parser.add_argument("--remove", action="store_true", help="remove the azrepos git config")
    parser.add_argument("--json", action="store_true")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    home = Path.home()
    if args.remove:
        changed = gitconfig.uninstall(home)
        emit(args.json, {"changed": changed}, "removed" if changed else "nothing to remove")
        return 0
    orgs = [parse_org_url(url) for url in args.org]
    helper = shutil.which("git-credential-azrepos") or "azrepos"
    entries = [gitconfig.OrgEntry(org.url, ca_bundle(org.url) if org.kind == "server" else None)
               for org in orgs]
    changed = gitconfig.install(home, gitconfig.GitConfigSpec(entries, helper_path=helper))
    emit(args.json, {"changed": changed, "path": str(gitconfig.include_path(home))},
         f"{'configured' if changed else 'unchanged'}: {gitconfig.include_path(home)}")
    return 0
