"""PAT sources, errors and exit codes, against the sandbox."""

from __future__ import annotations

import json
import stat

from tests.integration.conftest import User


def test_whoami_with_env_pat(pat_user: User) -> None:
    data = json.loads(pat_user.azrepos("whoami", "--org", pat_user.org, "--json",
                                       check=True).stdout)
    assert data["display_name"] == "Dev One"
    assert data["organization_id"] == pat_user.sandbox.info["org_id"]
    assert data["credential"] == "PAT from AZURE_DEVOPS_EXT_PAT"


def test_bad_pat_is_rejected_clearly(user: User) -> None:
    done = user.azrepos("whoami", "--org", user.org,
                        env={"AZURE_DEVOPS_EXT_PAT": "x" * 52})
    assert done.returncode == 1
    assert "PAT or token rejected or expired" in done.stderr
    assert "x" * 52 not in done.stderr + done.stdout


def test_no_credential_says_how_to_give_one(user: User) -> None:
    done = user.azrepos("whoami", "--org", user.org)
    assert done.returncode == 1
    assert "AZURE_DEVOPS_EXT_PAT" in done.stderr and "--pat-stdin" in done.stderr


def test_login_stores_pat_then_commands_use_it(user: User) -> None:
    pat = user.sandbox.info["pat"]
    done = user.azrepos("login", "--org", user.org, "--pat-stdin", stdin=pat + "\n", check=True)
    assert "0600" in done.stdout + done.stderr
    secrets = user.home / ".config" / "azrepos" / "secrets.json"
    assert stat.S_IMODE(secrets.stat().st_mode) == 0o600
    data = json.loads(user.azrepos("whoami", "--org", user.org, "--json", check=True).stdout)
    assert data["credential"] == "stored PAT for fabrikam"
    user.azrepos("logout", "--org", user.org, check=True)
    assert user.azrepos("whoami", "--org", user.org).returncode == 1


def test_login_warns_of_each_missing_scope(user: User) -> None:
    full = user.azrepos("login", "--org", user.org, "--pat-stdin",
                        stdin=user.sandbox.info["pat"] + "\n", check=True)
    assert "lacks" not in full.stderr
    for scopes, missing, kept in ((["vso.code"], "vso.tokens", "vso.code"),
                                  (["vso.tokens"], "vso.code", "vso.tokens"),
                                  (["vso.profile"], "vso.code", None)):
        pat = user.sandbox.admin("POST", "/_sandbox/pats", {"scopes": scopes})["pat"]
        done = user.azrepos("login", "--org", user.org, "--pat-stdin", stdin=pat + "\n",
                            check=True)  # stored all the same: the user may want it so
        assert f"this PAT lacks {missing}" in done.stderr
        assert "fix: create a PAT" in done.stderr
        if kept:
            assert f"lacks {kept}" not in done.stderr
        assert pat not in done.stdout + done.stderr


def test_login_with_bad_pat_stores_nothing(user: User) -> None:
    done = user.azrepos("login", "--org", user.org, "--pat-stdin", stdin="y" * 52 + "\n")
    assert done.returncode == 1
    assert not (user.home / ".config" / "azrepos" / "secrets.json").exists()


def test_pat_stdin_is_the_last_source(user: User) -> None:
    data = json.loads(user.azrepos("whoami", "--org", user.org, "--json", "--pat-stdin",
                                   stdin=user.sandbox.info["pat"] + "\n", check=True).stdout)
    assert data["credential"] == "PAT from standard input"


def test_missing_scope_names_the_scope(user: User) -> None:
    pat = user.sandbox.admin("POST", "/_sandbox/pats", {"scopes": ["vso.code"]})["pat"]
    done = user.azrepos("ssh-key", "list", "--org", user.org,
                        env={"AZURE_DEVOPS_EXT_PAT": pat})
    assert done.returncode == 1
    assert "vso.tokens" in done.stderr


def test_wrong_org_is_not_found(pat_user: User) -> None:
    wrong = pat_user.org.rsplit("/", 1)[0] + "/nosuchorg"
    done = pat_user.azrepos("whoami", "--org", wrong)
    assert done.returncode == 1
    assert "organization not found" in done.stderr


def test_usage_errors_exit_2(pat_user: User) -> None:
    assert pat_user.azrepos("ssh-key", "add").returncode == 2
    assert pat_user.azrepos("whoami", "--org", "http://dev.azure.com/x").returncode == 2
    done = pat_user.azrepos("ssh-key", "remove", "--org", pat_user.org, "--fingerprint", "MD5:x")
    assert done.returncode == 2
    assert pat_user.azrepos("ssh-key", "add", "--org", pat_user.org,
                            "--valid-days", "0").returncode == 2


def test_unreachable_server_is_a_clear_failure(user: User) -> None:
    done = user.azrepos("whoami", "--org", "https://127.0.0.1:1/fabrikam",
                        env={"AZURE_DEVOPS_EXT_PAT": "z" * 52, "AZREPOS_RETRY_BUDGET": "2"})
    assert done.returncode == 1
    assert "cannot reach 127.0.0.1:1" in done.stderr


def test_bad_ca_is_a_clear_failure(pat_user: User, tmp_path) -> None:
    done = pat_user.azrepos("whoami", "--org", pat_user.org,
                            env={"AZREPOS_CA_BUNDLE": "/etc/ssl/certs/ca-certificates.crt"})
    assert done.returncode == 1
    assert "CERTIFICATE_VERIFY_FAILED" in done.stderr


def test_login_with_the_same_pat_changes_nothing(user: User) -> None:
    pat = user.sandbox.info["pat"]
    first = json.loads(user.azrepos("login", "--org", user.org, "--pat-stdin", "--json",
                                    stdin=pat + "\n", check=True).stdout)
    secrets = user.home / ".config" / "azrepos" / "secrets.json"
    before = secrets.stat().st_mtime_ns
    again = json.loads(user.azrepos("login", "--org", user.org, "--pat-stdin", "--json",
                                    stdin=pat + "\n", check=True).stdout)
    assert first["changed"] is True and again["changed"] is False
    assert secrets.stat().st_mtime_ns == before
