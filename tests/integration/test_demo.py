"""The README's demo command, every way, never touching the caller's HOME."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent
DEMO = Path(__file__).resolve().parents[2] / "scripts" / "demo.py"  # what scripts/demo runs


def snapshot(root: Path) -> dict[str, int]:
    return {str(p): p.stat().st_mtime_ns for p in root.rglob("*")}


@pytest.mark.parametrize("mode", [
    "cli",
    pytest.param("local", marks=pytest.mark.slow),
    pytest.param("podman", marks=[pytest.mark.slow, pytest.mark.containers,
                                  pytest.mark.timeout(1200)]),
])
def test_demo_clones_over_https_and_ssh_and_leaves_home_alone(tmp_path: Path, mode: str) -> None:
    if mode == "podman" and os.geteuid() != 0:
        pytest.skip("the podman demo runs as root (scripts/test and CI do)")
    home = tmp_path / "callers-home"
    (home / ".ssh").mkdir(parents=True)
    (home / ".gitconfig").write_text("[user]\n\tname = Someone\n")
    before = snapshot(home)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "AZREPOS_"))}
    env.update({"HOME": str(home), "PATH": f"{BIN}:{env.get('PATH', '/usr/bin:/bin')}"})
    done = subprocess.run([str(BIN / "python"), str(DEMO), "--mode", mode], env=env,
                          capture_output=True, text=True, timeout=900, check=False)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "Demo complete" in done.stdout
    assert done.stdout.count("Cloning into") == 2
    if mode != "cli":
        assert "playbooks/workstation.yml" in done.stdout
        assert "REST writes on this run: 0" in done.stdout
    else:  # azrepos setup, run twice: the second changes nothing
        assert "git: unchanged" in done.stdout
        assert ": unchanged: SHA256:" in done.stdout
    assert snapshot(home) == before
