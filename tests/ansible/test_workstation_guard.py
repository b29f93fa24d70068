"""playbooks/workstation.yml runs with become: it stops before any role when the developer is
not named (the roles would otherwise set up root), or is root without azrepos_allow_root."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.ansible.conftest import BIN, REPO_ROOT, ansible_environment

MESSAGE = "Set azrepos_user to the developer's account"


def play(tmp_path: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    return subprocess.run(
        [str(BIN / "ansible-playbook"), "-i", "localhost,", "-c", "local",
         "-e", f"ansible_python_interpreter={sys.executable}", *extra,
         str(REPO_ROOT / "playbooks" / "workstation.yml")],
        env=ansible_environment(tmp_path, home), capture_output=True, text=True, timeout=300,
        check=False)


@pytest.mark.parametrize("extra", [[], ["-e", "azrepos_user=root"]], ids=["unnamed", "root"])
def test_the_play_stops_before_any_role(tmp_path: Path, extra: list[str]) -> None:
    done = play(tmp_path, *extra)
    assert done.returncode != 0
    assert MESSAGE in done.stdout + done.stderr
    assert "azrepos.devenv.git" not in done.stdout  # no role task ran


def test_root_on_purpose_passes_the_check(tmp_path: Path) -> None:
    done = play(tmp_path, "-e", "azrepos_user=root", "-e", "azrepos_allow_root=true",
                "--tags", "never")  # the check is tagged always; no role task is tagged never
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Check that the developer account is named" in done.stdout
