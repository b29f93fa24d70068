"""run_sandbox called in-process, and where the AuthorizedKeysCommand script goes."""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import threading
from pathlib import Path

import pytest
import requests

from azrepos_sandbox.git.safe_path import is_safe_path
from azrepos_sandbox.git.sshd import gate_script_dir
from azrepos_sandbox.runner import run_sandbox


def test_gate_script_leaves_unsafe_state_dirs_and_prefers_runtime_dirs(tmp_path, monkeypatch):
    state = tmp_path / "state"  # under /tmp: sshd would refuse a command there
    state.mkdir()
    digest = hashlib.sha256(str(state.resolve()).encode()).hexdigest()[:16]
    runtime = Path(tempfile.mkdtemp(prefix="azrepos-runtime-", dir=Path.home()))
    try:
        runtime.chmod(0o700)
        monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime))
        assert gate_script_dir(state) == runtime / "azrepos-sandbox" / digest
        monkeypatch.delenv("XDG_RUNTIME_DIR")
        expected = Path("/run/azrepos-sandbox") if os.geteuid() == 0 else (
            Path.home() / ".cache" / "azrepos" / "sandbox-bin")
        assert gate_script_dir(state) == expected / digest
    finally:
        shutil.rmtree(runtime)


@pytest.fixture
def safe_state_dir():
    base = Path.home() / ".cache"
    base.mkdir(mode=0o700, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="azrepos-sandbox-test-", dir=base))
    folder.chmod(0o700)
    if not is_safe_path(folder):
        shutil.rmtree(folder)
        pytest.skip("no directory with a safe path is available")
    yield folder / "state"
    shutil.rmtree(folder)


def test_run_sandbox_in_a_thread_with_a_safe_state_dir(safe_state_dir):
    assert gate_script_dir(safe_state_dir.parent) == safe_state_dir.parent.resolve() / "bin"
    ready: list[dict] = []
    stop = threading.Event()
    result: list[int] = []
    thread = threading.Thread(
        target=lambda: result.append(run_sandbox(safe_state_dir, ready=ready.append,
                                                 stop=stop)))
    thread.start()
    try:
        for _ in range(300):
            if ready or not thread.is_alive():
                break
            thread.join(0.1)
        assert ready, "sandbox did not become ready"
        info = ready[0]
        assert (safe_state_dir / "bin" / "authorized-keys").exists()
        config = (safe_state_dir / "ssh" / "sshd_config").read_text()
        assert f"AuthorizedKeysCommand {safe_state_dir / 'bin' / 'authorized-keys'} %u %f" \
            in config
        response = requests.get(info["org_url"] + "/_apis/connectionData",
                                auth=("", info["pat"]), verify=info["ca_file"], timeout=30)
        assert response.status_code == 200
    finally:
        stop.set()
        thread.join(30)
    assert result == [0]
    assert not (safe_state_dir / "sandbox.json").exists()
