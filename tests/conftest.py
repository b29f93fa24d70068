"""Shared fixtures: an isolated HOME so no test touches the user's own configuration."""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
# molecule/harness.py (wheel, containers, collection link) serves the tests as well.
sys.path.insert(0, str(REPO_ROOT / "molecule"))


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.delenv("AZURE_DEVOPS_EXT_PAT", raising=False)
    monkeypatch.delenv("AZREPOS_CA_BUNDLE", raising=False)
    monkeypatch.delenv("REQUESTS_CA_BUNDLE", raising=False)
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    return home


def built_once(factory: pytest.TempPathFactory, name: str, build: Callable[[Path], None]) -> Path:
    """``build(folder)`` once per test run however many xdist workers ask; the others wait for
    it. (Each worker's basetemp sits in the run's own folder, which they share.)"""
    base = factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent
    folder, done = base / name, base / f"{name}.done"
    with open(base / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)
            build(folder)
            done.touch()
    return folder


@pytest.fixture(scope="session")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """dist/ from scripts/build-dist: the one scripts/test built for the whole run
    (AZREPOS_TEST_DIST), else built once for this pytest run."""
    if os.environ.get("AZREPOS_TEST_DIST"):
        return Path(os.environ["AZREPOS_TEST_DIST"])

    def build(out: Path) -> None:
        done = subprocess.run([sys.executable, str(REPO_ROOT / "scripts" / "build-dist"), "--out", str(out)],
                              capture_output=True, text=True, timeout=900, check=False)
        assert done.returncode == 0, done.stderr[-3000:]

    return built_once(tmp_path_factory, "dist", build)


@pytest.fixture(scope="session")
def wheel(dist: Path) -> Path:
    """The azrepos wheel users install (dist/'s)."""
    return next(dist.glob("azrepos-[0-9]*-py3-none-any.whl"))


@pytest.fixture(scope="session")
def newer_git() -> Path:
    """git >= 2.46 (Debian trixie's source, built once and cached by scripts/build-git): the
    prefix holding bin/git, with the source tree and its t/ beside it under source/."""
    done = subprocess.run(["bash", str(REPO_ROOT / "scripts" / "build-git")], capture_output=True,
                          text=True, timeout=3600, check=False)
    if done.returncode != 0:
        pytest.fail(f"scripts/build-git failed:\n{done.stderr[-3000:]}")
    return Path(done.stdout.strip().splitlines()[-1])


def ssh_keygen(*args: str) -> str:
    return subprocess.run(["ssh-keygen", *args], check=True, capture_output=True, text=True).stdout


def make_key(path: Path, key_type: str = "rsa", bits: int = 2048) -> Path:
    extra = ["-b", str(bits)] if key_type in ("rsa", "ecdsa") else []
    path.parent.mkdir(parents=True, exist_ok=True)
    ssh_keygen("-q", "-t", key_type, *extra, "-N", "", "-C", "test", "-f", str(path))
    return path


def env_without_secrets() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("AZURE_DEVOPS_EXT_PAT", None)
    return env
