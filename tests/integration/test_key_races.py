"""The key lifecycle under a busy fleet: real parallel processes against a slow sandbox."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from tests.conftest import make_key
from tests.integration.conftest import BIN, User

PARALLEL = 10


def registered(user: User, fingerprint: str) -> list[dict]:
    listing = json.loads(user.azrepos("ssh-key", "list", "--org", user.org, "--json",
                                      check=True).stdout)
    return [k for k in listing["keys"] if k["fingerprint"] == fingerprint]


def test_parallel_adds_of_one_key_all_exit_0_with_one_registration(pat_user: User) -> None:
    user = pat_user
    key = make_key(user.home / ".ssh" / "id_rsa_azrepos", bits=2048)
    # A slow listing, so every process sees "not registered" and then races to add it.
    user.sandbox.admin("POST", "/_sandbox/faults", {"method": "GET", "path_contains":
                                                    "SessionTokens", "delay": 1.5,
                                                    "count": PARALLEL})
    argv = [str(BIN / "azrepos"), "ssh-key", "add", "--org", user.org, "--key", str(key),
            "--json", *user.ssh_args()]
    runs = [subprocess.Popen(argv, env=user.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True) for _ in range(PARALLEL)]
    results = [(run.wait(timeout=180), *run.communicate()) for run in runs]
    assert [rc for rc, _, _ in results] == [0] * PARALLEL, [err for _, _, err in results]
    actions = sorted(json.loads(out)["action"] for _, out, _ in results)
    assert actions.count("added") >= 1 and set(actions) <= {"added", "unchanged"}
    fingerprint = json.loads(results[0][1])["fingerprint"]
    assert len(registered(user, fingerprint)) == 1


def test_two_rotations_back_to_back_keep_every_retired_pair(pat_user: User) -> None:
    user = pat_user
    user.azrepos("ssh-key", "add", "--org", user.org, "--bits", "2048", *user.ssh_args(),
                 check=True)
    for _ in range(2):
        user.azrepos("ssh-key", "rotate", "--org", user.org, "--bits", "2048", *user.ssh_args(),
                     check=True)
    retired = sorted(p.name for p in (user.home / ".ssh").glob("id_rsa_azrepos.retired-*"))
    assert len([name for name in retired if not name.endswith(".pub")]) == 2
    assert len([name for name in retired if name.endswith(".pub")]) == 2
    assert not Path(user.home / ".ssh" / "id_rsa_azrepos.next").exists()


def test_a_refused_pat_fails_before_any_key_is_made(user: User) -> None:
    user.env["AZURE_DEVOPS_EXT_PAT"] = "x" * 52
    for command in ("add", "rotate"):
        done = user.azrepos("ssh-key", command, "--org", user.org, "--bits", "2048",
                            *user.ssh_args())
        assert done.returncode != 0 and "Traceback" not in done.stderr
        assert not list((user.home / ".ssh").glob("id_rsa_azrepos*")) if (
            user.home / ".ssh").exists() else True
