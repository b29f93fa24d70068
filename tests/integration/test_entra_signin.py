"""Entra sign-in through MSAL over TLS against the sandbox, then real git through the helper."""

from __future__ import annotations

import json
import re
import stat
import time
from pathlib import Path

import pytest

from azrepos_sandbox.testing import RunningSandbox, start
from tests.integration.conftest import User, make_user


@pytest.fixture
def lifetime(sandbox: RunningSandbox):
    """Set the access-token lifetime for a test, and restore the default after it."""
    def set_lifetime(seconds: int) -> None:
        sandbox.admin("POST", "/_sandbox/entra/settings", {"access_token_lifetime": seconds})
    yield set_lifetime
    set_lifetime(3600)


def signed_in(user: User) -> User:
    done = user.login_device_code()
    assert done.returncode == 0, done.stderr
    assert "To sign in, use a web browser" in done.stderr
    assert "signed in to" in done.stdout and "Dev One" in done.stdout
    user.azrepos("configure-git", "--org", user.org, check=True)
    return user


def no_secret_files_hold(user: User, secret: str) -> None:
    for path in user.home.rglob("*"):
        if path.is_file():
            assert secret not in path.read_text(errors="replace"), path


def test_device_code_sign_in_then_clone_with_no_pat_on_disk(user: User) -> None:
    signed_in(user)
    clone = user.git("clone", user.sandbox.info["https_clone_url"], str(user.home / "repo"))
    assert clone.returncode == 0, clone.stderr
    assert not (user.home / ".config" / "azrepos" / "secrets.json").exists()
    no_secret_files_hold(user, user.sandbox.info["pat"])
    cache = user.home / ".config" / "azrepos" / "msal_token_cache.json"
    assert stat.S_IMODE(cache.stat().st_mode) == 0o600
    whoami = json.loads(user.azrepos("whoami", "--org", user.org, "--json", check=True).stdout)
    assert whoami["display_name"] == "Dev One" and whoami["credential"].startswith("Entra")


def test_cache_warning_is_one_line(user: User) -> None:
    done = user.login_device_code()
    warnings = [line for line in done.stderr.splitlines() if "warning" in line]
    assert len(warnings) == 1 and "0600" in warnings[0]


def test_declined_sign_in_fails_clearly(user: User) -> None:
    done = user.login_device_code(decline=True)
    assert done.returncode == 1
    assert "was cancelled or declined" in done.stderr and "Traceback" not in done.stderr


def test_expired_token_is_refreshed_silently(user: User, lifetime) -> None:
    lifetime(2)  # MSAL and the helper treat a token with < 5 minutes left as expired
    signed_in(user)
    lifetime(3600)  # the refreshed token must outlive the clone on a slow machine
    user.sandbox.admin("DELETE", "/_sandbox/requests")
    clone = user.git("clone", user.sandbox.info["https_clone_url"], str(user.home / "repo"))
    assert clone.returncode == 0, clone.stderr
    log = user.sandbox.admin("GET", "/_sandbox/requests")["value"]
    assert any(entry["path"].endswith("/oauth2/v2.0/token") for entry in log)
    assert "sign in" not in clone.stderr.lower()


def test_revoked_refresh_token_says_sign_in_again(user: User, lifetime) -> None:
    lifetime(2)
    signed_in(user)
    user.sandbox.admin("POST", "/_sandbox/entra/revoke", {"user": "dev1"})
    clone = user.git("clone", user.sandbox.info["https_clone_url"], str(user.home / "repo"))
    assert clone.returncode != 0
    assert "sign in again: azrepos login --org" in clone.stderr
    done = user.azrepos("whoami", "--org", user.org)
    assert done.returncode == 1 and "sign in again" in done.stderr


def test_status_and_logout(user: User) -> None:
    signed_in(user)
    status = json.loads(user.azrepos("status", "--json", check=True).stdout)["signed_in"]
    row = next(r for r in status if r["org_url"] == user.org.lower())
    assert row["user"] == "dev1@fabrikam.example" and row["valid_until"]
    text = user.azrepos("status", check=True).stdout
    assert "entra:devicecode" in text and "eyJ" not in text
    user.azrepos("logout", "--org", user.org, check=True)
    assert user.azrepos("whoami", "--org", user.org).returncode == 1
    cache = (user.home / ".config" / "azrepos" / "msal_token_cache.json").read_text()
    assert "eyJ" not in cache


def test_two_orgs_in_one_gitconfig_use_different_identities(user: User, tmp_path) -> None:
    other = start(tmp_path / "second-org")
    try:
        user.env["AZREPOS_CA_BUNDLE"] = f"{tmp_path}/cas.pem"
        (tmp_path / "cas.pem").write_text(Path(user.sandbox.ca_file).read_text()
                                          + Path(other.ca_file).read_text())
        assert user.login_device_code("dev1").returncode == 0
        assert user.login_device_code("dev2", sandbox=other).returncode == 0
        user.azrepos("configure-git", "--org", user.org, "--org", other.org_url, check=True)
        first = json.loads(user.azrepos("whoami", "--org", user.org, "--json", check=True).stdout)
        second = json.loads(user.azrepos("whoami", "--org", other.org_url, "--json",
                                         check=True).stdout)
        assert first["display_name"] == "Dev One" and second["display_name"] == "Dev Two"
        for box, name in ((user.sandbox, "one"), (other, "two")):
            clone = user.git("clone", box.info["https_clone_url"], str(user.home / name))
            assert clone.returncode == 0, clone.stderr
    finally:
        other.stop()


def test_service_principal_with_secret_and_certificate(user: User) -> None:
    info = user.sandbox.info
    done = user.azrepos("login", "--org", user.org, "--service-principal", info["sp_client_id"],
                        "--client-secret-stdin", stdin=info["sp_client_secret"] + "\n")
    assert done.returncode == 0, done.stderr
    assert user.azrepos("whoami", "--org", user.org, check=True).returncode == 0
    refused = user.azrepos("ssh-key", "list", "--org", user.org)
    assert refused.returncode == 1 and "service principal" in refused.stderr.lower()
    bad = user.azrepos("login", "--org", user.org, "--service-principal", info["sp_client_id"],
                       "--client-secret-stdin", stdin="wrong-secret-value-123456\n")
    assert bad.returncode == 1 and "AADSTS7000215" in bad.stderr
    assert "wrong-secret-value-123456" not in bad.stderr
    cert = user.azrepos("login", "--org", user.org, "--service-principal", info["sp_client_id"],
                        "--certificate", info["sp_certificate_file"])
    assert cert.returncode == 0, cert.stderr
    assert info["sp_client_secret"] not in "".join(user.transcript)


def test_managed_identity(user: User) -> None:
    info = user.sandbox.info
    user.env.update({"IDENTITY_ENDPOINT": info["identity_endpoint"],
                     "IDENTITY_HEADER": info["identity_header"]})
    done = user.azrepos("login", "--org", user.org, "--managed-identity", "--tenant",
                        info["tenant_id"])
    assert done.returncode == 0, done.stderr
    assert user.azrepos("whoami", "--org", user.org, check=True).returncode == 0


def test_newer_git_gets_a_bearer_credential(user: User) -> None:
    signed_in(user)
    host = user.org.split("/")[2]
    request = (f"protocol=https\nhost={host}\npath=fabrikam/Fabrikam/_git/hello\n"
               "capability[]=authtype\n\n")
    out = user.run("git-credential-azrepos", "get", stdin=request, check=True).stdout
    assert "authtype=Bearer" in out and re.search(r"^credential=eyJ", out, re.M)
    assert re.search(r"^password_expiry_utc=\d+$", out, re.M)
    assert int(re.search(r"password_expiry_utc=(\d+)", out).group(1)) > time.time()


def test_doctor_reports_an_expired_sign_in(user: User, lifetime) -> None:
    lifetime(2)
    signed_in(user)
    user.sandbox.admin("POST", "/_sandbox/entra/revoke", {"user": "dev1"})
    done = user.azrepos("doctor", user.org, "--json")
    assert done.returncode == 1
    rest = next(c for c in json.loads(done.stdout)["checks"] if c["name"] == "REST auth")
    assert rest["status"] == "fail" and "azrepos login" in rest["fix"]


def test_second_user_helper_isolation(tmp_path, sandbox: RunningSandbox) -> None:
    """Two HOMEs signed in as different users never see each other's tokens."""
    one, two = make_user(tmp_path / "a", sandbox), make_user(tmp_path / "b", sandbox)
    assert one.login_device_code("dev1").returncode == 0
    assert two.login_device_code("dev2").returncode == 0
    who = [json.loads(u.azrepos("whoami", "--org", sandbox.org_url, "--json", check=True).stdout)
           for u in (one, two)]
    assert [w["display_name"] for w in who] == ["Dev One", "Dev Two"]


def test_refused_token_is_dropped_and_the_next_clone_refreshes(user: User) -> None:
    signed_in(user)
    cache_file = user.home / ".config" / "azrepos" / "msal_token_cache.json"
    cache = json.loads(cache_file.read_text())
    for entry in cache["AccessToken"].values():  # a bad signature: the server refuses it
        entry["secret"] = entry["secret"].rsplit(".", 1)[0] + ".c2lnbmF0dXJl"
    cache_file.write_text(json.dumps(cache))
    url = user.sandbox.info["https_clone_url"]
    first = user.git("clone", url, str(user.home / "first"))
    assert first.returncode != 0  # git got a 401 and sent erase with the refused token
    user.sandbox.admin("DELETE", "/_sandbox/requests")
    second = user.git("clone", url, str(user.home / "second"))
    assert second.returncode == 0, second.stderr
    log = user.sandbox.admin("GET", "/_sandbox/requests")["value"]
    assert any(entry["path"].endswith("/oauth2/v2.0/token") for entry in log)


@pytest.mark.parametrize("newer", [False, True], ids=["git-2.39-basic", "git-2.47-bearer"])
def test_clone_sends_the_token_as_bearer_where_git_can(user: User, newer: bool,
                                                        request: pytest.FixtureRequest) -> None:
    signed_in(user)
    if newer:
        prefix = request.getfixturevalue("newer_git")
        user.env["PATH"] = f"{prefix}/bin:{user.env['PATH']}"
    version = user.git("--version", check=True).stdout
    assert ("2.47" in version) == newer, version
    user.sandbox.admin("DELETE", "/_sandbox/requests")
    clone = user.git("clone", user.sandbox.info["https_clone_url"], str(user.home / "repo"))
    assert clone.returncode == 0, clone.stderr
    schemes = {entry["auth"] for entry in user.sandbox.admin("GET", "/_sandbox/requests")["value"]
               if "/_git/" in entry["path"] and entry["auth"]}
    assert schemes == ({"Bearer"} if newer else {"Basic"})


def test_a_users_entra_sign_in_registers_ssh_keys_without_a_pat(user: User) -> None:
    signed_in(user)
    done = user.azrepos("ssh-key", "add", "--org", user.org, "--json", "--bits", "2048",
                        *user.ssh_args())
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["action"] == "added" and result["endpoint"] == "HierarchyQuery"
    clone = user.git("clone", user.sandbox.info["ssh_clone_url"], str(user.home / "repo"))
    assert clone.returncode == 0, clone.stderr
    no_secret_files_hold(user, user.sandbox.info["pat"])
