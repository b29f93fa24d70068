"""Pull mode: ``azrepos pull-run`` runs ansible-pull of a configuration repository served by
the sandbox, fetched through the credential azrepos set up (the helper), converges, changes
nothing the second time, and ``azrepos status`` shows the last run."""

from __future__ import annotations

import json
import sys

from tests.integration.conftest import BIN, User

PLAYBOOK = """\
- name: Keep this machine provisioned
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Mark the machine as provisioned
      ansible.builtin.copy:
        dest: "{{ lookup('ansible.builtin.env', 'HOME') }}/provisioned.txt"
        content: "provisioned by pull mode\\n"
        mode: "0644"
"""


def test_pull_run_converges_then_changes_nothing(pat_user: User) -> None:
    user = pat_user
    user.azrepos("login", "--org", user.org, "--pat-stdin", stdin=user.sandbox.info["pat"] + "\n",
                 check=True)
    user.azrepos("configure-git", "--org", user.org, check=True)
    del user.env["AZURE_DEVOPS_EXT_PAT"]  # from here on, only what azrepos set up
    # This machine's pyenv shims confuse Ansible's interpreter discovery: name the Python.
    user.env["ANSIBLE_PYTHON_INTERPRETER"] = sys.executable
    url = f"{user.org}/Tools/_git/docs"
    work = user.home / "config-repo"
    user.git("clone", "-q", url, str(work), check=True)
    (work / "local.yml").write_text(PLAYBOOK)
    user.git("-C", str(work), "add", "local.yml", check=True)
    user.git("-C", str(work), "-c", "user.name=Platform", "-c", "user.email=p@example.com",
             "commit", "-qm", "pull mode", check=True)
    user.git("-C", str(work), "push", "-q", "origin", "HEAD", check=True)
    branch = user.git("-C", str(work), "branch", "--show-current", check=True).stdout.strip()

    args = ("pull-run", "--url", url, "--branch", branch, "--json",
            "--ansible-pull", str(BIN / "ansible-pull"))
    first = user.azrepos(*args)
    assert first.returncode == 0, first.stdout + first.stderr
    assert json.loads(first.stdout)["result"] == "changed"
    assert (user.home / "provisioned.txt").read_text() == "provisioned by pull mode\n"
    second = json.loads(user.azrepos(*args, check=True).stdout)
    assert second["result"] in ("skipped", "unchanged") and second["changed"] is False
    status = json.loads(user.azrepos("status", "--json", check=True).stdout)
    assert status["pull"]["result"] == second["result"] and status["problems"] == []
    log = (user.home / ".local" / "state" / "azrepos" / "pull.log").read_text()
    assert log.count("=== ") == 2 and user.sandbox.info["pat"] not in log
