"""The collection's changelog fragments and config are what antsibull-changelog accepts."""

from __future__ import annotations

import subprocess

from tests.ansible.conftest import BIN, REPO_ROOT


def test_antsibull_changelog_lint_passes() -> None:
    done = subprocess.run([str(BIN / "antsibull-changelog"), "lint"], cwd=REPO_ROOT,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
