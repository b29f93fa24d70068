"""``azrepos doctor URL``: test a connection step by step, with a fix for each failure."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..doctor.run import diagnose
from .output import emit


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("doctor", help="test access to an Azure Repos URL, with fixes")
    parser.add_argument("url", help="org, project or repo URL; https or ssh")
    parser.add_argument("--org", metavar="URL",
                        help="organization URL for REST calls, where the SSH host is not "
                        "Azure's own (Server, sandbox)")
    parser.add_argument("--key", type=Path, help="SSH private key to check")
    parser.add_argument("--json", action="store_true")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    report = diagnose(args.url, org_url=args.org, key_path=args.key)
    emit(args.json, report.to_json(), report.to_text())
    return 0 if report.ok else 1
