"""git over HTTPS through git http-backend, with the PAT coming from git-credential-azrepos."""

from __future__ import annotations

from tests.integration.conftest import User


def test_pat_clone_over_https_through_the_helper(user: User) -> None:
    user.azrepos("login", "--org", user.org, "--pat-stdin",
                 stdin=user.sandbox.info["pat"] + "\n", check=True)
    user.azrepos("configure-git", "--org", user.org, check=True)
    clone = user.git("clone", user.sandbox.info["https_clone_url"], str(user.home / "repo"))
    assert clone.returncode == 0, clone.stderr
    assert (user.home / "repo" / "README.md").exists()
    gitconfig = (user.home / ".config" / "azrepos" / "gitconfig").read_text()
    assert user.sandbox.info["pat"] not in gitconfig
    assert user.sandbox.info["pat"] not in (user.home / ".gitconfig").read_text()


def test_bad_pat_is_denied_with_a_clear_message(user: User) -> None:
    user.azrepos("login", "--org", user.org, "--pat-stdin", "--no-verify",
                 stdin="q" * 52 + "\n", check=True)
    user.azrepos("configure-git", "--org", user.org, check=True)
    clone = user.git("clone", user.sandbox.info["https_clone_url"], str(user.home / "repo"))
    assert clone.returncode != 0
    assert "Authentication failed" in clone.stderr
    assert "q" * 52 not in clone.stderr


def test_configure_git_is_idempotent_and_removable(user: User) -> None:
    assert "configured" in user.azrepos("configure-git", "--org", user.org, check=True).stdout
    assert "unchanged" in user.azrepos("configure-git", "--org", user.org, check=True).stdout
    user.azrepos("configure-git", "--org", user.org, "--remove", check=True)
    assert "azrepos" not in (user.home / ".gitconfig").read_text()
