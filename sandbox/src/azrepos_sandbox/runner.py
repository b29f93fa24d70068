"""Start everything, write sandbox.json when ready, and stop cleanly on SIGTERM/SIGINT."""

from __future__ import annotations

import contextlib
import fcntl
import getpass
import json
import logging
import os
import secrets
import signal
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from azrepos_sandbox.admin.request_log import LOGGER_NAME
from azrepos_sandbox.admin.routes import AdminRoutes
from azrepos_sandbox.app import SandboxApp
from azrepos_sandbox.constants import DB_NAME, INFO_NAME, LOG_NAME, ORG_NAME, PROJECT_NAME, REPO_NAME
from azrepos_sandbox.disk import private_folder, replace_file
from azrepos_sandbox.entra.service import EntraStandIn
from azrepos_sandbox.git.sshd import (
    HostKey,
    SshdProcess,
    ensure_host_key,
    install_gate_script,
    remove_gate_script,
    start_sshd,
)
from azrepos_sandbox.http_server import SandboxHTTPServer
from azrepos_sandbox.identity.pat_auth import pat_authenticator
from azrepos_sandbox.seed import Seeded, seed
from azrepos_sandbox.store import Store
from azrepos_sandbox.tls import TlsFiles, ensure_tls

ReadyCallback = Callable[[dict[str, Any]], None]
_log = logging.getLogger(LOGGER_NAME)


class SandboxBusy(RuntimeError):
    """Another sandbox already runs on this state directory."""


@contextlib.contextmanager
def _exclusive(state_dir: Path) -> Iterator[None]:
    with open(state_dir / "sandbox.lock", "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise SandboxBusy(f"another sandbox is running on {state_dir}") from None
        yield


@contextlib.contextmanager
def _file_log(state_dir: Path) -> Iterator[None]:
    handler = logging.FileHandler(state_dir / LOG_NAME)
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s"))
    _log.addHandler(handler)
    _log.setLevel(logging.INFO)
    _log.propagate = False
    try:
        yield
    finally:
        _log.removeHandler(handler)
        handler.close()


class _StopFlag:
    """Set by SIGTERM/SIGINT or by the caller's Event.

    The signal handler only flips a bool: calling Event.set() from a handler can deadlock
    when the signal lands while the main thread holds that Event's lock.
    """

    def __init__(self, event: threading.Event | None) -> None:
        self.signalled = False
        self._event = event

    def is_set(self) -> bool:
        return self.signalled or (self._event is not None and self._event.is_set())


@contextlib.contextmanager
def _stop_on_signals(flag: _StopFlag) -> Iterator[None]:
    if threading.current_thread() is not threading.main_thread():
        yield  # signal handlers can only be set from the main thread; callers use `stop`
        return

    def handle(_signum: int, _frame: object) -> None:
        flag.signalled = True

    previous = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGINT)}
    for sig in previous:
        signal.signal(sig, handle)
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _stop_https(server: SandboxHTTPServer, serving: threading.Thread | None) -> None:
    if serving is not None:
        # shutdown() waits without a limit; give it one so a stuck loop cannot hang exit.
        threading.Thread(target=server.shutdown, daemon=True).start()
        serving.join(timeout=5)
        if serving.is_alive():
            _log.error("the HTTPS loop did not stop within 5 s; exiting anyway")
    server.server_close()


def build_app(store: Store, seeded: Seeded, base_url: str, state_dir: Path,
              admin_token: str, entra: EntraStandIn) -> SandboxApp:
    """The HTTPS routes: PATs then Entra tokens authenticate; Entra and admin are mounted."""
    app = SandboxApp(store, base_url, seeded.deployment_id, state_dir / "repos",
                     [pat_authenticator(store), entra.authenticator()])
    extensions = entra.install(app)
    app.mount("_sandbox", AdminRoutes(store, seeded.org, app.faults, app.request_log,
                                      admin_token, extensions))
    return app


def sandbox_info(seeded: Seeded, base_url: str, tls: TlsFiles, sshd: SshdProcess,
                 host_key: HostKey, admin_token: str, entra: EntraStandIn) -> dict[str, Any]:
    org_url = f"{base_url}/{seeded.org.name}"
    user = getpass.getuser()
    return {
        "org_url": org_url,
        "org_name": seeded.org.name,
        "org_id": seeded.org.id,
        "tenant_id": seeded.org.tenant_id,
        "ca_file": str(tls.ca_cert),
        "pat": seeded.pat,
        "admin_token": admin_token,
        "user_id": seeded.user.id,
        "user_email": seeded.user.email,
        "project": PROJECT_NAME,
        "repo": REPO_NAME,
        "ssh_port": sshd.port,
        "ssh_user": user,
        "ssh_host_key_fingerprint": host_key.fingerprint,
        "ssh_host_key": host_key.public_line,
        "https_clone_url": f"{org_url}/{PROJECT_NAME}/_git/{REPO_NAME}",
        "ssh_clone_url": f"ssh://{user}@127.0.0.1:{sshd.port}/v3/{ORG_NAME}/"
                         f"{PROJECT_NAME}/{REPO_NAME}",
        **entra.info(),
        "pid": os.getpid(),
    }


def _remove_info(path: Path) -> None:
    # Only our own file: a stale sandbox.json must never look ready, but another process's
    # must not vanish either.
    with contextlib.suppress(FileNotFoundError, ValueError, json.JSONDecodeError):
        if json.loads(path.read_text()).get("pid") == os.getpid():
            path.unlink()


def run_sandbox(state_dir: Path, port: int = 0, ssh_port: int = 0,
                ready: ReadyCallback | None = None, *,
                stop: threading.Event | None = None, host_name: str | None = None) -> int:
    """Serve until SIGTERM/SIGINT (or ``stop`` is set); return 0 after a clean shutdown.

    ``ready`` is called with the sandbox.json contents once HTTPS and sshd both accept
    connections. Returns 1 if sshd dies while serving.
    """
    state_dir = Path(os.path.abspath(state_dir))
    private_folder(state_dir)
    flag = _StopFlag(stop)
    with _exclusive(state_dir), _file_log(state_dir), _stop_on_signals(flag):
        return _serve(state_dir, port, ssh_port, ready, flag, host_name)


def _serve(state_dir: Path, port: int, ssh_port: int, ready: ReadyCallback | None,
           stop: _StopFlag, host_name: str | None = None) -> int:
    started = time.monotonic()
    info_path = state_dir / INFO_NAME
    # We hold the state dir's lock, so any sandbox.json here is stale: never let it look ready.
    info_path.unlink(missing_ok=True)
    store = Store(state_dir / DB_NAME)
    server: SandboxHTTPServer | None = None
    serving: threading.Thread | None = None
    sshd: SshdProcess | None = None
    script: Path | None = None
    try:
        seeded = seed(store, state_dir)
        tls = ensure_tls(state_dir, host_name)
        ssh_dir = state_dir / "ssh"
        private_folder(ssh_dir)
        host_key = ensure_host_key(ssh_dir)
        script = install_gate_script(state_dir, store.path)

        server = SandboxHTTPServer(port, tls)
        # Served on loopback; with host_name the URLs name it (a proxy maps it to loopback).
        base_url = f"https://{host_name or '127.0.0.1'}:{server.port}"
        admin_token = secrets.token_urlsafe(32)
        entra = EntraStandIn.start(store, state_dir, seeded.org.tenant_id, base_url)
        server.app = build_app(store, seeded, base_url, state_dir, admin_token, entra)
        serving = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2},
                                   name="sandbox-https", daemon=True)
        serving.start()
        sshd = start_sshd(ssh_dir, state_dir / "sshd.log", ssh_port, host_key, script)
        server.app.ssh_base = f"ssh://{getpass.getuser()}@127.0.0.1:{sshd.port}/v3"

        info = sandbox_info(seeded, base_url, tls, sshd, host_key, admin_token, entra)
        replace_file(info_path, json.dumps(info, indent=2) + "\n", mode=0o600)
        _log.info("ready in %.2f s: %s, ssh port %d", time.monotonic() - started,
                  info["org_url"], sshd.port)
        if ready is not None:
            ready(info)
        while not stop.is_set():
            time.sleep(0.2)  # a signal interrupts the sleep; the flag ends the loop
            if not sshd.running():
                _log.error("sshd exited unexpectedly (see sshd.log); stopping")
                return 1
        _log.info("stopping")
        return 0
    finally:
        _remove_info(info_path)
        if sshd is not None:
            sshd.stop()
        if script is not None:
            remove_gate_script(script, state_dir)
        if server is not None:
            _stop_https(server, serving)
        store.close()
        _log.info("stopped")
