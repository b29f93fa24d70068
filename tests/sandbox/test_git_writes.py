"""The sandbox's Git write APIs against real git: Repositories - Create/Delete, Pushes - Create,
Forks - List, Pull Requests - Create/Get, Identities - Read, and their scope checks."""

from __future__ import annotations

import base64
import itertools
import os

import pytest
from tests.sandbox.test_git_https import git

V = {"api-version": "7.1"}
FORKS_V = {"api-version": "7.1-preview.1"}
ZERO = "0" * 40
REPOS = "/Fabrikam/_apis/git/repositories"
_names = itertools.count(1)


def unique(stem: str) -> str:
    # The sandbox is shared by the session (and xdist runs one per worker): names never repeat.
    return f"{stem}-{os.getpid()}-{next(_names)}"


def add(path: str, content: str) -> dict:
    return {"changeType": "add", "item": {"path": path},
            "newContent": {"content": content, "contentType": "rawtext"}}


def push_body(ref: str, old: str, *changes: dict, comment: str = "Add files") -> dict:
    return {"refUpdates": [{"name": ref, "oldObjectId": old}],
            "commits": [{"comment": comment, "changes": list(changes)}]}


def project_id(sandbox, name: str = "Fabrikam") -> str:
    projects = sandbox.api("GET", "/_apis/projects", params={**V, "$top": "100"}).json()
    return next(p["id"] for p in projects["value"] if p["name"] == name)


def create(sandbox, name: str, pat: str | None = None, **extra):
    return sandbox.api("POST", REPOS, pat, params=V,
                       json={"name": name, "project": {"id": project_id(sandbox)}, **extra})


def listed(sandbox) -> dict[str, dict]:
    value = sandbox.api("GET", REPOS, params={**V, "$top": "1000"}).json()["value"]
    return {repo["name"]: repo for repo in value}


def read_only_pat(sandbox) -> str:
    return sandbox.admin("POST", "/_sandbox/pats", {"scopes": ["vso.code"]})["pat"]


def identity(sandbox, email: str) -> dict:
    return sandbox.api("GET", "/_apis/identities", params={
        **V, "searchFilter": "General", "filterValue": email, "queryMembership": "None"}).json()


@pytest.fixture(scope="module")
def started(sandbox) -> dict:
    """A repository with a first commit on main (.gitignore and LICENSE), shared read-mostly."""
    repo = create(sandbox, unique("started")).json()
    pushed = sandbox.api("POST", f"{REPOS}/{repo['id']}/pushes", params=V, json=push_body(
        "refs/heads/main", ZERO, add("/.gitignore", "*.pyc\n"), add("/LICENSE", "MIT License\n")))
    assert pushed.status_code == 201, pushed.text
    return {**repo, "main": pushed.json()["refUpdates"][0]["newObjectId"]}


@pytest.fixture(scope="module")
def feature(sandbox, started) -> str:
    """refs/heads/feature in ``started``, one commit ahead of main."""
    body = push_body("refs/heads/feature", started["main"], add("/CODEOWNERS", "* @dev2\n"))
    pushed = sandbox.api("POST", f"{REPOS}/{started['id']}/pushes", params=V, json=body)
    assert pushed.status_code == 201, pushed.text
    return "refs/heads/feature"


def test_create_then_first_push_gives_a_default_branch_that_clones(sandbox, tmp_path):
    name = unique("svc")
    created = create(sandbox, name)
    assert created.status_code == 201, created.text
    repo = created.json()
    assert repo["name"] == name and repo["isFork"] is False
    assert "defaultBranch" not in repo and "defaultBranch" not in listed(sandbox)[name]

    body = push_body("refs/heads/main", ZERO, add("/.gitignore", "*.pyc\n"),
                     add("/LICENSE", "MIT License\n"), comment="Initial commit")
    body["commits"][0]["changes"].append({
        "changeType": "add", "item": {"path": "/docs/logo.bin"},
        "newContent": {"content": base64.b64encode(b"\x00\x01").decode(),
                       "contentType": "base64encoded"}})
    pushed = sandbox.api("POST", f"{REPOS}/{repo['id']}/pushes", params=V, json=body)
    assert pushed.status_code == 201, pushed.text
    push = pushed.json()
    assert push["refUpdates"][0]["oldObjectId"] == ZERO
    assert push["pushedBy"]["uniqueName"] == sandbox.info["user_email"]
    assert push["repository"]["defaultBranch"] == "refs/heads/main"
    assert listed(sandbox)[name]["defaultBranch"] == "refs/heads/main"

    cloned = git(sandbox, "clone", repo["remoteUrl"], str(tmp_path / "c"))
    assert cloned.returncode == 0, cloned.stderr
    assert (tmp_path / "c" / ".gitignore").read_text() == "*.pyc\n"
    assert (tmp_path / "c" / "LICENSE").read_text() == "MIT License\n"
    assert (tmp_path / "c" / "docs" / "logo.bin").read_bytes() == b"\x00\x01"
    log = git(sandbox, "log", "--format=%H %an <%ae> %s", cwd=tmp_path / "c").stdout.split()
    assert log[0] == push["commits"][0]["commitId"]
    assert "<dev1@fabrikam.example>" in log and "Initial" in log


def test_a_first_push_by_git_sets_the_default_branch_too(sandbox, tmp_path):
    repo = create(sandbox, unique("by-git")).json()
    work = tmp_path / "w"
    for args in (["init", "-q", "-b", "trunk", str(work)],
                 ["-C", str(work), "commit", "-q", "--allow-empty", "-m", "first"]):
        done = git(sandbox, "-c", "user.name=T", "-c", "user.email=t@example.com", *args)
        assert done.returncode == 0, done.stderr
    pushed = git(sandbox, "-C", str(work), "push", "-q", repo["remoteUrl"], "trunk")
    assert pushed.returncode == 0, pushed.stderr
    assert listed(sandbox)[repo["name"]]["defaultBranch"] == "refs/heads/trunk"
    cloned = git(sandbox, "clone", "-q", repo["remoteUrl"], str(tmp_path / "c"))
    assert cloned.returncode == 0, cloned.stderr
    branch = git(sandbox, "-C", str(tmp_path / "c"), "branch", "--show-current").stdout.strip()
    assert branch == "trunk"


def test_push_edits_and_deletes_on_top_and_refuses_a_stale_old_object_id(sandbox):
    repo = create(sandbox, unique("edits")).json()
    pushes = f"{REPOS}/{repo['id']}/pushes"
    first = sandbox.api("POST", pushes, params=V, json=push_body(
        "refs/heads/main", ZERO, add("/a.txt", "1\n"), add("/b.txt", "2\n"))).json()
    tip = first["refUpdates"][0]["newObjectId"]

    stale = sandbox.api("POST", pushes, params=V, json=push_body(
        "refs/heads/main", ZERO, add("/c.txt", "3\n")))
    assert stale.status_code == 409
    assert stale.json()["message"].startswith("TF402424: The ref refs/heads/main was updated")

    second = sandbox.api("POST", pushes, params=V, json=push_body(
        "refs/heads/main", tip,
        {"changeType": "edit", "item": {"path": "/a.txt"},
         "newContent": {"content": "one\n", "contentType": "rawtext"}},
        {"changeType": "delete", "item": {"path": "/b.txt"}}))
    assert second.status_code == 201, second.text
    assert second.json()["refUpdates"][0]["oldObjectId"] == tip

    again = sandbox.api("POST", pushes, params=V, json=push_body(
        "refs/heads/main", tip, add("/c.txt", "3\n")))
    assert again.status_code == 409 and "TF402424" in again.json()["message"]
    clash = sandbox.api("POST", pushes, params=V, json=push_body(
        "refs/heads/main", second.json()["refUpdates"][0]["newObjectId"], add("/a.txt", "x")))
    assert clash.status_code == 400 and "already exists" in clash.json()["message"]


def test_name_clash_is_409_case_insensitively(sandbox):
    name = unique("Clash")
    assert create(sandbox, name).status_code == 201
    again = create(sandbox, name.upper())
    assert again.status_code == 409
    assert again.json()["message"] == (f"TF400948: A Git repository with the name {name.upper()} "
                                       "already exists.")
    assert create(sandbox, "_hidden").status_code == 400


def test_delete_goes_to_the_recycle_bin_and_frees_the_name(sandbox, tmp_path):
    name = unique("gone")
    repo = create(sandbox, name).json()
    sandbox.api("POST", f"{REPOS}/{repo['id']}/pushes", params=V,
                json=push_body("refs/heads/main", ZERO, add("/x", "x\n")))
    deleted = sandbox.api("DELETE", f"{REPOS}/{repo['id']}", params=V)
    assert deleted.status_code == 204
    assert name not in listed(sandbox)
    cloned = git(sandbox, "clone", repo["remoteUrl"], str(tmp_path / "c"))
    assert cloned.returncode != 0 and "not found" in cloned.stderr
    assert sandbox.api("DELETE", f"{REPOS}/{repo['id']}", params=V).status_code == 404
    again = create(sandbox, name)
    assert again.status_code == 201 and again.json()["id"] != repo["id"]
    assert "defaultBranch" not in again.json()  # a new, empty repository


def test_fork_copies_the_parent_and_is_listed_among_its_forks(sandbox, started, tmp_path):
    name = unique("fork")
    parent = {"id": started["id"], "project": {"id": started["project"]["id"]}}
    created = create(sandbox, name, parentRepository=parent)
    assert created.status_code == 201, created.text
    fork = created.json()
    assert fork["isFork"] is True and fork["parentRepository"]["id"] == started["id"]
    assert fork["defaultBranch"] == "refs/heads/main"

    collection = sandbox.info["org_id"]
    forks = sandbox.api("GET", f"{REPOS}/{started['id']}/forks/{collection}", params=FORKS_V)
    assert forks.status_code == 200, forks.text
    assert [f["id"] for f in forks.json()["value"]] == [fork["id"]]
    assert forks.json()["count"] == 1
    assert forks.json()["value"][0] == listed(sandbox)[name]
    by_name = sandbox.api("GET", f"{REPOS}/{started['name']}/forks/{collection}", params=FORKS_V)
    assert by_name.json()["count"] == 1
    assert sandbox.api("GET", f"{REPOS}/{started['id']}/forks/{collection}",
                       params=V).status_code == 400  # a preview resource

    cloned = git(sandbox, "clone", fork["remoteUrl"], str(tmp_path / "c"))
    assert cloned.returncode == 0, cloned.stderr
    assert (tmp_path / "c" / "LICENSE").exists()
    head = git(sandbox, "rev-parse", "HEAD", cwd=tmp_path / "c").stdout.strip()
    assert head == started["main"]


def test_seeded_fork_is_listed_under_hello(sandbox):
    hello = listed(sandbox)["hello"]
    forks = sandbox.api("GET", f"{REPOS}/hello/forks/{sandbox.info['org_id']}", params=FORKS_V)
    assert "hello-fork" in [f["name"] for f in forks.json()["value"]]
    assert hello["isFork"] is False and hello["defaultBranch"] == "refs/heads/main"


def test_identities_by_email(sandbox):
    found = identity(sandbox, "DEV2@fabrikam.example")
    assert found["count"] == 1
    person = found["value"][0]
    assert person["providerDisplayName"] == "Dev Two"
    assert person["properties"]["Mail"] == {"$type": "System.String",
                                            "$value": "dev2@fabrikam.example"}
    assert identity(sandbox, "nobody@fabrikam.example") == {"count": 0, "value": []}


def test_pull_request_with_a_reviewer_then_duplicate(sandbox, started, feature):
    reviewer = identity(sandbox, "dev2@fabrikam.example")["value"][0]["id"]
    body = {"sourceRefName": feature, "targetRefName": "refs/heads/main", "title": "Add CODEOWNERS",
            "description": "Adds the newcomer.", "isDraft": False, "reviewers": [{"id": reviewer}]}
    pulls = f"{REPOS}/{started['id']}/pullrequests"
    created = sandbox.api("POST", pulls, params=V, json=body)
    assert created.status_code == 201, created.text
    pr = created.json()
    assert isinstance(pr["pullRequestId"], int) and pr["status"] == "active"
    assert pr["createdBy"]["id"] == sandbox.info["user_id"]
    assert [(r["id"], r["displayName"], r["uniqueName"]) for r in pr["reviewers"]] == [
        (reviewer, "Dev Two", "dev2@fabrikam.example")]
    assert (pr["sourceRefName"], pr["targetRefName"], pr["isDraft"]) == (
        feature, "refs/heads/main", False)
    assert pr["title"] == "Add CODEOWNERS" and pr["description"] == "Adds the newcomer."
    assert pr["repository"]["id"] == started["id"] and pr["url"].endswith(
        f"/pullRequests/{pr['pullRequestId']}")

    duplicate = sandbox.api("POST", pulls, params=V, json=body)
    assert duplicate.status_code == 409
    assert duplicate.json()["message"].startswith(
        "TF401179: An active pull request for the source and target branch already exists")


def test_pull_request_refusals(sandbox, started, feature):
    pulls = f"{REPOS}/{started['id']}/pullrequests"
    body = {"sourceRefName": "refs/heads/not-pushed", "targetRefName": "refs/heads/main",
            "title": "t"}
    missing = sandbox.api("POST", pulls, params=V, json=body)
    assert missing.status_code == 400
    assert "source branch refs/heads/not-pushed does not exist" in missing.json()["message"]
    unknown = sandbox.api("POST", pulls, params=V, json={
        **body, "sourceRefName": feature, "reviewers": [{"id": "00000000-0000-0000-0000-00000000abcd"}]})
    assert unknown.status_code == 400 and "reviewer" in unknown.json()["message"]


def test_pull_request_search(sandbox, started, feature):
    pulls = f"{REPOS}/{started['id']}/pullrequests"
    dev2 = identity(sandbox, "dev2@fabrikam.example")["value"][0]["id"]
    other = "refs/heads/other"
    sandbox.api("POST", f"{REPOS}/{started['id']}/pushes", params=V,
                json=push_body(other, started["main"], add("/other.txt", "o\n")))
    for source, reviewers in ((feature, [{"id": dev2}]), (other, [])):
        sandbox.api("POST", pulls, params=V, json={
            "sourceRefName": source, "targetRefName": "refs/heads/main", "title": source,
            "reviewers": reviewers})

    def search(**criteria: str) -> list[str]:
        params = {**V, **{f"searchCriteria.{k}": v for k, v in criteria.items()}}
        answer = sandbox.api("GET", pulls, params=params)
        assert answer.status_code == 200, answer.text
        assert answer.json()["count"] == len(answer.json()["value"])
        return sorted(pr["sourceRefName"] for pr in answer.json()["value"])

    assert search() == sorted([feature, other])  # active by default
    assert search(status="active") == sorted([feature, other])
    assert search(status="completed") == [] and search(status="abandoned") == []
    assert search(status="all") == sorted([feature, other])
    assert search(creatorId=sandbox.info["user_id"]) == sorted([feature, other])
    assert search(creatorId=dev2) == []
    assert search(reviewerId=dev2) == [feature]
    assert search(sourceRefName=other, targetRefName="refs/heads/main") == [other]
    assert sandbox.api("GET", pulls, params={**V, "searchCriteria.status": "nope"}
                       ).status_code == 400


def test_read_only_pat_is_refused_the_writes_naming_the_scope(sandbox, started, feature):
    pat = read_only_pat(sandbox)

    def refused(response, scope: str) -> None:
        assert response.status_code == 403, response.text
        assert f"does not have the required scope '{scope}'" in response.json()["message"]

    refused(create(sandbox, unique("ro"), pat=pat), "vso.code_manage")
    refused(sandbox.api("DELETE", f"{REPOS}/{started['id']}", pat, params=V), "vso.code_manage")
    refused(sandbox.api("POST", f"{REPOS}/{started['id']}/pushes", pat, params=V,
                        json=push_body("refs/heads/ro", started["main"], add("/r", "r"))),
            "vso.code_write")
    refused(sandbox.api("POST", f"{REPOS}/{started['id']}/pullrequests", pat, params=V, json={
        "sourceRefName": feature, "targetRefName": "refs/heads/main", "title": "t"}),
        "vso.code_write")
    # Reading is what vso.code allows.
    assert sandbox.api("GET", f"{REPOS}/{started['id']}/pullrequests", pat,
                       params=V).status_code == 200
    assert sandbox.api("GET", f"{REPOS}/{started['id']}/forks/{sandbox.info['org_id']}", pat,
                       params=FORKS_V).status_code == 200
    write = sandbox.admin("POST", "/_sandbox/pats", {"scopes": ["vso.code_write"]})["pat"]
    refused(create(sandbox, unique("rw"), pat=write), "vso.code_manage")


def test_writes_are_in_the_request_log(sandbox, started):
    pushes = f"{REPOS}/{started['id']}/pushes"
    sandbox.api("POST", pushes, params=V,
                json=push_body(f"refs/heads/{unique('log')}", started["main"], add("/l", "l")))
    sandbox.api("GET", f"{REPOS}/{started['id']}/pullrequests", params=V)
    entries = sandbox.admin("GET", "/_sandbox/requests")["value"][-2:]
    assert [(e["method"], e["path"], e["status"], e["kind"]) for e in entries] == [
        ("POST", f"/{sandbox.info['org_name']}{pushes}", 201, "rest"),
        ("GET", f"/{sandbox.info['org_name']}{REPOS}/{started['id']}/pullrequests", 200, "rest")]
