"""One credential order (``azrepos.auth.order``) from every face: the CLI, git through the
helper, ``exec``, ``clone`` and an Ansible module speak as the same identity.

With a stored PAT and an Entra sign-in, all use the Entra sign-in; with ``AZURE_DEVOPS_EXT_PAT``
set as well, all use that PAT. The sandbox's request log shows each call's auth scheme.
"""

from __future__ import annotations

import json
import subprocess

import pytest
import yaml
from harness import ensure_collection_link  # molecule/, on sys.path from tests/conftest.py

from tests.ansible.conftest import ansible_environment
from tests.integration.conftest import BIN, User


def schemes(user: User, kind: str) -> set[str]:
    entries = user.sandbox.admin("GET", "/_sandbox/requests")["value"]
    return {e["auth"] for e in entries if e["kind"] == kind and e["auth"]}


def helper_answer(user: User) -> dict[str, str]:
    host = user.org.split("/")[2]
    done = user.git("credential", "fill", stdin=f"protocol=https\nhost={host}\n"
                    f"path={user.org.split('/', 3)[3]}/Tools/_git/cli\n\n", check=True)
    return dict(line.split("=", 1) for line in done.stdout.splitlines() if "=" in line)


def module_run(user: User) -> subprocess.CompletedProcess[str]:
    ensure_collection_link()
    playbook = user.home / "probe.yml"
    playbook.write_text(yaml.safe_dump([{
        "hosts": "localhost", "gather_facts": False,
        "vars": {"ansible_python_interpreter": "{{ ansible_playbook_python }}"},
        "tasks": [{"azrepos.devenv.repos_info": {"org_url": user.org, "project": "Tools"}}]}]))
    env = ansible_environment(user.home.parent, user.home, **{
        k: v for k, v in user.env.items() if k.startswith(("AZREPOS_", "AZURE_DEVOPS"))})
    return subprocess.run([str(BIN / "ansible-playbook"), "-i", "localhost,", "-c", "local",
                           str(playbook)], capture_output=True, text=True, env=env,
                          timeout=300, check=False)


@pytest.mark.parametrize("given_pat", [False, True], ids=["saved", "environment"])
def test_every_face_uses_the_same_credential(user: User, given_pat: bool) -> None:
    pat = user.sandbox.info["pat"]
    user.azrepos("login", "--org", user.org, "--pat-stdin", stdin=pat + "\n", check=True)
    assert user.login_device_code("dev2").returncode == 0
    user.azrepos("configure-git", "--org", user.org, check=True)
    if given_pat:
        user.env["AZURE_DEVOPS_EXT_PAT"] = pat
    expected = "Basic" if given_pat else "Bearer"
    user.sandbox.admin("DELETE", "/_sandbox/requests")

    whoami = json.loads(user.azrepos("whoami", "--org", user.org, "--json", check=True).stdout)
    assert whoami["credential"].startswith("PAT from" if given_pat else "Entra sign-in of")
    assert schemes(user, "rest") == {expected}

    answer = helper_answer(user)  # git 2.39 takes a token as a Basic password
    assert (answer["password"] == pat) is given_pat
    assert answer["password"].startswith("eyJ") is not given_pat

    for face in (("exec", "--org", user.org, "--", "git", "ls-remote", "-q",
                  f"{user.org}/Tools/_git/cli"),
                 ("clone", "--org", user.org, "--repo", "Tools/cli", "--transport", "https",
                  "--dest", str(user.home / "src"))):
        user.sandbox.admin("DELETE", "/_sandbox/requests")
        user.azrepos(*face, check=True)
        assert schemes(user, "git") == {expected}, face[0]

    user.sandbox.admin("DELETE", "/_sandbox/requests")
    done = module_run(user)
    assert done.returncode == 0, done.stdout + done.stderr
    assert schemes(user, "rest") == {expected}
    assert pat not in done.stdout + done.stderr
