"""``azrepos-sandbox --state-dir DIR [--port N] [--ssh-port N]`` (or ``python -m azrepos_sandbox``)."""

from __future__ import annotations

import argparse
import faulthandler
import signal
import sys
from pathlib import Path
from typing import Any

from azrepos_sandbox.runner import SandboxBusy, run_sandbox


def _announce(info: dict[str, Any]) -> None:
    # No secrets here: the PAT and admin token stay in the 0600 sandbox.json.
    print(f"azrepos sandbox ready: {info['org_url']} (ssh port {info['ssh_port']}); "
          f"details in sandbox.json", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="azrepos-sandbox",
                                     description="Offline Azure DevOps stand-in for tests.")
    parser.add_argument("--state-dir", type=Path, required=True)
    parser.add_argument("--port", type=int, default=0, help="HTTPS port (0: any free one)")
    parser.add_argument("--ssh-port", type=int, default=0, help="sshd port (0: any free one)")
    parser.add_argument("--host-name", help="a name for the HTTPS URLs and certificate instead "
                        "of 127.0.0.1, for clients that reach it through a proxy mapping it")
    args = parser.parse_args(argv)
    faulthandler.register(signal.SIGUSR1)  # `kill -USR1 PID` dumps every thread's stack
    try:
        return run_sandbox(args.state_dir, args.port, args.ssh_port, ready=_announce,
                           host_name=args.host_name)
    except SandboxBusy as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
