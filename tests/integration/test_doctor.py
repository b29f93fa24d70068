"""azrepos doctor against the sandbox: every failure mode names its fix."""

from __future__ import annotations

import json

import pytest

from tests.integration.conftest import User


def doctor(user: User, *args: str) -> tuple[int, dict]:
    done = user.azrepos("doctor", *args, "--json")
    return done.returncode, json.loads(done.stdout)


def status(report: dict, name: str) -> dict:
    return next(c for c in report["checks"] if c["name"] == name)


@pytest.fixture
def ready(pat_user: User) -> User:
    """A user who did everything right: PAT stored, helper configured, key added."""
    user = pat_user
    user.azrepos("login", "--org", user.org, "--pat-stdin", stdin=user.sandbox.info["pat"] + "\n",
                 check=True)
    del user.env["AZURE_DEVOPS_EXT_PAT"]
    user.azrepos("configure-git", "--org", user.org, check=True)
    user.azrepos("ssh-key", "add", "--org", user.org, "--bits", "2048", *user.ssh_args(),
                 check=True)
    return user


def test_https_repo_all_green(ready: User) -> None:
    code, report = doctor(ready, ready.sandbox.info["https_clone_url"])
    assert code == 0, report
    assert [c["name"] for c in report["checks"]] == [
        "URL", "DNS and TLS", "Credential", "REST auth", "git over HTTPS", "gitconfig"]
    assert "repo hello" in status(report, "URL")["detail"]
    assert "Dev One" in status(report, "REST auth")["detail"]


def test_ssh_repo_all_green_and_text_output(ready: User) -> None:
    done = ready.azrepos("doctor", ready.sandbox.info["ssh_clone_url"], "--org", ready.org)
    assert done.returncode == 0, done.stdout
    assert "✔ SSH key" in done.stdout and "✔ SSH " in done.stdout
    assert ready.sandbox.info["pat"] not in done.stdout + done.stderr


def test_revoked_key(ready: User) -> None:
    key = ready.home / ".ssh" / "id_rsa_azrepos"
    ready.azrepos("ssh-key", "remove", "--org", ready.org, "--key", str(key), check=True)
    code, report = doctor(ready, ready.sandbox.info["ssh_clone_url"], "--org", ready.org)
    assert code == 1
    assert status(report, "SSH key")["status"] == "fail"
    assert "not registered" in status(report, "SSH key")["detail"]
    assert status(report, "SSH")["status"] == "fail"
    assert "ssh-key add" in status(report, "SSH")["fix"]


def test_expired_credential(ready: User) -> None:
    expired = ready.sandbox.admin("POST", "/_sandbox/pats", {"valid_days": -1})["pat"]
    ready.env["AZURE_DEVOPS_EXT_PAT"] = expired
    code, report = doctor(ready, ready.org)
    assert code == 1
    rest = status(report, "REST auth")
    assert rest["status"] == "fail" and "rejected or expired" in rest["detail"]
    assert "azrepos login" in rest["fix"]
    assert expired not in json.dumps(report)


def test_global_pat_is_explained(ready: User) -> None:
    # Made before 2026-03-15 for all organizations; refused since 2026-12-01 (facts file).
    global_pat = ready.sandbox.admin("POST", "/_sandbox/pats", {"global": True})["pat"]
    ready.env["AZURE_DEVOPS_EXT_PAT"] = global_pat
    code, report = doctor(ready, ready.org)
    assert code == 1
    rest = status(report, "REST auth")
    assert rest["status"] == "fail"
    assert "global PAT" in rest["detail"] and "2026-12-01" in rest["detail"]
    assert "--pat-stdin" in rest["fix"] and "fabrikam alone" in rest["fix"]
    assert global_pat not in json.dumps(report)
    org_pat = ready.sandbox.admin("POST", "/_sandbox/pats", {})["pat"]
    ready.env["AZURE_DEVOPS_EXT_PAT"] = org_pat  # the fix: a PAT for this organization
    assert status(doctor(ready, ready.org)[1], "REST auth")["status"] == "pass"


def test_ssh_turned_off_by_policy(ready: User) -> None:
    url = ready.sandbox.info["ssh_clone_url"]
    ready.sandbox.admin("POST", "/_sandbox/policies", {"sshAuthentication": False})
    try:
        code, report = doctor(ready, url, "--org", ready.org)
        assert code == 1
        assert status(report, "SSH key")["status"] == "pass"  # the key itself is fine
        ssh = status(report, "SSH")
        assert ssh["status"] == "fail"
        assert "SSH authentication is turned off for this organization" in ssh["detail"]
        assert "Policies" in ssh["fix"]
    finally:
        ready.sandbox.admin("POST", "/_sandbox/policies", {"sshAuthentication": True})
    assert status(doctor(ready, url, "--org", ready.org)[1], "SSH")["status"] == "pass"


def test_missing_helper(pat_user: User) -> None:
    code, report = doctor(pat_user, pat_user.sandbox.info["https_clone_url"])
    assert code == 1
    assert status(report, "git over HTTPS")["status"] == "fail"
    gitconfig = status(report, "gitconfig")
    assert gitconfig["status"] == "fail" and "no credential helper" in gitconfig["detail"]
    assert "configure-git" in gitconfig["fix"]


def test_bad_ca(ready: User) -> None:
    ready.env["AZREPOS_CA_BUNDLE"] = "/etc/ssl/certs/ca-certificates.crt"
    code, report = doctor(ready, ready.org)
    assert code == 1
    tls = status(report, "DNS and TLS")
    assert tls["status"] == "fail" and "not trusted" in tls["detail"]
    assert "AZREPOS_CA_BUNDLE" in tls["fix"]
    assert status(report, "REST auth")["status"] == "skip"


def test_git_ca_is_used_when_azrepos_names_none(ready: User) -> None:
    # As on a machine set up by configure-git or the gitconfig role: the organization's CA is
    # named only in git's http.<url>.sslCAInfo.
    ca = ready.sandbox.ca_file
    assert ready.git("config", "--get-urlmatch", "http.sslCAInfo", ready.org).stdout.strip() == ca
    for variable in ("AZREPOS_CA_BUNDLE", "REQUESTS_CA_BUNDLE", "GIT_SSL_CAINFO"):
        ready.env.pop(variable, None)  # the last two may carry the host's bundle
    code, report = doctor(ready, ready.org)
    assert code == 0, report
    assert status(report, "DNS and TLS")["detail"].endswith(f"({ca})")
    assert status(report, "REST auth")["status"] == "pass"


def test_wrong_org(ready: User) -> None:
    wrong = ready.org.rsplit("/", 1)[0] + "/nosuchorg"
    ready.env["AZURE_DEVOPS_EXT_PAT"] = ready.sandbox.info["pat"]
    code, report = doctor(ready, wrong)
    assert code == 1
    rest = status(report, "REST auth")
    assert rest["status"] == "fail"
    assert "organization not found" in rest["detail"]


def test_bad_url_is_explained(user: User) -> None:
    code, report = doctor(user, "git@ssh.dev.azure.com:contoso/p/r")
    assert code == 1
    assert "v3" in status(report, "URL")["detail"]
