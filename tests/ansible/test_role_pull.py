"""The pull role renders a systemd user timer (checked by systemd-analyze verify) and a launchd
agent (checked with plistlib; macOS cannot run here), idempotently, and removes them."""

from __future__ import annotations

import getpass
import plistlib
import subprocess
from pathlib import Path

import pytest

from tests.ansible.conftest import BIN

URL = "https://dev.azure.com/contoso/Platform%20Team/_git/workstations"


def role_tasks(home: Path, **extra: object) -> list[dict]:
    return [{"name": "facts", "ansible.builtin.setup": {"gather_subset": ["min"]}},
            {"name": "probe pull", "ansible.builtin.include_role": {"name": "azrepos.devenv.pull"},
             "vars": {"pull_repo_url": URL, "pull_home": str(home), "pull_user": getpass.getuser(),
                      "pull_azrepos": str(BIN / "azrepos"), "pull_start": False,
                      "pull_linger": False, "pull_ansible_venv": "", **extra}}]


def recap_changed(output: str) -> str:
    return output.split("PLAY RECAP")[-1]


def test_systemd_timer_is_valid_idempotent_and_removable(playbooks) -> None:
    home = playbooks.root / "home"
    run = playbooks.run(role_tasks(home), json_output=False)
    assert run.returncode == 0, run.output[-3000:]
    units = home / ".config" / "systemd" / "user"
    service, timer = units / "azrepos-pull.service", units / "azrepos-pull.timer"
    verify = subprocess.run(["systemd-analyze", "verify", str(service), str(timer)],
                            capture_output=True, text=True, check=False)
    assert verify.returncode == 0, verify.stderr
    assert "Platform%%20Team" in service.read_text()  # systemd's own escape of %
    again = playbooks.run(role_tasks(home), json_output=False)
    assert "changed=0" in recap_changed(again.stdout), again.stdout[-3000:]
    gone = playbooks.run(role_tasks(home, pull_state="absent"), json_output=False)
    assert gone.returncode == 0, gone.output[-3000:]
    assert not service.exists() and not timer.exists()


def test_launchd_agent_is_a_valid_property_list(playbooks) -> None:
    home = playbooks.root / "home"
    run = playbooks.run(role_tasks(home), "-e", "__pull_scheduler=launchd", json_output=False)
    assert run.returncode == 0, run.output[-3000:]
    agent = plistlib.loads((home / "Library/LaunchAgents/com.azrepos.pull.plist").read_bytes())
    assert agent["Label"] == "com.azrepos.pull"
    assert agent["ProgramArguments"][:4] == [str(BIN / "azrepos"), "pull-run", "--url", URL]
    assert agent["StartInterval"] == 3600 and agent["RunAtLoad"] is True


WITH_CREDENTIAL = "https://alice:s3cret@dev.azure.com/contoso/P/_git/R"  # azrepos: allow-secret


@pytest.mark.parametrize("url", ["", WITH_CREDENTIAL])
def test_a_missing_url_or_one_with_a_credential_is_refused(playbooks, url: str) -> None:
    run = playbooks.run(role_tasks(playbooks.root / "home", pull_repo_url=url),
                        json_output=False)
    assert run.returncode != 0 and "Set pull_repo_url" in run.output
