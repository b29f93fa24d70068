"""``azrepos sandbox``: run the offline Azure DevOps stand-in in the foreground."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "sandbox", help="run an offline Azure DevOps stand-in (REST, git over HTTPS and SSH)")
    parser.add_argument("--state-dir", type=Path, required=True,
                        help="where state, certificates and repos live; DIR/sandbox.json "
                        "appears when ready")
    parser.add_argument("--port", type=int, default=0, help="HTTPS port (default: any free)")
    parser.add_argument("--ssh-port", type=int, default=0, help="SSH port (default: any free)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from ..sandbox.runner import run_sandbox  # the server side is only loaded here

    return run_sandbox(args.state_dir.resolve(), port=args.port, ssh_port=args.ssh_port)
