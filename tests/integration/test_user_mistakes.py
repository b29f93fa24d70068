"""User mistakes get a message that says what is wrong and how to fix it: never "unexpected
... report it", never a library's warning dump."""

from __future__ import annotations

import subprocess

import pytest

from tests.integration.conftest import User

UNEXPECTED = "report it"


def no_surprise(done: subprocess.CompletedProcess[str]) -> None:
    assert done.returncode != 0
    assert UNEXPECTED not in done.stderr and "Traceback" not in done.stderr
    assert "Warning" not in done.stderr, done.stderr


@pytest.mark.parametrize("url", ["https://[::1/x", "https://dev.azure.com:99999/x"])
def test_a_malformed_org_url(pat_user: User, url: str) -> None:
    done = pat_user.azrepos("whoami", "--org", url)
    no_surprise(done)
    assert "is not an Azure DevOps organization URL" in done.stderr


def test_a_ca_bundle_that_is_not_a_file_names_its_variable(pat_user: User) -> None:
    done = pat_user.azrepos("whoami", "--org", pat_user.org,
                            env={"AZREPOS_CA_BUNDLE": "/nonexistent"})
    no_surprise(done)
    assert "/nonexistent (from AZREPOS_CA_BUNDLE) is not a file" in done.stderr


def test_removing_a_missing_key_says_how_remove_works(pat_user: User) -> None:
    done = pat_user.azrepos("ssh-key", "remove", "--org", pat_user.org, "--key", "/missing")
    no_surprise(done)
    assert "no key at /missing" in done.stderr and "--fingerprint" in done.stderr


def test_a_dsa_key_is_refused_without_a_warning_dump(pat_user: User) -> None:
    key = pat_user.home / "dsa"
    made = subprocess.run(["ssh-keygen", "-q", "-t", "dsa", "-N", "", "-f", str(key)],
                          capture_output=True, check=False)
    if made.returncode != 0:
        pytest.skip("this OpenSSH no longer makes DSA keys")
    done = pat_user.azrepos("ssh-key", "add", "--org", pat_user.org, "--key", str(key),
                            *pat_user.ssh_args())
    no_surprise(done)
    assert "ssh-dss" in done.stderr and "RSA keys only" in done.stderr


def test_doctor_on_an_ssh_port_url_says_the_https_side_was_guessed(pat_user: User) -> None:
    done = pat_user.azrepos("doctor", "ssh://git@127.0.0.1:1/v3/org/p/r")
    assert done.returncode != 0
    assert "guessed from the SSH URL" in done.stdout and "--org https://" in done.stdout


def test_pat_stdin_wins_over_a_stored_pat(user: User) -> None:
    """What this run was given comes before what the machine saved (auth/order.py): a stale
    stored PAT no longer hides the one piped in."""
    user.azrepos("login", "--org", user.org, "--pat-stdin", "--no-verify",
                 stdin="b" * 52 + "\n", check=True)
    done = user.azrepos("whoami", "--org", user.org, "--pat-stdin",
                        stdin=user.sandbox.info["pat"] + "\n")
    assert done.returncode == 0, done.stderr
    assert "via PAT from standard input" in done.stdout
