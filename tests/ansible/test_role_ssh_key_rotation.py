"""The ssh_key role's rotation on localhost against the sandbox: the core's steps through the
target-side ssh_key_rotation module, killed mid-switch and finished by the next run."""

from __future__ import annotations

import getpass
import json
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import yaml

from tests.ansible.conftest import BIN, ansible_environment


def fingerprint(path: Path) -> str:
    done = subprocess.run(["ssh-keygen", "-lf", str(path)], capture_output=True, text=True,
                          check=True)
    return done.stdout.split()[1]


def run_role(playbooks, home: Path, name: str, state: str, extra: dict | None = None,
             **env: str) -> dict:
    info = playbooks.sandbox.info
    role_vars = {
        "ssh_key_state": state,
        "ssh_key_user": getpass.getuser(),
        "ssh_key_home": str(home),
        "ssh_key_install_packages": False,
        "ssh_key_size": 2048,
        "ssh_key_name": name,
        "ssh_key_azrepos_python": sys.executable,
        "ssh_key_pat": "{{ lookup('ansible.builtin.env', 'SANDBOX_PAT') }}",
        "ssh_key_ca_bundle": playbooks.sandbox.ca_file,
        "ssh_key_orgs": [{"url": playbooks.sandbox.org_url, "ssh_host": "127.0.0.1",
                          "ssh_port": info["ssh_port"], "ssh_user": info["ssh_user"],
                          "host_key": info["ssh_host_key"],
                          "host_key_fingerprint": info["ssh_host_key_fingerprint"]}],
        **(extra or {}),
    }
    play = [{"name": "ssh_key role", "hosts": "localhost", "gather_facts": True,
             "vars": {"ansible_python_interpreter": "{{ ansible_playbook_python }}"},
             "tasks": [{"name": "the role", "ansible.builtin.include_role": {
                 "name": "azrepos.devenv.ssh_key"}, "vars": role_vars}]}]
    path = playbooks.root / f"role-{uuid.uuid4().hex[:6]}.yml"
    path.write_text(yaml.safe_dump(play, sort_keys=False))
    done = subprocess.run(
        [str(BIN / "ansible-playbook"), "-i", "localhost,", "-c", "local", str(path)],
        capture_output=True, text=True, timeout=600, check=False,
        env=ansible_environment(playbooks.root, home, ANSIBLE_STDOUT_CALLBACK="ansible.posix.json",
                                **playbooks.pat_env(), **env))
    document = json.loads(done.stdout) if done.stdout.startswith("{") else {}
    return {"rc": done.returncode, "output": done.stdout + done.stderr,
            "stats": document.get("stats", {}).get("localhost", {})}


def keys_named(playbooks, name: str) -> list[dict]:
    return [k for k in playbooks.sandbox.admin("GET", "/_sandbox/keys")["value"]
            if k["displayName"] == name]


@pytest.mark.slow
def test_a_role_rotation_killed_mid_switch_is_finished_by_the_next_present_run(playbooks):
    home = playbooks.root / "home"
    home.mkdir(exist_ok=True)
    name = f"role rotation {uuid.uuid4().hex[:8]}"
    key = home / ".ssh" / "id_rsa_azrepos"
    first = run_role(playbooks, home, name, "present")
    assert first["rc"] == 0, first["output"]
    old_fp = fingerprint(key.with_name(key.name + ".pub"))

    crashed = run_role(playbooks, home, name, "rotated",
                       AZREPOS_TEST_CRASH_AFTER="promoted-private")
    assert crashed["rc"] != 0
    assert key.with_name(key.name + ".rotation").exists()

    resumed = run_role(playbooks, home, name, "present")
    assert resumed["rc"] == 0, resumed["output"]
    [registered] = keys_named(playbooks, name)
    assert registered["fingerprint"] == fingerprint(key.with_name(key.name + ".pub")) != old_fp
    assert old_fp not in [k["fingerprint"] for k in
                          playbooks.sandbox.admin("GET", "/_sandbox/keys")["value"]]
    assert not list(key.parent.glob("id_rsa_azrepos.next*"))
    assert not key.with_name(key.name + ".rotation").exists()
    assert [fingerprint(p) for p in key.parent.glob("id_rsa_azrepos.retired-*")
            if p.suffix != ".pub"] == [old_fp]

    playbooks.clear_requests()
    again = run_role(playbooks, home, name, "rotated", extra={"ssh_key_rotate_after_days": 90})
    assert again["rc"] == 0, again["output"]
    assert again["stats"].get("changed") == 0, again["output"]
    assert playbooks.writes() == []


def test_a_key_near_its_end_is_renewed_by_a_rotation(playbooks):
    home = playbooks.root / "home"
    home.mkdir(exist_ok=True)
    name = f"role renewal {uuid.uuid4().hex[:8]}"
    key = home / ".ssh" / "id_rsa_azrepos"
    first = run_role(playbooks, home, name, "present", extra={"ssh_key_valid_days": 20,
                                                               "ssh_key_renew_before_days": 0})
    assert first["rc"] == 0, first["output"]
    old_fp = fingerprint(key.with_name(key.name + ".pub"))

    renewed = run_role(playbooks, home, name, "present")  # 20 days left, renewed before 30
    assert renewed["rc"] == 0, renewed["output"]
    new_fp = fingerprint(key.with_name(key.name + ".pub"))
    assert new_fp != old_fp
    assert [k["fingerprint"] for k in keys_named(playbooks, name)] == [new_fp]
    # A key with 90 days left is left alone: the rotation test's last run (changed=0, no
    # write) already makes that check with the default ssh_key_renew_before_days.
