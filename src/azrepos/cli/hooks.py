"""``azrepos detect-secrets`` and ``azrepos check-remotes``: the pre-commit hooks as commands."""

from __future__ import annotations

import argparse

from ..secretscan.remotes import check_remotes
from ..secretscan.report import Report, remotes_report, scan_report
from ..secretscan.scanner import scan_paths
from .output import emit


def register(commands: argparse._SubParsersAction) -> None:
    detect = commands.add_parser("detect-secrets",
                                 help="report PATs, tokens, private keys and credential URLs in files")
    detect.add_argument("files", nargs="+", metavar="FILE", help="files or directories to scan")
    detect.add_argument("--json", action="store_true", help="print one JSON document")
    detect.set_defaults(handler=run_detect)

    remotes = commands.add_parser("check-remotes", help="report git remotes whose URL holds a credential")
    remotes.add_argument("--fix", action="store_true",
                         help="rewrite such remotes (in this repository's config) without the credential")
    remotes.add_argument("--json", action="store_true", help="print one JSON document")
    remotes.set_defaults(handler=run_check_remotes)


def _emit(args: argparse.Namespace, report: Report) -> int:
    emit(args.json, report.document, report.text)
    return report.exit_code


def run_detect(args: argparse.Namespace) -> int:
    return _emit(args, scan_report(scan_paths(args.files)))


def run_check_remotes(args: argparse.Namespace) -> int:
    return _emit(args, remotes_report(check_remotes(fix=args.fix)))
