"""``ssh-key rotate`` killed at every step, then finished by the next ``rotate`` or ``add``.

The rotating process dies with ``os._exit(137)`` right after the step named by the test-only
``AZREPOS_TEST_CRASH_AFTER`` (no cleanup runs, as with SIGKILL); a second real process must end
with exactly one registered key, the one on disk, the old one revoked, and nothing staged.
"""

from __future__ import annotations

import json
import stat
import subprocess
import time
import uuid

import pytest

from azrepos.sshkeys.rotation import CRASH_ENV
from tests.conftest import ssh_keygen
from tests.integration.conftest import BIN, User

STEPS = ["journal", "generated", "registered", "retired-private", "retired", "promoted-private",
         "promoted", "configured", "revoked"]


def fingerprint(path: str) -> str:
    return ssh_keygen("-lf", path).split()[1]


def keys_named(user: User, name: str) -> list[dict]:
    keys = user.sandbox.admin("GET", "/_sandbox/keys")["value"]  # every valid key, every user
    return [k for k in keys if k["displayName"] == name]


def cli(user: User, command: str, name: str, **env: str) -> subprocess.CompletedProcess[str]:
    return user.azrepos("ssh-key", command, "--org", user.org, "--json", "--bits", "2048",
                        "--name", name, *user.ssh_args(), env=env)


def assert_one_key_in_place(user: User, name: str, old_fp: str) -> None:
    ssh = user.home / ".ssh"
    key = ssh / "id_rsa_azrepos"
    [registered] = keys_named(user, name)
    on_disk = fingerprint(f"{key}.pub")
    derived = ssh_keygen("-yf", str(key)).split()[1]
    assert registered["fingerprint"] == on_disk != old_fp
    assert derived == (key.with_name(key.name + ".pub")).read_text().split()[1]
    assert old_fp not in [k["fingerprint"] for k in user.sandbox.admin(
        "GET", "/_sandbox/keys")["value"]]
    assert not list(ssh.glob("id_rsa_azrepos.next*"))
    assert not (ssh / "id_rsa_azrepos.rotation").exists()
    for private in [key, *[p for p in ssh.glob("id_rsa_azrepos.retired-*")
                           if not p.name.endswith(".pub")], ssh / "id_rsa_azrepos.lock"]:
        assert stat.S_IMODE(private.stat().st_mode) == 0o600, private
    retired = [p for p in ssh.glob("id_rsa_azrepos.retired-*") if not p.name.endswith(".pub")]
    assert [fingerprint(str(p)) for p in retired] == [old_fp]
    clone = user.git("clone", user.sandbox.info["ssh_clone_url"], str(user.home / "repo"))
    assert clone.returncode == 0, clone.stderr


@pytest.mark.parametrize("resume_with", ["rotate", "add"])
@pytest.mark.parametrize("step", STEPS)
def test_a_rotation_killed_at_any_step_is_finished_by_the_next_run(
        pat_user: User, step: str, resume_with: str) -> None:
    user, name = pat_user, f"crash {step} {uuid.uuid4().hex[:8]}"
    old = json.loads(cli(user, "add", name).stdout)
    crashed = cli(user, "rotate", name, **{CRASH_ENV: step})
    assert crashed.returncode == 137, crashed.stderr
    assert (user.home / ".ssh" / "id_rsa_azrepos").exists()  # never missing, even mid-switch

    done = cli(user, resume_with, name)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["action"] == "rotated" and result["revoked_ids"] in ([old["id"]], [])
    assert_one_key_in_place(user, name, old["fingerprint"])

    again = cli(user, "add", name)  # and from now on, add is plain add
    assert json.loads(again.stdout)["action"] == "unchanged"
    assert len(keys_named(user, name)) == 1


def test_a_second_rotation_at_the_same_time_is_turned_away(pat_user: User) -> None:
    user, name = pat_user, f"concurrent {uuid.uuid4().hex[:8]}"
    old = json.loads(cli(user, "add", name).stdout)
    # The first rotation holds the lock while its registration is slow.
    user.sandbox.admin("POST", "/_sandbox/faults", {"method": "POST", "path_contains": "",
                                                    "delay": 8, "count": 1})
    argv = [str(BIN / "azrepos"), "ssh-key", "rotate", "--org", user.org, "--bits", "2048",
            "--name", name, *user.ssh_args()]
    first = subprocess.Popen(argv, env=user.env, text=True, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE)
    staged = user.home / ".ssh" / "id_rsa_azrepos.next"
    while first.poll() is None and not staged.exists():  # it holds the lock from here on
        time.sleep(0.05)
    second = user.run(*argv)
    _out, err = first.communicate(timeout=180)
    assert first.returncode == 0, err
    assert second.returncode == 1
    assert "another azrepos process is rotating" in second.stderr
    assert "Traceback" not in second.stderr
    assert_one_key_in_place(user, name, old["fingerprint"])
