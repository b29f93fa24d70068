"""PATs in a real Secret Service (gnome-keyring on a private D-Bus session), not in a file."""

from __future__ import annotations

import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent
ORG = "https://dev.azure.com/contoso"
PAT = "k" * 52


@pytest.mark.skipif(not shutil.which("dbus-run-session") or not shutil.which("gnome-keyring-daemon"),
                    reason="scripts/install-system-packages installs gnome-keyring and dbus")
def test_pat_round_trip_through_secret_service(home: Path) -> None:
    request = "protocol=https\\nhost=dev.azure.com\\npath=contoso/p/_git/r\\n\\n"
    script = f"""
set -e
eval "$(printf pw | gnome-keyring-daemon --unlock --components=secrets)"
export AZREPOS_SECRET_STORE=keyring
printf '%s\\n' "$PAT" | {BIN}/azrepos login --org {ORG} --pat-stdin --no-verify
{BIN}/azrepos status
printf '{request}' | {BIN}/git-credential-azrepos get
"""
    env = {"HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config"), "PAT": PAT,
           "PATH": "/usr/bin:/bin", "GIT_TERMINAL_PROMPT": "0",
           "XDG_RUNTIME_DIR": str(home)}
    done = subprocess.run(["dbus-run-session", "--", "sh", "-c", script], env=env,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert "OS keyring" in done.stdout and "SecretService" in done.stdout
    assert f"{ORG}: pat:keyring" in done.stdout
    assert f"password={PAT}" in done.stdout
    assert not (home / ".config" / "azrepos" / "secrets.json").exists()
    assert PAT not in done.stderr, shlex.quote(done.stderr)
