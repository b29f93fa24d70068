"""``azrepos pull-run``: what a machine's pull schedule runs (``roles/pull``): one
``ansible-pull`` of the configuration repository, logged and recorded for ``azrepos status``."""

from __future__ import annotations

import argparse
import os
from dataclasses import asdict
from pathlib import Path

from ..pull.run import command, log_path, pull
from .output import emit


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "pull-run", help="run ansible-pull of the configuration repository once, and record it")
    parser.add_argument("--url", required=True,
                        help="the configuration repository (https or the SSH host alias)")
    parser.add_argument("--branch", default="main")
    parser.add_argument("--playbook", default="local.yml",
                        help="the playbook in the repository (default: %(default)s)")
    parser.add_argument("--directory", type=Path, help="where the repository is checked out "
                        "(default: ~/.local/share/azrepos/pull)")
    parser.add_argument("--ansible-pull", default="ansible-pull", metavar="PATH")
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    data = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    checkout = args.directory or Path(data) / "azrepos" / "pull"
    argv = command(args.url, playbook=args.playbook, branch=args.branch, checkout=checkout,
                   ansible_pull=args.ansible_pull)
    outcome = pull(argv)
    emit(args.json, {"changed": outcome.result == "changed", **asdict(outcome),
                     "log": str(log_path())},
         f"{outcome.result}: ansible-pull exited {outcome.exit_code} (log: {log_path()})")
    return 0 if outcome.result != "failed" else 1
