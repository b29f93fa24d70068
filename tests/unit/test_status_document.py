"""``azrepos status``'s document from state on disk alone: PATs with and without an expiry, an
Entra sign-in, a key alone, keys near expiry or unregistered, git's helper, damaged files."""

from __future__ import annotations

import json
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from azrepos.auth.accounts import Account, save
from azrepos.git_helper import pat_details
from azrepos.sshkeys import registrations
from azrepos.status.document import build
from tests.conftest import make_key
from tests.seed_state import store_pat

NOW = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)
CONTOSO = "https://dev.azure.com/contoso"
FABRIKAM = "https://dev.azure.com/fabrikam"


@pytest.fixture
def state(home: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("AZREPOS_SECRET_STORE", "file")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(home / ".gitconfig"))
    return home


def helper(url: str, value: str = "git-credential-azrepos") -> None:
    subprocess.run(["git", "config", "--global", "--add", f"credential.{url}.helper", value],
                   check=True)


def ssh_record(home: Path, org: str) -> Path:
    key = make_key(home / ".ssh" / f"id_{org}")
    record = home / ".config" / "azrepos" / "ssh-hosts.json"
    data = json.loads(record.read_text()) if record.exists() else {}
    data[org] = {"hostname": "ssh.dev.azure.com", "port": None, "user": "git",
                 "host_key_fingerprint": None, "identity_file": str(key)}
    record.parent.mkdir(parents=True, exist_ok=True)
    record.write_text(json.dumps(data))
    return key


def fingerprint(key: Path) -> str:
    out = subprocess.run(["ssh-keygen", "-lf", f"{key}.pub"], capture_output=True, text=True,
                         check=True).stdout
    return out.split()[1]


def by_url(document: dict) -> dict[str, dict]:
    return {org["org_url"]: org for org in document["organizations"]}


def test_pats_with_and_without_expiry_and_the_helper(state: Path) -> None:
    store_pat(CONTOSO, "c" * 52)
    store_pat(FABRIKAM, "f" * 52)
    pat_details.save(CONTOSO, {"password_expiry_utc": str(int((NOW + timedelta(days=5))
                                                               .timestamp()))})
    helper(CONTOSO)
    orgs = by_url(build(now=NOW))
    contoso, fabrikam = orgs[CONTOSO], orgs[FABRIKAM]
    assert contoso["credential"] == {"kind": "pat", "account": None,
                                     "expires_at": "2026-12-09T12:00:00Z", "days_left": 5}
    assert contoso["helper"] == {"configured": True, "name": "azrepos"}
    assert contoso["problems"] == ["pat-expires-soon"]
    assert fabrikam["credential"]["expires_at"] is None
    assert fabrikam["problems"] == ["helper-not-configured"]
    assert by_url(build(now=NOW, within_days=3))[CONTOSO]["problems"] == []


def test_entra_sign_in_and_gcm_for_all_of_dev_azure_com(state: Path) -> None:
    save(Account(CONTOSO, "https://login.microsoftonline.com/t", "t", "c", "dev@contoso.com",
                 "uid.t", "browser"))
    subprocess.run(["git", "config", "--global", "credential.helper",
                    "/usr/local/bin/git-credential-manager"], check=True)
    org = by_url(build(now=NOW))[CONTOSO]
    assert org["credential"]["kind"] == "entra" and org["credential"]["account"] == \
        "dev@contoso.com"
    assert org["helper"] == {"configured": True, "name": "gcm"} and org["problems"] == []


def test_an_empty_helper_resets_what_came_before(state: Path) -> None:
    store_pat(CONTOSO, "c" * 52)
    subprocess.run(["git", "config", "--global", "credential.helper", "azrepos"], check=True)
    helper(CONTOSO, "")
    assert by_url(build(now=NOW))[CONTOSO]["helper"]["configured"] is False


def test_keys_near_expiry_unregistered_or_never_checked(state: Path) -> None:
    near, gone = ssh_record(state, "contoso"), ssh_record(state, "fabrikam")
    registrations.remember(CONTOSO, fingerprint(near), True,
                           (NOW + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M:%SZ"), NOW)
    registrations.remember(FABRIKAM, fingerprint(gone), False, None, NOW)
    orgs = by_url(build(now=NOW))
    key = orgs[CONTOSO]["ssh_key"]
    assert key["registered"] is True and key["days_left"] == 2 and key["present"] is True
    assert key["fingerprint"] == fingerprint(near)
    assert orgs[CONTOSO]["credential"]["kind"] == "none"
    assert orgs[CONTOSO]["problems"] == ["key-expires-soon"]
    assert orgs[FABRIKAM]["problems"] == ["key-not-registered"]
    (state / ".config" / "azrepos" / "key_registrations.json").unlink()
    assert by_url(build(now=NOW))[CONTOSO]["ssh_key"]["registered"] is None


def test_nothing_set_up_anywhere(state: Path) -> None:
    document = build(now=NOW)
    assert document["organizations"] == [] and document["problems"] == []
    assert document["azrepos_version"] and document["git_version"].startswith("2.")


@pytest.mark.parametrize("name", ["accounts.json", "pat_details.json", "ssh-hosts.json"])
def test_a_damaged_state_file_is_a_problem_not_a_traceback(state: Path, name: str) -> None:
    folder = state / ".config" / "azrepos"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text('{"half": ')
    (folder / name).chmod(0o600)
    document = build(now=NOW)
    assert any(name in problem for problem in document["problems"]), document["problems"]
