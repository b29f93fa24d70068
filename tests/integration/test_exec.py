"""``azrepos exec``: git with the credential in its environment, for pipelines and scripts."""

from __future__ import annotations

import pytest

from tests.integration.conftest import User


def no_secret_on_disk(user: User, secret: str) -> None:
    for path in user.home.rglob("*"):
        if path.is_file():
            assert secret not in path.read_text(errors="replace"), path


@pytest.mark.parametrize("newer", [False, True], ids=["git-2.39", "git-2.47"])
def test_clone_with_a_pat_from_the_environment_and_nothing_on_disk(
        pat_user: User, newer: bool, request: pytest.FixtureRequest) -> None:
    user, pat = pat_user, pat_user.sandbox.info["pat"]
    if newer:
        user.env["PATH"] = f"{request.getfixturevalue('newer_git')}/bin:{user.env['PATH']}"
    clone = user.azrepos("exec", "--org", user.org, "--", "git", "clone",
                         user.sandbox.info["https_clone_url"], str(user.home / "repo"))
    assert clone.returncode == 0, clone.stderr
    assert (user.home / "repo" / "README.md").exists()
    no_secret_on_disk(user, pat)
    fetch = user.azrepos("exec", "--org", user.org, "--", "git", "-C", str(user.home / "repo"),
                         "fetch")
    assert fetch.returncode == 0, fetch.stderr


def test_the_credential_is_in_the_environment_not_on_argv(pat_user: User) -> None:
    user, pat = pat_user, pat_user.sandbox.info["pat"]
    probe = user.azrepos("exec", "--org", user.org, "--", "sh", "-c",
                         'tr "\\0" " " < /proc/$$/cmdline; echo; echo "count=$GIT_CONFIG_COUNT";'
                         ' echo "$GIT_CONFIG_KEY_0"', check=True)
    cmdline, count, key = probe.stdout.splitlines()[:3]
    assert pat not in cmdline and "Authorization" not in cmdline
    assert count == "count=2" and key == f"http.{user.org}/.extraheader"


def test_a_pipeline_token_goes_as_a_bearer_header(pat_user: User) -> None:
    user = pat_user
    del user.env["AZURE_DEVOPS_EXT_PAT"]
    probe = user.azrepos("exec", "--org", user.org, "--", "sh", "-c",
                         'echo "$GIT_CONFIG_VALUE_0" | cut -c1-22',
                         env={"SYSTEM_ACCESSTOKEN": "eyJ0eXAiOiJKV1QifQ.e30.sig"}, check=True)
    assert probe.stdout.strip() == "Authorization: Bearer"


def test_without_a_command_or_credential_it_says_what_to_do(user: User) -> None:
    empty = user.azrepos("exec", "--org", user.org)
    assert empty.returncode == 2 and "say what to run after --" in empty.stderr
    missing = user.azrepos("exec", "--org", user.org, "--", "git", "ls-remote",
                           user.sandbox.info["https_clone_url"])
    assert missing.returncode != 0 and "no credential for" in missing.stderr
