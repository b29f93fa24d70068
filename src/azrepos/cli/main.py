"""Entry point of the ``azrepos`` command. Exit codes: 0 ok, 1 failure, 2 usage error."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from .. import __version__
from ..config.settings import resolve
from ..errors import AzreposError, UsageError
from ..redaction import install_log_scrubbing, scrub
from . import (
    configure_git,
    doctor,
    exec_git,
    hooks,
    in_clone,
    login,
    pull,
    repos,
    sandbox,
    setup,
    ssh_key,
    status,
    whoami,
)


class _Parser(argparse.ArgumentParser):
    """Exits 2 on bad usage, and takes -v at every level (``azrepos ssh-key add -vv``)."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.add_argument("-v", "--verbose", action="count", default=argparse.SUPPRESS,
                          help="more logging (-v info, -vv debug); secrets are always redacted")

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(2, f"azrepos: error: {scrub(message)}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="azrepos", description="Set up git for Azure Repos over HTTPS and SSH. "
                     "Exit codes: 0 ok, 1 failure, 2 usage error.")
    parser.add_argument("--version", action="version", version=f"azrepos {__version__}")
    parser.set_defaults(verbose=0)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND",
                                     parser_class=_Parser)
    for module in (whoami, ssh_key, login, configure_git, doctor, hooks, sandbox, exec_git,
                   repos, setup, status, pull, in_clone):
        module.register(commands)
    return parser


def _setup_logging(verbosity: int) -> None:
    level = {0: resolve("log_level") or "WARNING", 1: "INFO"}.get(verbosity, "DEBUG")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("azrepos: %(levelname)s %(name)s: %(message)s"))
    install_log_scrubbing(handler)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(str(level).upper())


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    _setup_logging(args.verbose)
    try:
        return int(args.handler(args) or 0)
    except UsageError as exc:
        print(f"azrepos: error: {exc}", file=sys.stderr)
        return 2
    except AzreposError as exc:
        print(f"azrepos: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # a bug or an unforeseen failure: a clear line, never a raw trace
        logging.getLogger("azrepos").debug("unexpected error", exc_info=True)
        print(f"azrepos: error: unexpected {type(exc).__name__}: {scrub(str(exc))[:300]}\n"
              "  fix: run again with -vv for details, and report it", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
