"""azrepos.devenv.ssh_key through real ansible-playbook runs against the sandbox."""

from __future__ import annotations

import base64
import subprocess

import pytest

from azrepos.sshkeys.public_key import parse
from tests.ansible.conftest import BIN


def test_add_registers_the_key(playbooks):
    key = playbooks.key("add")
    run = playbooks.run([playbooks.ssh_key_task(key, name="probe add", valid_days=30)],
                        env=playbooks.pat_env())
    assert run.returncode == 0, run.output
    [result] = run.results()
    fingerprint = parse(key).fingerprint
    assert result["changed"] is True
    assert result["outcome"] == "added"
    assert result["fingerprint"] == fingerprint
    assert result["key"]["name"] == "azrepos (ansible)"
    assert result["writes"] == 1
    assert fingerprint in playbooks.registered()


def test_rerun_is_unchanged_with_one_list_and_no_write(playbooks):
    key = playbooks.key("rerun")
    first = playbooks.run([playbooks.ssh_key_task(key, name="probe first")], env=playbooks.pat_env())
    assert first.returncode == 0, first.output
    playbooks.clear_requests()

    again = playbooks.run([playbooks.ssh_key_task(key, name="probe again")], env=playbooks.pat_env())
    assert again.returncode == 0, again.output
    [result] = again.results()
    assert result["changed"] is False
    assert result["outcome"] == "unchanged"
    assert result["calls"] == {"list SSH keys": 1}
    assert result["writes"] == 0
    assert playbooks.writes() == []
    assert playbooks.registered().count(parse(key).fingerprint) == 1


def test_check_mode_writes_nothing(playbooks):
    key = playbooks.key("check")
    playbooks.clear_requests()
    run = playbooks.run([playbooks.ssh_key_task(key, name="probe check")], "--check",
                        env=playbooks.pat_env())
    assert run.returncode == 0, run.output
    [result] = run.results()
    assert result["changed"] is True
    assert result["outcome"] == "added"
    assert result["writes"] == 0
    assert playbooks.writes() == []
    assert parse(key).fingerprint not in playbooks.registered()


def test_absent_revokes_then_is_unchanged(playbooks):
    key = playbooks.key("absent")
    fingerprint = parse(key).fingerprint
    added = playbooks.run([playbooks.ssh_key_task(key, name="probe add")], env=playbooks.pat_env())
    assert added.returncode == 0, added.output
    assert fingerprint in playbooks.registered()

    revoke = playbooks.run([playbooks.ssh_key_task(key, name="probe revoke", state="absent")],
                           env=playbooks.pat_env())
    assert revoke.returncode == 0, revoke.output
    [result] = revoke.results()
    assert result["changed"] is True
    assert result["outcome"] == "revoked"
    assert len(result["revoked_ids"]) == 1
    assert fingerprint not in playbooks.registered()

    again = playbooks.run([playbooks.ssh_key_task(name="probe again", fingerprint=fingerprint,
                                                  state="absent")], env=playbooks.pat_env())
    assert again.returncode == 0, again.output
    [result] = again.results()
    assert result["changed"] is False
    assert result["outcome"] == "absent"
    assert result["writes"] == 0


def test_diff_shows_the_registration_before_and_after(playbooks):
    key = playbooks.key("diff")
    fingerprint = parse(key).fingerprint
    run = playbooks.run([playbooks.ssh_key_task(key, name="probe diff", valid_days=10)], "--diff",
                        env=playbooks.pat_env())
    assert run.returncode == 0, run.output
    [result] = run.results()
    diff = result["diff"]
    assert diff["before"] == f"{fingerprint}: not registered\n"
    assert diff["after"].startswith(f"{fingerprint}: registered as 'azrepos (ansible)' until ")

    plain = playbooks.run([playbooks.ssh_key_task(key, name="probe nodiff")], env=playbooks.pat_env())
    [result] = plain.results()
    assert "diff" not in result


def test_renews_a_key_that_expires_soon(playbooks):
    key = playbooks.key("renew")
    first = playbooks.run([playbooks.ssh_key_task(key, name="probe add", valid_days=5)],
                          env=playbooks.pat_env())
    assert first.returncode == 0, first.output
    renew = playbooks.run([playbooks.ssh_key_task(key, name="probe renew", valid_days=60,
                                                  renew_within_days=14)], "--diff",
                          env=playbooks.pat_env())
    [result] = renew.results()
    assert result["outcome"] == "extended"
    assert result["changed"] is True
    assert result["calls"].get("update SSH key") == 1
    assert result["diff"]["before"] != result["diff"]["after"]


def test_pat_falls_back_to_the_environment(playbooks):
    key = playbooks.key("envpat")
    run = playbooks.run([playbooks.ssh_key_task(key, name="probe env", pat=False)],
                        env={"AZURE_DEVOPS_EXT_PAT": str(playbooks.sandbox.info["pat"])})
    assert run.returncode == 0, run.output
    [result] = run.results()
    assert result["outcome"] == "added"


def test_rsa_only_refused_before_any_request(playbooks):
    key = playbooks.key("ed", key_type="ed25519")
    playbooks.clear_requests()
    run = playbooks.run([playbooks.ssh_key_task(key, name="probe ed")], env=playbooks.pat_env())
    assert run.returncode != 0
    [result] = run.results()
    assert result["failed"] is True
    assert "RSA" in result["msg"]
    assert playbooks.sandbox.admin("GET", "/_sandbox/requests")["value"] == []


def test_days_out_of_range_refused_before_any_request_as_the_cli_says(playbooks, tmp_path):
    """The module and ``azrepos ssh-key add`` share the core's range and its message."""
    key = playbooks.key("days")
    playbooks.clear_requests()
    run = playbooks.run([playbooks.ssh_key_task(key, valid_days=4000)], env=playbooks.pat_env())
    [result] = run.results()
    assert run.returncode != 0 and "valid_days must be between 1 and 3650 days" in result["msg"]
    assert playbooks.sandbox.admin("GET", "/_sandbox/requests")["value"] == []
    done = subprocess.run([str(BIN / "azrepos"), "ssh-key", "add", "--org",
                           playbooks.sandbox.org_url, "--valid-days", "4000"],
                          capture_output=True, text=True, env=playbooks.env(), check=False)
    assert done.returncode == 2 and "must be between 1 and 3650 days, not 4000" in done.stderr


def test_a_rejected_pat_fails_clearly(playbooks):
    key = playbooks.key("badpat")
    run = playbooks.run([playbooks.ssh_key_task(key, name="probe bad")],
                        env={"SANDBOX_PAT": "x" * 52})
    assert run.returncode != 0
    [result] = run.results()
    assert result["status"] == 401
    assert "PAT or token rejected" in result["msg"]


def test_missing_core_says_how_to_fix(playbooks):
    task = playbooks.ssh_key_task("ssh-rsa AAAA", name="probe nocore")
    task["vars"] = {"ansible_python_interpreter": "/usr/bin/python3"}
    run = playbooks.run([task], env=playbooks.pat_env())
    [result] = run.results()
    assert result["failed"] is True
    assert "required Python library (azrepos)" in result["msg"]  # missing_required_lib's words
    assert "not importable by /usr/bin/python3" in result["msg"] and "delegate_to" in result["msg"]
    # The file to install: the wheel a collection from scripts/build-dist carries.
    assert ("/usr/bin/python3 -m pip install COLLECTION/roles/credential_manager/files/"
            "azrepos-*-py3-none-any.whl") in result["msg"]


@pytest.mark.parametrize("verbosity", ["-vvvv"])
def test_verbose_output_never_contains_the_pat(playbooks, verbosity):
    pat = str(playbooks.sandbox.info["pat"])
    forms = [pat, base64.b64encode(f":{pat}".encode()).decode()]
    key = playbooks.key("verbose")
    tasks = [
        playbooks.ssh_key_task(key, name="probe add"),
        playbooks.ssh_key_task(key, name="probe again"),
        playbooks.ssh_key_task(key, name="probe revoke", state="absent"),
        playbooks.ssh_key_task(key, name="probe env", pat=False),
        {**playbooks.ssh_key_task(key, name="probe fails",
                                  org_url=playbooks.sandbox.org_url + "-missing"),
         "ignore_errors": True},
    ]
    for args in ([verbosity, "--diff"], [verbosity, "--check", "--diff"]):
        run = playbooks.run(tasks, *args, json_output=False,
                            env={**playbooks.pat_env(), "AZURE_DEVOPS_EXT_PAT": pat})
        assert "probe fails" in run.output
        assert "ESTABLISH LOCAL CONNECTION" in run.output  # really verbose
        for form in forms:
            assert form not in run.output
