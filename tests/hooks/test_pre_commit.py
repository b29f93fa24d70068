"""End to end through the real ``pre-commit``, against a committed copy of this project.

pre-commit installs a hook repository from a git commit, so the fixture copies the package
sources into a fresh repository and commits them: the hooks under test are the working tree's.

``pre-commit run`` with a config naming that repository keeps its hook venv in PRE_COMMIT_HOME,
which lives for the session, so that venv (pip install from PyPI) is built once. ``try-repo``
always works in a fresh temporary store and rebuilds the venv on every call (about 20 s), so
only three tests use it: the way another repository would first try these hooks.
"""

from __future__ import annotations

import base64
import os
import secrets
import shutil
import string
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT
from tests.hooks.conftest import (
    GIT_IDENTITY,
    current_pat,
    git,
    init_repo,
    leaked_pieces,
    legacy_pat,
    openssh_key,
)
from tests.hooks.corpus import generate

pytest.importorskip("pre_commit")

HOOK_SOURCES = ("pyproject.toml", "README.md", "src", "templates", ".pre-commit-hooks.yaml")
BUILD_TIMEOUT = 600


@pytest.fixture(scope="session")
def pc_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    home = tmp_path_factory.mktemp("pc-home")
    dropped = ("VIRTUAL_ENV", "SKIP", "AZURE_DEVOPS_EXT_PAT")
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PRE_COMMIT", "GIT_")) and k not in dropped}
    env.update(GIT_IDENTITY, HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"), GIT_CONFIG_NOSYSTEM="1",
               PRE_COMMIT_HOME=str(tmp_path_factory.mktemp("pre-commit-home")), PRE_COMMIT_COLOR="never")
    return env


@pytest.fixture(scope="session")
def hook_repo(tmp_path_factory: pytest.TempPathFactory, pc_env: dict[str, str]) -> Path:
    """A committed copy of this project's hook sources (uncommitted work included)."""
    repo = init_repo(tmp_path_factory.mktemp("hook-source") / "azrepos", env=pc_env)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
    for name in HOOK_SOURCES:
        source = REPO_ROOT / name
        if source.is_dir():
            shutil.copytree(source, repo / name, ignore=ignore)
        else:
            shutil.copy2(source, repo / name)
    git("add", "-A", cwd=repo, env=pc_env)
    git("commit", "-q", "-m", "hook sources", cwd=repo, env=pc_env)
    return repo


def pre_commit(*args: str, cwd: Path, env: dict[str, str]) -> tuple[int, str]:
    done = subprocess.run([sys.executable, "-m", "pre_commit", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=BUILD_TIMEOUT)
    return done.returncode, done.stdout + done.stderr


def write_config(repo: Path, hook_repo: Path, env: dict[str, str], *hooks: str) -> None:
    """A .pre-commit-config.yaml using the hook source at its HEAD; ``hooks`` are YAML items."""
    rev = git("rev-parse", "HEAD", cwd=hook_repo, env=env).strip()
    items = "".join(f"      - {hook}\n" for hook in hooks)
    (repo / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {hook_repo}\n    rev: {rev}\n    hooks:\n{items}")
    git("add", ".pre-commit-config.yaml", cwd=repo, env=env)


@pytest.fixture(scope="session")
def first_build(tmp_path_factory: pytest.TempPathFactory, hook_repo: Path, pc_env: dict[str, str]) -> float:
    """Build the hook venv in PRE_COMMIT_HOME once (timed); later `pre-commit run`s reuse it."""
    scratch = init_repo(tmp_path_factory.mktemp("scratch") / "repo", env=pc_env)
    write_config(scratch, hook_repo, pc_env, "id: azrepos-detect-secrets")
    started = time.monotonic()
    code, output = pre_commit("install-hooks", cwd=scratch, env=pc_env)
    assert code == 0 and "Installing environment" in output, output
    return time.monotonic() - started


@pytest.fixture
def target(tmp_path: Path, pc_env: dict[str, str], first_build: float) -> Path:
    return init_repo(tmp_path / "target", env=pc_env)


def stage(repo: Path, env: dict[str, str], files: dict[str, str | bytes]) -> list[str]:
    for name, content in files.items():
        path = repo / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)
    git("add", *files, cwd=repo, env=env)
    return list(files)


def test_hook_venv_is_built_once(first_build: float, target: Path, hook_repo: Path,
                                 pc_env: dict[str, str]) -> None:
    write_config(target, hook_repo, pc_env, "id: azrepos-detect-secrets")
    stage(target, pc_env, {"a.txt": "hello\n"})
    started = time.monotonic()
    code, output = pre_commit("run", cwd=target, env=pc_env)
    again = time.monotonic() - started
    assert code == 0 and "Passed" in output, output
    assert "Installing environment" not in output
    print(f"\npre-commit hook venv: first build {first_build:.1f}s, then a run takes {again:.1f}s")


def test_detect_secrets_blocks_staged_secrets(target: Path, hook_repo: Path, pc_env: dict[str, str]) -> None:
    legacy, current, key = legacy_pat(), current_pat(), openssh_key()
    nuget, basic_pat = legacy_pat(), current_pat()
    basic = base64.b64encode(f":{basic_pat}".encode()).decode()
    client = "".join(secrets.choice(string.ascii_letters) for _ in range(3)) + "7Q~"
    client += secrets.token_urlsafe(34)[:34]
    sql = secrets.token_urlsafe(12).replace("-", "x").replace("_", "y")
    header = f"\textraheader = AUTHORIZATION: Basic {basic}"
    nuget_line = f'<add key="ClearTextPassword" value="{nuget}" />'
    db_line = f' "Db": "Server=db;User ID=a;Password={sql};"'
    clone = f"  - run: git clone https://{current}@dev.azure.com/contoso/p/_git/r"
    files = stage(target, pc_env, {
        "config/creds.env": f"# build settings\nAZURE_DEVOPS_EXT_PAT={legacy}\n",
        "deploy.yml": f"steps:\n{clone}\n",
        "keys/id_ed25519": key,
        "notes.md": "Clone https://contoso@dev.azure.com/contoso/p/_git/r\n"
                    "org id 499b84ac-1321-427f-aa17-267ca6975798\n",
        "allowed.py": f"FAKE = '{current}'  # azrepos: allow-secret\n",
        "logo.png": b"\x89PNG\r\n\x1a\n\x00\x00" + current.encode(),
        "gitconfig": f"[http]\n{header}\n",
        "NuGet.Config": f"<packageSourceCredentials><f>\n{nuget_line}\n",
        "appsettings.json": f'{{"ClientSecret": "{client}",\n{db_line}\n}}\n',
        "pipeline.yml": "env:\n  AUTH: 'Authorization: Basic $(System.AccessToken)'\n"
                        "  PAT: ${{ secrets.PAT }}\n",
    })
    code, output = pre_commit("try-repo", str(hook_repo), "azrepos-detect-secrets", "--files", *files,
                              cwd=target, env=pc_env)
    assert code == 1, output
    assert "config/creds.env:2:22: Azure DevOps PAT (legacy 52-char)" in output
    assert f"deploy.yml:2:{clone.index(current) + 1}: Azure DevOps PAT (84-char)" in output
    assert "keys/id_ed25519:1:1: private key (OpenSSH)" in output
    assert "fix: " in output and "azrepos: allow-secret" in output
    assert f"gitconfig:2:{header.index(basic) + 1}: Azure DevOps PAT (84-char) (base64)" in output
    assert f"NuGet.Config:2:{nuget_line.index(nuget) + 1}: Azure DevOps PAT (legacy 52-char)" in output
    assert "appsettings.json:1:19: Entra app client secret" in output  # after '{"ClientSecret": "'
    assert f"appsettings.json:2:{db_line.index(sql) + 1}: connection string password" in output
    for clean in ("notes.md", "allowed.py", "logo.png", "pipeline.yml"):
        assert f"{clean}:" not in output
    for secret in (legacy, current, nuget, basic_pat, basic, client, sql, *key.splitlines()[1:-1]):
        assert not leaked_pieces(secret, output)


def test_detect_secrets_passes_clean_files(target: Path, hook_repo: Path, pc_env: dict[str, str]) -> None:
    write_config(target, hook_repo, pc_env, "id: azrepos-detect-secrets")
    stage(target, pc_env, {
        "README.md": "PAT: 52 characters of `[a-z2-7]`; new ones carry `AAASAZDO` and 4 chars.\n",
        "ids.txt": "sha256 = e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n",
        "remote.txt": "https://contoso@dev.azure.com/contoso/project/_git/repo\n",
    })
    code, output = pre_commit("run", cwd=target, env=pc_env)  # the staged files
    assert code == 0 and "Passed" in output, output


def test_every_corpus_kind_through_pre_commit(target: Path, hook_repo: Path, pc_env: dict[str, str]) -> None:
    """Every leak kind of the generated corpus is blocked, every look-alike passes, through the
    real pre-commit hook (tests/hooks/test_corpus.py scores the same corpus against detect-secrets)."""
    corpus = generate(target / "corpus")
    git("add", "-A", cwd=target, env=pc_env)
    code, output = pre_commit("try-repo", str(hook_repo), "azrepos-detect-secrets", "--all-files",
                              cwd=target, env=pc_env)
    assert code == 1, output
    reported = {line.split(":", 1)[0] for line in output.splitlines() if line.startswith("corpus/")}
    assert {f"corpus/{leak.path}" for leak in corpus.leaks} <= reported, output
    assert not {f"corpus/{name}" for name in corpus.clean} & reported
    for leak in corpus.leaks:
        assert not leaked_pieces(leak.secret, output), leak.kind


def test_check_remotes_reports_without_fixing(target: Path, hook_repo: Path, pc_env: dict[str, str]) -> None:
    pat = legacy_pat()
    url = f"https://contoso:{pat}@dev.azure.com/contoso/p/_git/r"
    git("remote", "add", "origin", url, cwd=target, env=pc_env)
    stage(target, pc_env, {"a.txt": "x\n"})
    code, output = pre_commit("try-repo", str(hook_repo), "azrepos-check-remotes", "--all-files",
                              cwd=target, env=pc_env)
    assert code == 1, output
    assert "remote 'origin' url: Azure DevOps PAT (legacy 52-char) in URL" in output
    assert not leaked_pieces(pat, output)
    assert git("config", "remote.origin.url", cwd=target, env=pc_env).strip() == url


def test_check_remotes_fix_rewrites_the_remote(target: Path, hook_repo: Path, pc_env: dict[str, str]) -> None:
    pat = current_pat()
    git("remote", "add", "origin", f"https://contoso:{pat}@dev.azure.com/contoso/p/_git/r",
        cwd=target, env=pc_env)
    git("remote", "add", "mirror", f"https://{pat}@contoso.visualstudio.com/p/_git/r", cwd=target, env=pc_env)
    write_config(target, hook_repo, pc_env, "{id: azrepos-check-remotes, args: [--fix]}")
    code, output = pre_commit("run", "azrepos-check-remotes", cwd=target, env=pc_env)
    assert code == 0, output
    assert "Installing environment" not in output
    assert not leaked_pieces(pat, output)
    assert git("config", "remote.origin.url", cwd=target, env=pc_env).strip() == \
        "https://contoso@dev.azure.com/contoso/p/_git/r"
    assert git("config", "remote.mirror.url", cwd=target, env=pc_env).strip() == \
        "https://contoso.visualstudio.com/p/_git/r"
    code, output = pre_commit("run", "azrepos-check-remotes", cwd=target, env=pc_env)
    assert code == 0 and "Passed" in output, output


@pytest.mark.skipif(not (REPO_ROOT / ".git").exists(), reason="not a git checkout")
def test_own_config_passes_on_this_repository(pc_env: dict[str, str]) -> None:
    """This project's own .pre-commit-config.yaml: our secret hook is clean on every tracked file."""
    env = dict(pc_env, PATH=f"{Path(sys.executable).parent}{os.pathsep}{pc_env['PATH']}")
    code, output = pre_commit("run", "azrepos-detect-secrets", "--all-files", cwd=REPO_ROOT, env=env)
    assert code == 0, output
