"""The gitconfig role writes git's http.proxy, the one setting git, GCM and azrepos follow, and
an empty http.<url>.proxy for each URL that goes direct; a password in it is refused."""

from __future__ import annotations

import subprocess
from pathlib import Path


def role(home: Path, **extra: object) -> list[dict]:
    return [{"name": "facts", "ansible.builtin.setup": {"gather_subset": ["min"]}},
            {"name": "probe gitconfig", "ansible.builtin.include_role": {
                "name": "azrepos.devenv.gitconfig"}, "vars": {
                "gitconfig_home": str(home), "gitconfig_orgs": ["https://dev.azure.com/contoso"],
                **extra}}]


def proxy_for(home: Path, url: str) -> str:
    done = subprocess.run(["git", "config", "--get-urlmatch", "http.proxy", url],
                          env={"HOME": str(home), "PATH": "/usr/bin:/bin",
                               "GIT_CONFIG_NOSYSTEM": "1"},
                          capture_output=True, text=True, check=False)
    return done.stdout.strip() if done.returncode == 0 else "unset"


def test_proxy_and_its_exceptions_reach_git(playbooks) -> None:
    home = playbooks.root / "home"
    tasks = role(home, gitconfig_http_proxy="http://proxy.corp.example:3128",
                 gitconfig_no_proxy=["tfs.corp.example", "https://git.corp.example/"])
    run = playbooks.run(tasks, json_output=False)
    assert run.returncode == 0, run.output[-3000:]
    assert proxy_for(home, "https://dev.azure.com/contoso/Web/_git/app") == \
        "http://proxy.corp.example:3128"
    assert proxy_for(home, "https://tfs.corp.example/tfs/DefaultCollection") == ""
    assert proxy_for(home, "https://git.corp.example/x") == ""
    again = playbooks.run(tasks, json_output=False)
    assert "changed=0" in again.stdout.split("PLAY RECAP")[-1], again.stdout[-3000:]


def test_a_password_in_the_proxy_is_refused_before_anything_is_written(playbooks) -> None:
    home = playbooks.root / "home"
    run = playbooks.run(role(home, gitconfig_http_proxy="http://bob:hunter2hunter2@proxy:3128"),
                        json_output=False)
    assert run.returncode != 0 and "a secret never goes into gitconfig" in run.output
    assert "hunter2hunter2" not in run.output
    assert not (home / ".config" / "azrepos" / "gitconfig").exists()
