"""The launcher behind ``git-credential-azrepos`` (src/bin): a venv's interpreter started with
-I -S and azrepos's own folders put on sys.path; anything else, an ordinary start, silently."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.seed_state import store_pat

REPO_ROOT = Path(__file__).resolve().parents[2]
LAUNCHER = REPO_ROOT / "src" / "bin" / "git-credential-azrepos"
PAT = "p" * 52
REQUEST = b"protocol=https\nhost=dev.azure.com\npath=contoso/p/_git/r\n\n"
HEAVY = {"site", "re", "enum", "json", "requests", "msal", "keyring", "azrepos.git_helper.helper"}


def fake_venv(root: Path, pth_name: str, pth_line: str) -> Path:
    """A venv as ``python -m venv`` lays it out, whose ``python`` records its argv and runs this
    interpreter with ``-X importtime``, and whose site-packages names azrepos only in a .pth."""
    version = f"python{sys.version_info[0]}.{sys.version_info[1]}"
    site = root / "lib" / version / "site-packages"
    site.mkdir(parents=True)
    (site / pth_name).write_text(pth_line + "\n")
    (root / "pyvenv.cfg").write_text(f"home = {Path(sys.executable).parent}\n")
    bin_dir = root / "bin"
    bin_dir.mkdir()
    python = bin_dir / "python"
    python.write_text(f'#!/bin/sh\necho "$@" > {root}/argv\nexec {sys.executable} -X importtime "$@"\n')
    python.chmod(0o755)
    shutil.copy(LAUNCHER, bin_dir / "git-credential-azrepos")
    return bin_dir / "git-credential-azrepos"


def imported(stderr: str) -> set[str]:
    return {line.rsplit("|", 1)[-1].strip() for line in stderr.splitlines()
            if line.startswith("import time:")}


def run(helper: Path | str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {"HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config"), "PATH": "/usr/bin:/bin",
           "AZREPOS_SECRET_STORE": "file"}
    return subprocess.run([str(helper), "get"], input=REQUEST.decode(), capture_output=True,
                          text=True, env=env, timeout=60, check=False)


def test_a_venv_starts_lean_with_the_editable_source_on_the_path(home: Path, tmp_path: Path) -> None:
    store_pat("https://dev.azure.com/contoso", PAT)
    helper = fake_venv(tmp_path / "venv", "__editable__.azrepos-0.1.0.pth", str(REPO_ROOT / "src"))
    done = run(helper, home)
    assert done.returncode == 0 and f"password={PAT}" in done.stdout, done.stderr
    assert (tmp_path / "venv" / "argv").read_text().split()[:2] == ["-I", "-S"]
    loaded = imported(done.stderr)
    assert "azrepos.git_helper.fast" in loaded  # the probe sees the helper's own imports
    assert not loaded & HEAVY, f"the lean start imported {sorted(loaded & HEAVY)}"


def test_a_layout_it_does_not_know_falls_back_to_a_normal_start_silently(home: Path,
                                                                         tmp_path: Path) -> None:
    """azrepos reachable only through an ordinary .pth: the explicit path finds nothing, so the
    launcher lets ``site`` do its usual work and answers all the same."""
    store_pat("https://dev.azure.com/contoso", PAT)
    helper = fake_venv(tmp_path / "venv", "elsewhere.pth", str(REPO_ROOT / "src"))
    done = run(helper, home)
    assert done.returncode == 0 and f"password={PAT}" in done.stdout, done.stderr
    assert "site" in imported(done.stderr)
    assert [line for line in done.stderr.splitlines() if not line.startswith("import time:")] == []


def test_a_symlink_on_path_finds_its_venv(home: Path, tmp_path: Path) -> None:
    """The role and the Feature link the helper into a folder on PATH."""
    store_pat("https://dev.azure.com/contoso", PAT)
    helper = fake_venv(tmp_path / "venv", "__editable__.azrepos-0.1.0.pth", str(REPO_ROOT / "src"))
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "git-credential-azrepos").symlink_to(helper)
    done = run(tmp_path / "bin" / "git-credential-azrepos", home)
    assert done.returncode == 0 and f"password={PAT}" in done.stdout, done.stderr
    assert (tmp_path / "venv" / "argv").read_text().split()[:2] == ["-I", "-S"]


def test_the_slow_path_gets_a_normal_start(home: Path, tmp_path: Path) -> None:
    """Nothing on disk to answer from: the full helper loads after ``site`` has run (for its
    dependencies) and, with no terminal, says nothing, so git asks the next helper."""
    helper = fake_venv(tmp_path / "venv", "__editable__.azrepos-0.1.0.pth", str(REPO_ROOT / "src"))
    done = run(helper, home)
    assert done.returncode == 0 and done.stdout == "", done.stderr
    assert {"site", "azrepos.git_helper.helper"} <= imported(done.stderr)
    assert "Traceback" not in done.stderr


def test_the_launcher_is_executable_and_valid_python() -> None:
    """git runs it by path; ``python git-credential-azrepos get`` (tests, debuggers) works too."""
    mode = subprocess.run(["git", "ls-files", "-s", str(LAUNCHER)], cwd=REPO_ROOT, text=True,
                          capture_output=True, check=True).stdout.split()[:1]
    assert mode in (["100755"], [])  # [] before the file is committed
    assert os.access(LAUNCHER, os.X_OK)
    compile(LAUNCHER.read_text(), str(LAUNCHER), "exec")
