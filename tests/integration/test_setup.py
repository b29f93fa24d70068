"""azrepos setup: git for several organizations in one call, keys in each, idempotent."""

from __future__ import annotations

import json
from pathlib import Path

from azrepos_sandbox.testing import start
from tests.integration.conftest import User


def setup(user: User, *args: str) -> tuple[int, dict]:
    done = user.azrepos("setup", *args, "--json")
    return done.returncode, json.loads(done.stdout)


def writes(user: User) -> list[dict]:
    log = user.sandbox.admin("GET", "/_sandbox/requests")["value"]
    return [r for r in log if r["method"] in ("POST", "PUT", "DELETE", "PATCH")]


def test_two_organizations_in_one_call(user: User, tmp_path: Path) -> None:
    with start(tmp_path / "second") as other:
        bundle = tmp_path / "cas.pem"
        bundle.write_text(Path(user.sandbox.ca_file).read_text() + Path(other.ca_file).read_text())
        user.env["AZREPOS_CA_BUNDLE"] = str(bundle)
        for box in (user.sandbox, other):  # each organization's own PAT
            user.azrepos("login", "--org", box.org_url, "--pat-stdin",
                         stdin=box.info["pat"] + "\n", check=True)
        orgs = ["--org", user.sandbox.org_url, "--org", other.org_url]
        code, first = setup(user, *orgs)
        assert code == 0 and first["changed"] is True, first
        include = Path(first["git_config"]["path"]).read_text()
        assert user.sandbox.org_url in include and other.org_url in include
        for n, box in enumerate((user.sandbox, other)):
            clone = user.git("clone", box.info["https_clone_url"], str(user.home / f"c{n}"))
            assert clone.returncode == 0, clone.stderr
        code, again = setup(user, *orgs)
        assert code == 0 and again["changed"] is False


def test_ssh_key_in_each_organization_and_a_failure_does_not_stop_the_rest(
        pat_user: User) -> None:
    user = pat_user
    missing = user.sandbox.org_url.rsplit("/", 1)[0] + "/nosuchorg"
    code, report = setup(user, "--org", missing, "--org", user.org, "--ssh-key",
                         *user.ssh_args())
    assert code == 1
    assert report["failed"] == [missing]
    assert "fix" in report["ssh_keys"][missing]
    added = report["ssh_keys"][user.org]
    assert added["changed"] is True and added["fingerprint"].startswith("SHA256:")
    clone = user.git("clone", user.sandbox.info["ssh_clone_url"], str(user.home / "repo"))
    assert clone.returncode == 0, clone.stderr
    user.sandbox.admin("DELETE", "/_sandbox/requests")
    code, again = setup(user, "--org", missing, "--org", user.org, "--ssh-key",
                        *user.ssh_args())
    assert code == 1 and again["failed"] == [missing]
    assert again["changed"] is False and again["ssh_keys"][user.org]["changed"] is False
    assert writes(user) == []  # the second run makes no REST writes
    assert user.sandbox.info["pat"] not in json.dumps(report) + json.dumps(again)


def test_an_organization_given_twice_is_refused(user: User) -> None:
    done = user.azrepos("setup", "--org", user.org, "--org", user.org)
    assert done.returncode == 2 and "given twice" in done.stderr
