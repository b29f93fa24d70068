"""The sandbox's testing API: starts ``azrepos-sandbox`` as a child process, waits until it is
ready, and calls its admin routes.

Used by the demo, the test suite and the benchmarks, so there is one way to run a sandbox.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests


class SandboxStartError(RuntimeError):
    """The sandbox process exited or did not get ready; the message says where its log is."""

READY_FILE = "sandbox.json"


@dataclass
class RunningSandbox:
    state_dir: Path
    process: subprocess.Popen[bytes]
    info: dict[str, Any]
    started_in: float = 0.0  # seconds from launch to ready

    @property
    def org_url(self) -> str:
        return str(self.info["org_url"])

    @property
    def ca_file(self) -> str:
        return str(self.info["ca_file"])

    def admin_request(self, method: str, path: str, json_body: Any = None) -> Any:
        """Call a test-only admin route (faults, key expiry, request log); the raw response."""
        base = self.org_url.rsplit("/", 1)[0]
        with requests.Session() as session:
            session.trust_env = False  # loopback: no proxy, no REQUESTS_CA_BUNDLE
            return session.request(
                method, f"{base}{path}", json=json_body, timeout=30, verify=self.ca_file,
                headers={"X-Sandbox-Admin": str(self.info["admin_token"])},
            )

    def admin(self, method: str, path: str, json_body: Any = None) -> Any:
        """An admin route's JSON answer; raises on an error status."""
        response = self.admin_request(method, path, json_body)
        response.raise_for_status()
        return response.json() if response.content else None

    def stop(self, timeout: float = 20) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return int(self.process.returncode)

    def __enter__(self) -> RunningSandbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start(state_dir: Path, *, port: int = 0, ssh_port: int = 0, timeout: float = 60,
          log_path: Path | None = None, kind: type[RunningSandbox] = RunningSandbox,
          host_name: str | None = None) -> RunningSandbox:
    state_dir.mkdir(parents=True, exist_ok=True)
    ready = state_dir / READY_FILE
    ready.unlink(missing_ok=True)
    log = open(log_path or state_dir / "sandbox.stderr", "ab")  # noqa: SIM115 - child keeps it
    process = subprocess.Popen(
        [sys.executable, "-m", "azrepos_sandbox", "--state-dir", str(state_dir),
         "--port", str(port), "--ssh-port", str(ssh_port),
         *(["--host-name", host_name] if host_name else [])],
        stdin=subprocess.DEVNULL, stdout=log, stderr=log,
    )
    log.close()
    started = time.monotonic()
    deadline = started + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            tail = (log_path or state_dir / "sandbox.stderr").read_text(errors="replace")[-2000:]
            raise SandboxStartError(f"the sandbox exited with code {process.returncode}:\n{tail}")
        try:
            info = json.loads(ready.read_text())
        except (FileNotFoundError, ValueError):
            info = None
        if info and info.get("pid") == process.pid:  # not a stale file from an earlier run
            return kind(state_dir, process, info, time.monotonic() - started)
        time.sleep(0.1)
    process.kill()
    raise SandboxStartError(f"the sandbox was not ready within {timeout:g}s: "
                            f"look at {state_dir}/sandbox.stderr")
