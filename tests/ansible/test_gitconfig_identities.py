"""The gitconfig role's includeIf identities, read back by a real git in each directory."""

from __future__ import annotations

import subprocess
from pathlib import Path


def _git_config(home: Path, repo: Path, key: str) -> str:
    repo.mkdir(parents=True, exist_ok=True)
    env = {"HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config"),
           "GIT_CONFIG_NOSYSTEM": "1", "PATH": "/usr/bin:/bin"}
    subprocess.run(["git", "init", "-q", str(repo)], env=env, check=True)
    done = subprocess.run(["git", "-C", str(repo), "config", "--get", key], env=env,
                          capture_output=True, text=True, check=False)
    return done.stdout.strip()


def test_each_directory_gets_its_identity_and_a_rerun_changes_nothing(playbooks) -> None:
    home = playbooks.root / "home"
    work = home / "work"
    role = {"name": "probe gitconfig", "ansible.builtin.include_role": {
        "name": "azrepos.devenv.gitconfig"}, "vars": {
        "gitconfig_home": str(home),
        "gitconfig_orgs": [{"url": playbooks.sandbox.org_url}],
        "gitconfig_identities": [
            {"name": "contoso", "directory": f"{work}/contoso/", "user_name": "Dev Contoso",
             "user_email": "dev@contoso.example"},
            {"name": "fabrikam", "directory": f"{work}/fabrikam/", "user_name": "Dev Fabrikam",
             "user_email": "dev@fabrikam.example", "settings": {"commit.gpgsign": "false"}},
        ]}}
    tasks = [{"name": "facts", "ansible.builtin.setup": {"gather_subset": ["min"]}}, role]
    first = playbooks.run(tasks, json_output=False)
    assert first.returncode == 0, first.output[-3000:]
    again = playbooks.run(tasks, json_output=False)
    assert again.returncode == 0, again.output[-3000:]
    assert "changed=0" in again.stdout.split("PLAY RECAP")[-1], again.stdout[-3000:]

    assert _git_config(home, work / "contoso" / "app", "user.email") == "dev@contoso.example"
    assert _git_config(home, work / "fabrikam" / "site", "user.email") == "dev@fabrikam.example"
    assert _git_config(home, work / "fabrikam" / "site", "commit.gpgsign") == "false"
    assert _git_config(home, home / "elsewhere", "user.email") == ""
    # The organization's helper entry is there for every directory.
    helper = _git_config(home, work / "contoso" / "app",
                         f"credential.{playbooks.sandbox.org_url}.useHttpPath")
    assert helper == "true"
