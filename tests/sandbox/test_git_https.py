"""Real git against the sandbox over HTTPS, with the PAT from a credential helper."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from tests.sandbox_fixture import git_env

# The PAT comes from the environment, never from argv or the URL.
HELPER = "!f() { test \"$1\" = get && echo username=azrepos && echo password=$SANDBOX_PAT; }; f"


def git(sandbox, *args: str, pat: str | None = None, cwd: Path | None = None,
        ) -> subprocess.CompletedProcess[str]:
    env = git_env(SANDBOX_PAT=sandbox.info["pat"] if pat is None else pat)
    return subprocess.run(
        ["git", "-c", "credential.helper=", "-c", f"credential.helper={HELPER}",
         "-c", f"http.sslCAInfo={sandbox.ca_file}", *args],
        env=env, cwd=cwd, capture_output=True, text=True, timeout=120,
    )


def test_clone_with_pat(sandbox, tmp_path):
    result = git(sandbox, "clone", sandbox.info["https_clone_url"], str(tmp_path / "c"))
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "c" / "README.md").exists()
    assert sandbox.info["pat"] not in result.stderr + result.stdout


def test_clone_with_bad_pat_fails(sandbox, tmp_path):
    result = git(sandbox, "clone", sandbox.info["https_clone_url"], str(tmp_path / "c"),
                 pat="wrong-pat")
    assert result.returncode != 0
    assert "Authentication failed" in result.stderr


def test_clone_needs_code_scope(sandbox, tmp_path):
    pat = sandbox.admin_request("POST", "/_sandbox/pats", {"scopes": ["vso.tokens"]}).json()["pat"]
    result = git(sandbox, "clone", sandbox.info["https_clone_url"], str(tmp_path / "c"),
                 pat=pat)
    assert result.returncode != 0
    read_only = sandbox.admin_request("POST", "/_sandbox/pats", {"scopes": ["vso.code"]}).json()["pat"]
    result = git(sandbox, "clone", sandbox.info["https_clone_url"], str(tmp_path / "c"),
                 pat=read_only)
    assert result.returncode == 0, result.stderr


def test_unknown_repo_is_not_found(sandbox, tmp_path):
    url = sandbox.info["https_clone_url"].replace("/hello", "/nope")
    result = git(sandbox, "clone", url, str(tmp_path / "c"))
    assert result.returncode != 0
    assert "not found" in result.stderr


def test_push_of_a_large_commit_uses_chunked_posts(sandbox, tmp_path):
    work = tmp_path / "c"
    assert git(sandbox, "clone", sandbox.info["https_clone_url"], str(work)).returncode == 0
    # Incompressible data above http.postBuffer (1 MiB) makes git send a chunked body.
    (work / "blob.bin").write_bytes(os.urandom(3 * 1024 * 1024))
    branch = f"big-{os.getpid()}-{tmp_path.name}"
    for args in (["checkout", "-q", "-b", branch], ["add", "blob.bin"],
                 ["-c", "user.name=T", "-c", "user.email=t@example.com", "commit", "-qm", "big"]):
        subprocess.run(["git", *args], cwd=work, env=git_env(), check=True)
    pushed = git(sandbox, "push", "origin", branch, cwd=work)
    assert pushed.returncode == 0, pushed.stderr
    listed = git(sandbox, "ls-remote", sandbox.info["https_clone_url"], branch)
    assert branch in listed.stdout
