"""Stopping and restarting on the same state directory keeps everything."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.sandbox_fixture import git_env, start_sandbox


def test_restart_keeps_state(tmp_path, make_key):
    state = tmp_path / "state"
    first = start_sandbox(state)
    try:
        key = make_key("persist")
        created = first.add_key(key.with_suffix(".pub").read_text(), name="persist")
        assert created.status_code == 200, created.text
        key_id = created.json()["authorizationId"]
        ca_pem = (state / "tls" / "ca.pem").read_bytes()
        busy = subprocess.run([sys.executable, "-m", "azrepos_sandbox", "--state-dir",
                               str(state)], capture_output=True, text=True, timeout=60)
        assert busy.returncode == 1 and "another sandbox" in busy.stderr
    finally:
        assert first.stop() == 0
    assert not (state / "sandbox.json").exists()

    second = start_sandbox(state)
    try:
        for field in ("pat", "org_id", "tenant_id", "ssh_host_key",
                      "ssh_host_key_fingerprint", "ca_file"):
            assert second.info[field] == first.info[field], field
        assert (state / "tls" / "ca.pem").read_bytes() == ca_pem
        assert second.api("GET", "/_apis/connectionData").status_code == 200
        listed = second.session_tokens("GET", includePublicData="true").json()["value"]
        assert key_id in [t["authorizationId"] for t in listed]

        known_hosts = tmp_path / "known_hosts"
        known_hosts.write_text(second.known_hosts_line())
        ssh = (f"ssh -F /dev/null -i {key} -o IdentitiesOnly=yes -o BatchMode=yes "
               f"-o UserKnownHostsFile={known_hosts} -o StrictHostKeyChecking=yes")
        result = subprocess.run(["git", "clone", second.info["ssh_clone_url"],
                                 str(tmp_path / "c")], env=git_env(GIT_SSH_COMMAND=ssh),
                                capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stderr
    finally:
        assert second.stop() == 0
    assert not (state / "sandbox.json").exists()
    log = (state / "sandbox.log").read_text()
    assert log.count("ready in") == 2 and log.count("stopped") == 2


def test_restart_after_sigkill_cleans_up(tmp_path):
    state = tmp_path / "state"
    first = start_sandbox(state)
    first.process.kill()
    first.process.wait()
    stale_sshd = int((state / "ssh" / "sshd.pid").read_text())
    assert Path(f"/proc/{stale_sshd}").exists()  # orphaned by the SIGKILL
    assert (state / "sandbox.json").exists()  # stale, and must not look ready

    second = start_sandbox(state)
    try:
        assert second.info["pid"] != first.info["pid"]
        assert not Path(f"/proc/{stale_sshd}").exists()
        assert second.api("GET", "/_apis/connectionData").status_code == 200
    finally:
        assert second.stop() == 0
