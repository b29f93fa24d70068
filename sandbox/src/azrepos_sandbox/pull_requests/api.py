"""Pull Requests - Create and Pull Requests - Get (``searchCriteria.*``, ``$top``/``$skip``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from azrepos_sandbox.constants import PULL_REQUESTS_PAGE_SIZE
from azrepos_sandbox.git.bare import commit_of
from azrepos_sandbox.http_types import Response, json_response, tf_error
from azrepos_sandbox.identity.identities import identity_ref
from azrepos_sandbox.paging import skip_page
from azrepos_sandbox.projects.api import repo_json
from azrepos_sandbox.pull_requests.records import (
    STATUSES,
    DuplicatePullRequest,
    PullRequest,
    PullRequestRecords,
)
from azrepos_sandbox.repositories.context import CODE_READ, CODE_WRITE, GitCall, bad_request
from azrepos_sandbox.store import Repo, User
from azrepos_sandbox.wire_time import to_wire

# searchCriteria.* (query keys arrive lower-cased) -> how a pull request is matched.
_CRITERIA: dict[str, Callable[[PullRequest, str], bool]] = {
    "searchcriteria.creatorid": lambda pr, value: pr.created_by.lower() == value.lower(),
    "searchcriteria.reviewerid": lambda pr, value: value.lower() in
    (reviewer.lower() for reviewer in pr.reviewers),
    "searchcriteria.sourcerefname": lambda pr, value: pr.source_ref == value,
    "searchcriteria.targetrefname": lambda pr, value: pr.target_ref == value,
}


def duplicate(existing_id: int) -> Response:
    return tf_error(409, "TF401179: An active pull request for the source and target branch "
                    f"already exists (pull request {existing_id}).",
                    "GitPullRequestExistsException")


def _branch(call: GitCall, repo: Repo, body: dict[str, Any], field: str) -> str | Response:
    ref = body.get(field)
    if not isinstance(ref, str) or not ref.startswith("refs/heads/"):
        return bad_request(f"{field} must be a branch, such as refs/heads/main.")
    if commit_of(call.git_dir(repo), ref) is None:
        side = "source" if field == "sourceRefName" else "target"
        return bad_request(f"TF401398: The pull request cannot be created because the {side} "
                           f"branch {ref} does not exist in the repository {repo.name}: push "
                           "it first.")
    return ref


def _reviewers(call: GitCall, body: dict[str, Any]) -> list[User] | Response:
    given = body.get("reviewers") or []
    if not isinstance(given, list):
        return bad_request("reviewers must be a list of {id} objects.")
    found: dict[str, User] = {}
    for entry in given:
        reviewer_id = entry.get("id") if isinstance(entry, dict) else None
        user = call.store.user_by_id(reviewer_id.lower()) if isinstance(reviewer_id, str) else None
        if user is None:
            # Sandbox wording: the service refuses a reviewer it cannot resolve.
            return bad_request(f"The reviewer identity {reviewer_id!r} was not found: give the "
                               "id Identities - Read returns.")
        found.setdefault(user.id, user)
    return list(found.values())


def pr_json(call: GitCall, repo: Repo, pr: PullRequest) -> dict[str, Any]:
    repository = repo_json(call.store, call.listing, call.org, repo)
    url = f"{repository['url']}/pullRequests/{pr.id}"
    base = call.listing.base_url
    reviewers = []
    for user in filter(None, map(call.store.user_by_id, pr.reviewers)):
        reviewers.append({**identity_ref(base, call.org, user), "vote": 0,
                          "hasDeclined": False, "isRequired": False, "isFlagged": False,
                          "reviewerUrl": f"{url}/reviewers/{user.id}"})
    creator = call.store.user_by_id(pr.created_by)
    return {
        "repository": repository,
        "pullRequestId": pr.id,
        "codeReviewId": pr.id,
        "status": pr.status,
        "createdBy": identity_ref(base, call.org, creator) if creator else {"id": pr.created_by},
        "creationDate": to_wire(pr.creation_date),
        "title": pr.title,
        "description": pr.description,
        "sourceRefName": pr.source_ref,
        "targetRefName": pr.target_ref,
        "mergeStatus": "queued",
        "isDraft": pr.is_draft,
        "reviewers": reviewers,
        "url": url,
        "supportsIterations": True,
        "artifactId": f"vstfs:///Git/PullRequestId/{repository['project']['id']}%2f{repo.id}"
                      f"%2f{pr.id}",
    }


def create_pull_request(call: GitCall, records: PullRequestRecords, project: str | None,
                        repo_ref: str) -> Response:
    body = call.write_body(CODE_WRITE)
    if isinstance(body, Response):
        return body
    repo = call.repo(project, repo_ref)
    if isinstance(repo, Response):
        return repo
    source = _branch(call, repo, body, "sourceRefName")
    if isinstance(source, Response):
        return source
    target = _branch(call, repo, body, "targetRefName")
    if isinstance(target, Response):
        return target
    if source == target:
        return bad_request("The source and target branch are the same.")
    title, description = body.get("title"), body.get("description") or ""
    if not isinstance(title, str) or not title.strip() or not isinstance(description, str):
        return bad_request("A pull request needs a title (and a description, if any, as text).")
    reviewers = _reviewers(call, body)
    if isinstance(reviewers, Response):
        return reviewers
    try:
        pr = records.add(repo.id, source, target, title.strip(), description,
                         bool(body.get("isDraft", False)), call.principal.user.id,
                         [user.id for user in reviewers])
    except DuplicatePullRequest as exc:
        return duplicate(exc.existing_id)
    return json_response(201, pr_json(call, repo, pr))


def list_pull_requests(call: GitCall, records: PullRequestRecords, project: str | None,
                       repo_ref: str) -> Response:
    repo = call.readable_repo(CODE_READ, project, repo_ref)
    if isinstance(repo, Response):
        return repo
    status = call.request.query.get("searchcriteria.status", "active").lower()
    if status not in (*STATUSES, "all"):
        return bad_request(f"searchCriteria.status '{status}' is not one of active, completed, "
                           "abandoned, all.")
    found = [pr for pr in records.of_repo(repo.id) if status in ("all", pr.status)]
    for key, matches in _CRITERIA.items():
        value = call.request.query.get(key)
        if value:
            found = [pr for pr in found if matches(pr, value)]
    shown = skip_page(call.request, found, PULL_REQUESTS_PAGE_SIZE)
    if isinstance(shown, Response):
        return shown
    value = [pr_json(call, repo, pr) for pr in shown]
    return json_response(200, {"count": len(value), "value": value})
