"""Onboarding, part two, with the real CLI and git against the sandbox: repositories created
with a first commit (.gitignore and LICENSE) and deleted, fork remotes, pull requests with a
reviewer by e-mail, and the scopes the writes need."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from azrepos_sandbox.testing import RunningSandbox
from tests.integration.conftest import User, make_user

REVIEWER = "dev2@fabrikam.example"  # the sandbox's second user (the PAT is dev1's)


@pytest.fixture(scope="module")
def dev(tmp_path_factory: pytest.TempPathFactory, sandbox: RunningSandbox) -> Iterator[User]:
    """One developer for the module, signed in with the sandbox's PAT, git's helper set up."""
    user = make_user(tmp_path_factory.mktemp("onboarding"), sandbox)
    user.azrepos("login", "--org", user.org, "--pat-stdin", stdin=sandbox.info["pat"] + "\n",
                 check=True)
    user.azrepos("configure-git", "--org", user.org, check=True)
    yield user


def writes(sandbox: RunningSandbox) -> list[str]:
    log = sandbox.admin("GET", "/_sandbox/requests")["value"]
    return [f"{e['method']} {e['path']}" for e in log
            if e.get("kind") == "rest" and e["method"] in ("POST", "PATCH", "PUT", "DELETE")]


def create(dev: User, name: str, *extra: str) -> tuple[int, dict, str]:
    done = dev.azrepos("repos", "create", "--org", dev.org, "--project", "Tools", name,
                       "--json", *extra)
    return done.returncode, (json.loads(done.stdout) if done.stdout.strip() else {}), done.stderr


def test_create_clone_create_again_clash_and_delete(dev: User) -> None:
    code, made, err = create(dev, "payments-api", "--gitignore", "python", "--license", "MIT")
    assert code == 0, err
    assert made["outcome"] == "created" and made["files"] == [".gitignore", "LICENSE"]
    clone = dev.home / "payments-api"
    dev.git("clone", "-q", made["repository"]["remoteUrl"], str(clone), check=True)
    assert "__pycache__/" in (clone / ".gitignore").read_text()
    licence = (clone / "LICENSE").read_text()
    assert licence.startswith("MIT License") and "fabrikam" in licence
    assert dev.git("-C", str(clone), "branch", "--show-current").stdout.strip() == "main"

    dev.sandbox.admin("DELETE", "/_sandbox/requests")
    code, again, err = create(dev, "payments-api", "--gitignore", "Python", "--license", "mit")
    assert code == 0, err
    assert again["changed"] is False and again["outcome"] == "unchanged"
    assert writes(dev.sandbox) == []

    code, _, err = create(dev, "payments-api", "--gitignore", "Node")
    assert code == 2 and "another repository named 'payments-api' already exists" in err

    deleted = dev.azrepos("repos", "delete", "--org", dev.org, "--project", "Tools",
                          "payments-api", "--yes")
    assert deleted.returncode == 0 and "recycle bin" in deleted.stdout
    listed = json.loads(dev.azrepos("repos", "list", "--org", dev.org, "--project", "Tools",
                                    "--json", check=True).stdout)
    assert "payments-api" not in {r["name"] for r in listed["repositories"]}
    gone = dev.azrepos("repos", "delete", "--org", dev.org, "--project", "Tools", "payments-api",
                       "--yes")
    assert gone.returncode == 0 and "nothing to delete" in gone.stdout


def test_bad_names_fail_before_any_call(dev: User) -> None:
    dev.sandbox.admin("DELETE", "/_sandbox/requests")
    code, _, err = create(dev, "svc", "--gitignore", "Pyhton")
    assert code == 2 and "Python" in err  # the close match
    code, _, err = create(dev, "svc", "--license", "Apache2")
    assert code == 2 and "Apache-2.0" in err
    unconfirmed = dev.azrepos("repos", "delete", "--org", dev.org, "--project", "Tools", "svc")
    assert unconfirmed.returncode == 2 and "--yes" in unconfirmed.stderr
    assert dev.sandbox.admin("GET", "/_sandbox/requests")["value"] == []


def fork(dev: User, parent: dict, name: str) -> dict:
    """A fork into the Fabrikam project, made through the REST API as the web UI makes one."""
    fabrikam = json.loads(dev.azrepos("repos", "list", "--org", dev.org, "--project", "Fabrikam",
                                      "--json", check=True).stdout)["repositories"][0]
    response = requests.post(
        f"{dev.org}/Fabrikam/_apis/git/repositories?api-version=7.1",
        json={"name": name, "project": {"id": fabrikam["projectId"]},
              "parentRepository": {"id": parent["id"], "project": {"id": parent["projectId"]}}},
        auth=("", dev.sandbox.info["pat"]), verify=dev.sandbox.ca_file, timeout=30)
    assert response.status_code == 201, response.text
    return response.json()


def test_fork_remotes_are_added_idempotent_and_pruned(dev: User) -> None:
    listed = json.loads(dev.azrepos("repos", "list", "--org", dev.org, "--project", "Tools",
                                    "--json", check=True).stdout)
    parent = next(r for r in listed["repositories"] if r["name"] == "cli")
    clone = dev.home / "cli"
    dev.git("clone", "-q", parent["remoteUrl"], str(clone), check=True)
    made = fork(dev, parent, "cli-fork")

    first = json.loads(dev.azrepos("remote", "add-forks", "-C", str(clone), "--json",
                                   check=True).stdout)
    assert first["added"] == ["Fabrikam-cli-fork"] and first["changed"] is True
    url = dev.git("-C", str(clone), "remote", "get-url", "Fabrikam-cli-fork").stdout.strip()
    assert url == f"{dev.org}/Fabrikam/_git/cli-fork"
    assert dev.git("-C", str(clone), "fetch", "-q", "Fabrikam-cli-fork").returncode == 0
    second = json.loads(dev.azrepos("remote", "add-forks", "-C", str(clone), "--json",
                                    check=True).stdout)
    assert second["changed"] is False and second["unchanged"] == ["Fabrikam-cli-fork"]
    origin = dev.git("-C", str(clone), "remote", "get-url", "origin").stdout.strip()
    assert origin == parent["remoteUrl"]

    dev.azrepos("repos", "delete", "--org", dev.org, "--project", "Fabrikam", made["name"],
                "--yes", check=True)
    pruned = json.loads(dev.azrepos("remote", "add-forks", "-C", str(clone), "--prune", "--json",
                                    check=True).stdout)
    assert pruned["pruned"] == ["Fabrikam-cli-fork"]
    remotes = dev.git("-C", str(clone), "remote").stdout.split()
    assert remotes == ["origin"]


def test_pull_request_with_a_reviewer_once(dev: User) -> None:
    code, made, err = create(dev, "review-me", "--license", "Apache-2.0")
    assert code == 0, err
    clone = dev.home / "review-me"
    dev.git("clone", "-q", made["repository"]["remoteUrl"], str(clone), check=True)
    dev.git("-C", str(clone), "checkout", "-q", "-b", "feature/codeowners", check=True)
    (clone / "CODEOWNERS").write_text("* @dev\n")
    dev.git("-C", str(clone), "add", "CODEOWNERS", check=True)
    dev.git("-C", str(clone), "-c", "user.name=Dev", "-c", "user.email=dev@example.com",
            "commit", "-qm", "CODEOWNERS", check=True)

    def open_pr(*extra: str) -> tuple[int, dict, str]:
        done = dev.azrepos("pr", "create", "-C", str(clone), "--title", "Add CODEOWNERS",
                           "--json", *extra)
        return done.returncode, (json.loads(done.stdout) if done.stdout.strip() else {}), \
            done.stderr

    code, _, err = open_pr("--reviewer", REVIEWER)
    assert code == 1 and "feature/codeowners" in err and "push" in err  # not pushed yet
    dev.git("-C", str(clone), "push", "-q", "origin", "HEAD", check=True)

    dev.sandbox.admin("DELETE", "/_sandbox/requests")
    code, _, err = open_pr("--reviewer", "nobody@fabrikam.example")
    assert code == 2 and "nobody@fabrikam.example" in err
    assert writes(dev.sandbox) == []

    code, opened, err = open_pr("--reviewer", REVIEWER)
    assert code == 0, err
    assert opened["changed"] is True and opened["reviewers"] == [REVIEWER]
    assert opened["source"] == "feature/codeowners" and opened["target"] == "main"
    code, again, err = open_pr("--reviewer", REVIEWER)
    assert code == 0 and again["changed"] is False and again["id"] == opened["id"]

    mine = json.loads(dev.azrepos("pr", "list", "-C", str(clone), "--mine", "--json",
                                  check=True).stdout)
    assert [p["id"] for p in mine["pull_requests"]] == [opened["id"]]
    reviewing = json.loads(dev.azrepos("pr", "list", "-C", str(clone), "--reviewing", "--json",
                                       check=True).stdout)
    assert reviewing["count"] == 0  # the reviewer is someone else


def test_a_read_only_pat_is_refused_naming_the_scope(tmp_path: Path, sandbox: RunningSandbox
                                                     ) -> None:
    user = make_user(tmp_path, sandbox)
    user.env["AZURE_DEVOPS_EXT_PAT"] = sandbox.admin("POST", "/_sandbox/pats",
                                                     {"scopes": ["vso.code"]})["pat"]
    done = user.azrepos("repos", "create", "--org", user.org, "--project", "Tools", "nope")
    assert done.returncode == 1 and "vso.code_manage" in done.stderr
    assert user.env["AZURE_DEVOPS_EXT_PAT"] not in done.stdout + done.stderr


def test_a_create_whose_push_failed_is_completed_by_the_next_run(dev: User) -> None:
    dev.sandbox.admin("POST", "/_sandbox/faults",
                      {"method": "POST", "path_contains": "/pushes", "status": 400, "count": 1})
    code, _, err = create(dev, "half-made", "--gitignore", "Go")
    assert code == 1 and "run the same command again" in err
    listed = json.loads(dev.azrepos("repos", "list", "--org", dev.org, "--project", "Tools",
                                    "--json", check=True).stdout)
    [empty] = [r for r in listed["repositories"] if r["name"] == "half-made"]
    assert empty["defaultBranch"] is None
    code, done, err = create(dev, "half-made", "--gitignore", "Go")
    assert code == 0 and done["outcome"] == "completed" and done["files"] == [".gitignore"]
