"""Each role's meta/argument_specs.yml refuses bad variables before any task runs."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(("role", "variables", "complaint"), [
    ("azrepos.devenv.ssh_key", {"ssh_key_type": "ed25519"}, "ssh_key_type"),
    ("azrepos.devenv.ssh_key", {"ssh_key_state": "gone"}, "ssh_key_state"),
    ("azrepos.devenv.ssh_key", {"ssh_key_size": 1024}, "ssh_key_size"),
    ("azrepos.devenv.gitconfig", {"gitconfig_scope": "everywhere"}, "gitconfig_scope"),
    ("azrepos.devenv.gitconfig", {"gitconfig_credential_store": "wincred"}, "gitconfig_credential_store"),
    ("azrepos.devenv.credential_manager", {"credential_manager_helper": "store"},
     "credential_manager_helper"),
    ("azrepos.devenv.credential_manager", {"credential_manager_pats": [{"org_url": "https://dev.azure.com/x"}]},
     "missing required arguments: pat"),
    ("azrepos.devenv.git", {"git_package_state": "absent"}, "git_package_state"),
    ("azrepos.devenv.repos", {"repos_transport": "ftp"}, "repos_transport"),
    ("azrepos.devenv.repos", {"repos_clone": [{"repos": ["x"], "transport": "ftp"}]}, "transport"),
])
def test_bad_variables_fail_before_any_task(playbooks, role, variables, complaint):
    task = {"name": "include the role", "ansible.builtin.include_role": {"name": role},
            "vars": {**variables, "ansible_facts": {"user_id": "nobody", "os_family": "Debian"}}}
    run = playbooks.run([task], json_output=False)
    assert run.returncode != 0
    assert "Validating arguments against arg spec" in run.output
    assert complaint in run.output
    assert "Load the OS family's variables" not in run.output
