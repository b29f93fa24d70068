"""Remotes embedding credentials, found and rewritten in real git repositories."""

from __future__ import annotations

import base64
import subprocess
from pathlib import Path

import pytest

from azrepos.errors import UsageError
from azrepos.secretscan import remotes
from azrepos.secretscan.remotes import RemoteFinding, check_remotes
from tests.hooks.conftest import current_pat, git, jwt, legacy_pat

REPO_PATH = "dev.azure.com/contoso/project/_git/repo"


@pytest.fixture(autouse=True)
def _in_repo(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(repo)


def urls(name: str, key: str = "url") -> list[str]:
    return git("config", "--get-all", f"remote.{name}.{key}", cwd=Path.cwd()).split()


def test_no_remotes_and_clean_remotes(repo: Path) -> None:
    assert check_remotes() == []
    git("remote", "add", "origin", f"https://contoso@{REPO_PATH}", cwd=repo)  # org name as user
    git("remote", "add", "ssh", "git@ssh.dev.azure.com:v3/contoso/project/repo", cwd=repo)
    git("remote", "add", "plain", f"https://{REPO_PATH}", cwd=repo)
    assert check_remotes(fix=True) == []
    assert urls("origin") == [f"https://contoso@{REPO_PATH}"]


@pytest.mark.parametrize(("userinfo", "kind", "clean_user"), [
    ("contoso:{legacy}", "Azure DevOps PAT (legacy 52-char) in URL", "contoso@"),
    ("{legacy}", "Azure DevOps PAT (legacy 52-char) in URL", ""),
    ("{current}", "Azure DevOps PAT (84-char) in URL", ""),
    (":{current}", "Azure DevOps PAT (84-char) in URL", ""),
    ("{jwt}", "Entra ID / JWT access token in URL", ""),
    ("me%40example.com:hunter2", "password in URL", "me%40example.com@"),
])
def test_credential_found_then_fixed(repo: Path, userinfo: str, kind: str, clean_user: str) -> None:
    secret_userinfo = userinfo.format(legacy=legacy_pat(), current=current_pat(), jwt=jwt())
    git("remote", "add", "origin", f"https://{secret_userinfo}@{REPO_PATH}", cwd=repo)
    assert check_remotes() == [RemoteFinding("origin", "url", "local", kind)]
    assert check_remotes(fix=True) == [RemoteFinding("origin", "url", "local", kind, fixed=True)]
    assert urls("origin") == [f"https://{clean_user}{REPO_PATH}"]
    assert check_remotes() == []


def test_pushurl_multiple_urls_and_dotted_names(repo: Path) -> None:
    pat = current_pat()
    git("remote", "add", "my.fork", f"https://contoso@{REPO_PATH}", cwd=repo)
    git("remote", "set-url", "--push", "my.fork", f"https://x:{pat}@{REPO_PATH}", cwd=repo)
    git("config", "--add", "remote.mirror.url", f"https://{REPO_PATH}", cwd=repo)
    git("config", "--add", "remote.mirror.url", f"ssh://git:{pat}@example.com/r.git", cwd=repo)
    git("config", "--add", "remote.mirror.url", f"https://{pat}@contoso.visualstudio.com/p/_git/r", cwd=repo)
    found = check_remotes(fix=True)
    assert {(f.remote, f.key, f.fixed) for f in found} == {("my.fork", "pushurl", True),
                                                           ("mirror", "url", True)}
    assert len(found) == 3
    assert urls("my.fork") == [f"https://contoso@{REPO_PATH}"]
    assert urls("my.fork", "pushurl") == [f"https://x@{REPO_PATH}"]
    assert urls("mirror") == [f"https://{REPO_PATH}", "ssh://git@example.com/r.git",
                              "https://contoso.visualstudio.com/p/_git/r"]


def test_global_config_is_reported_not_rewritten(repo: Path, home: Path) -> None:
    git("config", "--global", "remote.shared.url", f"https://u:{legacy_pat()}@{REPO_PATH}", cwd=repo)
    [finding] = check_remotes(fix=True)
    assert (finding.remote, finding.scope, finding.fixed) == ("shared", "global", False)


def test_secret_never_on_a_command_line(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pat = legacy_pat()
    git("remote", "add", "origin", f"https://contoso:{pat}@{REPO_PATH}", cwd=repo)
    git("config", "--add", "remote.two.url", f"https://{pat}@{REPO_PATH}", cwd=repo)
    git("config", "--add", "remote.two.url", f"https://{REPO_PATH}", cwd=repo)
    seen: list[list[str]] = []
    real_run = subprocess.run

    def spy(args: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
        seen.append(list(args))
        return real_run(args, **kwargs)  # type: ignore[call-overload,no-any-return]

    monkeypatch.setattr(remotes.subprocess, "run", spy)
    assert all(f.fixed for f in check_remotes(fix=True))
    assert any("set-url" in args for args in seen) and any("--unset-all" in args for args in seen)
    assert not any(pat[:10] in arg for args in seen for arg in args)


def test_outside_a_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    outside = tmp_path / "not-a-repo"
    outside.mkdir()
    monkeypatch.chdir(outside)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    with pytest.raises(UsageError):
        check_remotes()


def test_extraheader_with_basic_pat_is_reported(repo: Path) -> None:
    secret = current_pat()
    header = "AUTHORIZATION: Basic " + base64.b64encode(f":{secret}".encode()).decode()
    git("config", "http.https://dev.azure.com.extraheader", header, cwd=repo)
    found = check_remotes(fix=True)
    assert [(f.key, f.scope, f.kind, f.fixed) for f in found] == [
        ("extraheader", "local", "Azure DevOps PAT (84-char) (base64)", False)]
    assert secret not in repr(found)


def test_extraheader_with_variable_is_clean(repo: Path) -> None:
    git("config", "http.extraheader", "AUTHORIZATION: bearer $(System.AccessToken)", cwd=repo)
    assert check_remotes() == []
