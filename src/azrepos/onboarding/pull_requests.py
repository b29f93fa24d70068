"""``azrepos pr create`` and ``pr list``: open a pull request, or find the active one for the
same branches (idempotent on repository, source, target and active), with reviewers named by
e-mail and resolved before anything is created."""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import ApiError, UsageError
from ..rest import git_writes
from ..rest.client import AzureDevOpsClient
from ..rest.models import GitRepository, PullRequest


@dataclass(frozen=True)
class PullRequestChange:
    changed: bool
    pull_request: PullRequest | None  # None only in check mode, before it exists


def ref(branch: str) -> str:
    return branch if branch.startswith("refs/") else f"refs/heads/{branch}"


def active_for(client: AzureDevOpsClient, repo: GitRepository, source: str, target: str
               ) -> PullRequest | None:
    found = git_writes.list_pull_requests(client, repo, status="active",
                                          sourceRefName=ref(source), targetRefName=ref(target))
    return next((p for p in found if p.source == ref(source) and p.target == ref(target)), None)


def ensure_open(client: AzureDevOpsClient, repo: GitRepository, *, source: str, target: str | None,
                title: str, description: str = "", reviewers: tuple[str, ...] = (),
                draft: bool = False, check_mode: bool = False) -> PullRequestChange:
    target = target or (repo.default_branch or "")
    if not target:
        raise UsageError(f"{repo.project}/{repo.name} has no default branch to merge into",
                         hint="give --target BRANCH")
    if ref(source) == ref(target):
        raise UsageError(f"the source and target branch are both {source!r}",
                         hint="open the pull request from another branch (--source BRANCH)")
    if not title.strip():
        raise UsageError("a pull request needs a title", hint="give --title TEXT")
    reviewer_ids = [git_writes.identity_id(client, email) for email in reviewers]
    existing = active_for(client, repo, source, target)
    if existing is not None or check_mode:
        return PullRequestChange(existing is None, existing)
    body = {"sourceRefName": ref(source), "targetRefName": ref(target), "title": title,
            "description": description, "isDraft": draft,
            "reviewers": [{"id": rid} for rid in reviewer_ids]}
    try:
        return PullRequestChange(True, git_writes.create_pull_request(client, repo, body))
    except ApiError as exc:
        if not git_writes.conflict(exc, git_writes.DUPLICATE_PULL_REQUEST):
            raise
        return PullRequestChange(False, active_for(client, repo, source, target))


def listing(client: AzureDevOpsClient, repo: GitRepository, *, mine: bool = False,
            reviewing: bool = False, status: str = "active") -> list[PullRequest]:
    me = client.connection_data().user.id if (mine or reviewing) else ""
    return git_writes.list_pull_requests(client, repo, status=status,
                                         creatorId=me if mine else "",
                                         reviewerId=me if reviewing else "")


def as_json(pr: PullRequest) -> dict[str, object]:
    return {"id": pr.id, "title": pr.title, "status": pr.status, "is_draft": pr.is_draft,
            "source": pr.source.removeprefix("refs/heads/"),
            "target": pr.target.removeprefix("refs/heads/"), "created_by": pr.created_by,
            "reviewers": list(pr.reviewers), "repository": pr.repository, "url": pr.web_url}
