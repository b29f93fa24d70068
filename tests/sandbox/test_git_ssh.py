"""Real git over SSH through the sandbox's sshd, with keys registered through the REST API."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.sandbox_fixture import git_env


def ssh_command(sandbox, key: Path) -> str:
    known_hosts = key.parent / "known_hosts"
    known_hosts.write_text(sandbox.known_hosts_line())
    return (f"ssh -F /dev/null -i {key} -o IdentitiesOnly=yes -o BatchMode=yes "
            f"-o UserKnownHostsFile={known_hosts} -o StrictHostKeyChecking=yes")


def clone(sandbox, key: Path, dest: Path, url: str | None = None,
          ) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", "clone", url or sandbox.info["ssh_clone_url"], str(dest)],
        env=git_env(GIT_SSH_COMMAND=ssh_command(sandbox, key)),
        capture_output=True, text=True, timeout=120,
    )


def register(sandbox, key: Path, **kwargs) -> str:
    response = sandbox.add_key(key.with_suffix(".pub").read_text(), **kwargs)
    assert response.status_code == 200, response.text
    return str(response.json()["authorizationId"])


def test_unregistered_key_is_refused(sandbox, make_key, tmp_path):
    result = clone(sandbox, make_key("stranger"), tmp_path / "c")
    assert result.returncode != 0
    assert "Permission denied (publickey)" in result.stderr


def test_registered_key_clones_and_pushes(sandbox, make_key, tmp_path):
    key = make_key("ssh-ok")
    register(sandbox, key)
    result = clone(sandbox, key, tmp_path / "c")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "c" / "README.md").exists()
    work = tmp_path / "c"
    (work / "ssh.txt").write_text("pushed over ssh\n")
    env = git_env(GIT_SSH_COMMAND=ssh_command(sandbox, key))
    branch = f"ssh-{tmp_path.name}"
    for args in (["checkout", "-q", "-b", branch], ["add", "ssh.txt"],
                 ["-c", "user.name=T", "-c", "user.email=t@example.com", "commit", "-qm", "s"],
                 ["push", "-q", "origin", branch]):
        subprocess.run(["git", *args], cwd=work, env=env, check=True, timeout=120)


def test_clone_url_forms(sandbox, make_key, tmp_path):
    key = make_key("forms")
    register(sandbox, key)
    user, port = sandbox.info["ssh_user"], sandbox.info["ssh_port"]
    for index, url in enumerate([
        f"ssh://{user}@127.0.0.1:{port}/v3/fabrikam/Fabrikam/hello.git",
        f"ssh://{user}@127.0.0.1:{port}/v3/FABRIKAM/fabrikam/HELLO",
    ]):
        result = clone(sandbox, key, tmp_path / f"c{index}", url)
        assert result.returncode == 0, (url, result.stderr)
    missing = clone(sandbox, key, tmp_path / "missing",
                    f"ssh://{user}@127.0.0.1:{port}/v3/fabrikam/Fabrikam/nope")
    assert missing.returncode != 0 and "TF401019" in missing.stderr
    traversal = clone(sandbox, key, tmp_path / "dots",
                      f"ssh://{user}@127.0.0.1:{port}/v3/fabrikam/../../etc")
    assert traversal.returncode != 0


def test_shell_access_is_not_supported(sandbox, make_key):
    key = make_key("shell")
    register(sandbox, key)
    result = subprocess.run(
        [*ssh_command(sandbox, key).split(), "-T", "-p", str(sandbox.info["ssh_port"]),
         f"{sandbox.info['ssh_user']}@127.0.0.1"],
        env=git_env(), capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL,
    )
    assert "remote: Shell access is not supported." in result.stderr
    assert result.returncode == 1


def test_revoked_key_is_refused_at_once(sandbox, make_key, tmp_path):
    key = make_key("revoke")
    key_id = register(sandbox, key)
    assert clone(sandbox, key, tmp_path / "before").returncode == 0
    assert sandbox.session_tokens("DELETE", f"/{key_id}").status_code == 204
    after = clone(sandbox, key, tmp_path / "after")
    assert after.returncode != 0
    assert "Permission denied (publickey)" in after.stderr


def test_expired_key_is_refused(sandbox, make_key, tmp_path):
    key = make_key("expire")
    key_id = register(sandbox, key)
    assert clone(sandbox, key, tmp_path / "before").returncode == 0
    expired = sandbox.admin_request("POST", f"/_sandbox/keys/{key_id}/expire")
    assert expired.status_code == 200 and expired.json()["isValid"] is False
    after = clone(sandbox, key, tmp_path / "after")
    assert after.returncode != 0
    assert "Permission denied (publickey)" in after.stderr


def test_key_for_another_org_cannot_read_this_one(sandbox, make_key, tmp_path):
    key = make_key("other-org")
    register(sandbox, key, target_accounts=["11111111-2222-3333-4444-555555555555"])
    result = clone(sandbox, key, tmp_path / "c")
    assert result.returncode != 0
    assert "TF401019" in result.stderr
