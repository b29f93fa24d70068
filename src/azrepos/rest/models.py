"""Typed views of the JSON shapes Azure DevOps returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any


def parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def format_time(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def days_until(moment: datetime | None, now: datetime) -> int | None:
    """Whole days from ``now`` to ``moment`` (negative once it passed); None without one."""
    return None if moment is None else int((moment - now).total_seconds() // 86400)


@dataclass(frozen=True)
class Identity:
    id: str
    display_name: str
    descriptor: str

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Identity:
        return cls(
            id=str(data.get("id", "")),
            display_name=str(data.get("providerDisplayName") or data.get("displayName") or ""),
            descriptor=str(data.get("descriptor", "")),
        )


@dataclass(frozen=True)
class ConnectionData:
    user: Identity
    organization_id: str
    deployment_id: str

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ConnectionData:
        user = data.get("authenticatedUser") or data.get("authorizedUser") or {}
        return cls(
            user=Identity.from_json(user),
            organization_id=str(data.get("instanceId", "")),
            deployment_id=str(data.get("deploymentId", "")),
        )


@dataclass(frozen=True)
class SessionToken:
    """A public session token, which is how Azure DevOps stores an SSH public key."""

    authorization_id: str
    display_name: str
    public_data: str
    valid_to: datetime | None
    valid_from: datetime | None = None
    is_valid: bool = True
    scope: str = "app_token"
    target_accounts: tuple[str, ...] = field(default_factory=tuple)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SessionToken:
        return cls(
            authorization_id=str(data.get("authorizationId", "")),
            display_name=str(data.get("displayName") or ""),
            public_data=str(data.get("publicData") or ""),
            valid_to=parse_time(data.get("validTo")),
            valid_from=parse_time(data.get("validFrom")),
            is_valid=bool(data.get("isValid", True)),
            scope=str(data.get("scope") or "app_token"),
            target_accounts=tuple(data.get("targetAccounts") or ()),
        )


@dataclass(frozen=True)
class Project:
    id: str
    name: str
    state: str

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Project:
        return cls(id=str(data.get("id", "")), name=str(data.get("name", "")),
                   state=str(data.get("state") or ""))


@dataclass(frozen=True)
class GitRepository:
    """One entry of Git Repositories - List."""

    id: str
    name: str
    project: str
    default_branch: str | None
    size: int
    remote_url: str
    ssh_url: str
    web_url: str
    is_disabled: bool = False
    is_fork: bool = False
    parent: str | None = None  # "project/name" of the repository this one was forked from
    project_id: str = ""

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> GitRepository:
        parent = data.get("parentRepository") or None
        parent_name = None
        if isinstance(parent, dict):
            parent_project = (parent.get("project") or {}).get("name", "")
            parent_name = f"{parent_project}/{parent.get('name', '')}".lstrip("/")
        return cls(
            id=str(data.get("id", "")),
            name=str(data.get("name", "")),
            project=str((data.get("project") or {}).get("name", "")),
            default_branch=data.get("defaultBranch") or None,
            size=int(data.get("size") or 0),
            remote_url=str(data.get("remoteUrl") or ""),
            ssh_url=str(data.get("sshUrl") or ""),
            web_url=str(data.get("webUrl") or ""),
            is_disabled=bool(data.get("isDisabled", False)),
            is_fork=bool(data.get("isFork", False)),
            parent=parent_name,
            project_id=str((data.get("project") or {}).get("id", "")),
        )


@dataclass(frozen=True)
class PullRequest:
    """One GitPullRequest (Pull Requests - Create and Get)."""

    id: int
    title: str
    status: str
    source: str  # refs/heads/...
    target: str
    is_draft: bool
    created_by: str
    reviewers: tuple[str, ...]  # their unique names (e-mail) or display names
    repository: str  # "project/name"
    web_url: str

    @classmethod
    def from_json(cls, data: dict[str, Any], repo_web_url: str = "") -> PullRequest:
        """``repo_web_url``: the repository's page, under which the pull request's page is."""
        repo = data.get("repository") or {}
        project = (repo.get("project") or {}).get("name", "")
        number = int(data.get("pullRequestId") or 0)
        web = (f"{repo_web_url}/pullrequest/{number}" if repo_web_url
               else str(data.get("url") or ""))
        creator = data.get("createdBy") or {}
        return cls(
            id=number,
            title=str(data.get("title") or ""),
            status=str(data.get("status") or ""),
            source=str(data.get("sourceRefName") or ""),
            target=str(data.get("targetRefName") or ""),
            is_draft=bool(data.get("isDraft", False)),
            created_by=str(creator.get("uniqueName") or creator.get("displayName") or ""),
            reviewers=tuple(str(r.get("uniqueName") or r.get("displayName") or r.get("id", ""))
                            for r in data.get("reviewers") or []),
            repository=f"{project}/{repo.get('name', '')}".strip("/"),
            web_url=web,
        )
