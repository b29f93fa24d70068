"""``azrepos status`` after real set-up against the sandbox: the key's registration as
``ssh-key add`` learnt it, ``--refresh`` after the key was revoked elsewhere, a PAT's expiry
from ``login --expires``, and ``--check`` for monitoring."""

from __future__ import annotations

import json
from pathlib import Path

from tests.integration.conftest import User, make_user


def status(user: User, *args: str) -> tuple[int, dict]:
    done = user.azrepos("status", "--json", *args)
    return done.returncode, json.loads(done.stdout)


def test_status_follows_the_key_and_the_pat(user: User, tmp_path: Path) -> None:
    pat = user.sandbox.info["pat"]
    user.azrepos("login", "--org", user.org, "--pat-stdin", "--expires", "2099-01-31",
                 stdin=pat + "\n", check=True)
    user.azrepos("configure-git", "--org", user.org, check=True)
    user.azrepos("ssh-key", "add", "--org", user.org, "--bits", "2048", *user.ssh_args(),
                 check=True)
    code, document = status(user)
    assert code == 0 and document["signed_in"][0]["method"].startswith("pat:")
    [org] = [o for o in document["organizations"] if o.get("org_url")]
    assert org["credential"]["expires_at"] == "2099-01-31T00:00:00Z"
    assert org["helper"] == {"configured": True, "name": "azrepos"}
    assert org["ssh_key"]["registered"] is True and 85 <= org["ssh_key"]["days_left"] <= 90
    assert org["problems"] == []

    assert user.azrepos("status", "--check", "--within-days", "30").returncode == 0
    soon = user.azrepos("status", "--check", "--within-days", "120")
    assert soon.returncode == 1 and "key-expires-soon" in soon.stdout

    # Another machine of the same user revokes the key: this one does not know yet.
    other = make_user(tmp_path / "other", user.sandbox)
    other.azrepos("ssh-key", "remove", "--org", user.org, "--fingerprint",
                  org["ssh_key"]["fingerprint"], env={"AZURE_DEVOPS_EXT_PAT": pat}, check=True)
    user.sandbox.admin("DELETE", "/_sandbox/requests")
    _, offline = status(user)
    assert offline["organizations"][0]["ssh_key"]["registered"] is True  # what it last knew
    assert user.sandbox.admin("GET", "/_sandbox/requests")["value"] == []  # no network call
    _, fresh = status(user, "--refresh")
    assert fresh["organizations"][0]["problems"] == ["key-not-registered"]
    broken = user.azrepos("status", "--check")
    assert broken.returncode == 1 and "key-not-registered" in broken.stdout


def test_expires_goes_with_a_pat(user: User) -> None:
    done = user.azrepos("login", "--org", user.org, "--device-code", "--expires", "2099-01-31")
    assert done.returncode == 2 and "--expires goes with --pat-stdin" in done.stderr
    bad = user.azrepos("login", "--org", user.org, "--pat-stdin", "--expires", "soon",
                       stdin="x" * 52 + "\n")
    assert bad.returncode == 2 and "not a date" in bad.stderr


def test_rotate_if_expiring_within_rotates_only_when_due(pat_user: User) -> None:
    user = pat_user
    user.azrepos("ssh-key", "add", "--org", user.org, "--bits", "2048", "--valid-days", "20",
                 *user.ssh_args(), check=True)
    user.sandbox.admin("DELETE", "/_sandbox/requests")
    calm = user.azrepos("ssh-key", "rotate", "--org", user.org, "--bits", "2048", "--json",
                        "--if-expiring-within", "10", *user.ssh_args())
    assert calm.returncode == 0 and json.loads(calm.stdout)["changed"] is False, calm.stderr
    writes = [e for e in user.sandbox.admin("GET", "/_sandbox/requests")["value"]
              if e["method"] not in ("GET", "HEAD")]
    assert writes == []
    due = user.azrepos("ssh-key", "rotate", "--org", user.org, "--bits", "2048", "--json",
                       "--if-expiring-within", "30", *user.ssh_args())
    assert due.returncode == 0 and json.loads(due.stdout)["action"] == "rotated", due.stderr
