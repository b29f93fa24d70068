"""Console scripts run by pre-commit: ``azrepos-detect-secrets`` and ``azrepos-check-remotes``.

Exit codes: 0 clean, 1 secret found (or a remote left unfixed), 2 usage error or unreadable file.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from ..errors import AzreposError, UsageError
from .remotes import check_remotes
from .report import Report, remotes_report, scan_report
from .scanner import scan_paths


def _run(prog: str, make_report: Callable[[], Report]) -> int:
    try:
        report = make_report()
    except UsageError as exc:
        print(f"{prog}: error: {exc}", file=sys.stderr)
        return 2
    except AzreposError as exc:
        print(f"{prog}: error: {exc}", file=sys.stderr)
        return 1
    if not report.clean:
        print(report.text)
    return report.exit_code


def _parse(parser: argparse.ArgumentParser, argv: Sequence[str] | None) -> argparse.Namespace | int:
    try:
        return parser.parse_args(argv)
    except SystemExit as exc:  # argparse: 2 on bad usage, 0 after --help
        return exc.code if isinstance(exc.code, int) else 2


def detect_secrets_main(argv: Sequence[str] | None = None) -> int:
    prog = "azrepos-detect-secrets"
    parser = argparse.ArgumentParser(prog=prog, description="Report secrets in the given files "
                                     "(pre-commit passes the staged ones). Never prints a secret.")
    parser.add_argument("files", nargs="*", metavar="FILE", help="files or directories to scan")
    args = _parse(parser, argv)
    if isinstance(args, int):
        return args
    return _run(prog, lambda: scan_report(scan_paths(args.files)))


def check_remotes_main(argv: Sequence[str] | None = None) -> int:
    prog = "azrepos-check-remotes"
    parser = argparse.ArgumentParser(prog=prog, description="Report git remotes whose URL holds a "
                                     "credential. Never prints a URL.")
    parser.add_argument("--fix", action="store_true",
                        help="rewrite such remotes (in this repository's config) without the credential")
    args = _parse(parser, argv)
    if isinstance(args, int):
        return args
    return _run(prog, lambda: remotes_report(check_remotes(fix=args.fix)))


if __name__ == "__main__":
    sys.exit(detect_secrets_main())
