"""``azrepos sandbox``: runs the offline Azure DevOps stand-in, which is its own distribution
(``azrepos-sandbox``); this command only hands over to it when it is installed."""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
from pathlib import Path

from ..errors import UsageError


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
    if importlib.util.find_spec("azrepos_sandbox") is None:
        raise UsageError("the sandbox is not installed (it is its own distribution, "
                         "azrepos-sandbox)",
                         hint="from a checkout: pip install ./sandbox  (scripts/bootstrap does)")
    argv = [sys.executable, "-m", "azrepos_sandbox", "--state-dir", str(args.state_dir.resolve()),
            "--port", str(args.port), "--ssh-port", str(args.ssh_port)]
    sys.stdout.flush()
    os.execv(sys.executable, argv)  # noqa: S606 - the sandbox owns the process, signals and all
