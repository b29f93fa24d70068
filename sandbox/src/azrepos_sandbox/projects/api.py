"""``_apis/projects`` and ``[{project}/]_apis/git/repositories``, shaped as the facts file says.

Both page with ``$top`` and a continuation token (``paging.page``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from azrepos_sandbox.constants import PROJECTS_PAGE_SIZE, REPOS_PAGE_SIZE
from azrepos_sandbox.http_types import Request, Response, json_response
from azrepos_sandbox.identity.pat_auth import Principal, missing_scope
from azrepos_sandbox.paging import page
from azrepos_sandbox.projects.lookup import find_project
from azrepos_sandbox.store import Org, Project, Repo, Store

REPOS_SCOPE = "vso.code"
PROJECTS_SCOPE = "vso.project"
_SIZE = 8192  # what a one-commit repository weighs, near enough


@dataclass(frozen=True)
class Listing:
    """Where the list is served: the public base URL and the SSH URL prefix."""

    base_url: str  # https://127.0.0.1:{port}
    ssh_base: str  # ssh://user@127.0.0.1:{port}/v3 (or git@ssh.dev.azure.com:v3)


def _project_json(listing: Listing, org: Org, project: Project) -> dict[str, Any]:
    return {
        "id": project.id, "name": project.name, "description": project.description,
        "url": f"{listing.base_url}/{org.name}/_apis/projects/{project.id}",
        "state": "wellFormed", "revision": 1, "visibility": "private",
        "lastUpdateTime": "2026-01-05T09:00:00Z",
    }


def _repo_url(listing: Listing, org: Org, project: Project, repo: Repo) -> str:
    return f"{listing.base_url}/{org.name}/{project.id}/_apis/git/repositories/{repo.id}"


def repo_json(store: Store, listing: Listing, org: Org, repo: Repo) -> dict[str, Any]:
    """A GitRepository, as listed, created, and in forks and pull requests."""
    project = store.project(org.id, repo.project)
    assert project is not None  # a repository is always in a project of its org
    web = f"{listing.base_url}/{org.name}/{quote(project.name)}/_git/{quote(repo.name)}"
    data: dict[str, Any] = {
        "id": repo.id, "name": repo.name,
        "url": _repo_url(listing, org, project, repo),
        "project": _project_json(listing, org, project),
        "size": 0 if repo.is_disabled or repo.default_branch is None else _SIZE,
        "remoteUrl": web,
        "sshUrl": f"{listing.ssh_base}/{org.name}/{quote(project.name)}/{quote(repo.name)}",
        "webUrl": web,
        "isFork": repo.parent_repo_id is not None,
        "isDisabled": repo.is_disabled,
        "isInMaintenance": False,
    }
    # A disabled repository reports no default branch, nor does a new one before its first push.
    if not repo.is_disabled and repo.default_branch is not None:
        data["defaultBranch"] = repo.default_branch
    parent = store.repo_by_id(repo.parent_repo_id) if repo.parent_repo_id else None
    parent_project = store.project(org.id, parent.project) if parent else None
    if parent is not None and parent_project is not None:
        data["parentRepository"] = {
            "id": parent.id, "name": parent.name, "isFork": parent.parent_repo_id is not None,
            "url": _repo_url(listing, org, parent_project, parent),
            "project": _project_json(listing, org, parent_project),
            "collection": {"id": org.id, "name": org.name},
        }
    return data


def list_projects(store: Store, listing: Listing, org: Org, principal: Principal,
                  request: Request) -> Response:
    if not principal.has_scope(PROJECTS_SCOPE):
        return missing_scope(PROJECTS_SCOPE, listing.base_url + request.path)
    paged = page(request, store.projects_of(org.id), PROJECTS_PAGE_SIZE)
    if isinstance(paged, Response):
        return paged
    shown, headers = paged
    value = [_project_json(listing, org, project) for project in shown]
    return json_response(200, {"count": len(value), "value": value}, headers)


def list_repositories(store: Store, listing: Listing, org: Org, principal: Principal,
                      request: Request, project_name: str | None) -> Response:
    if not principal.has_scope(REPOS_SCOPE):
        return missing_scope(REPOS_SCOPE, listing.base_url + request.path)
    project = None
    if project_name is not None:
        project = find_project(store, org, project_name)
        if isinstance(project, Response):
            return project
    known = {p.name.lower() for p in store.projects_of(org.id)}
    repos = [r for r in store.repos_of(org.id, project.name if project else None)
             if r.project.lower() in known]
    paged = page(request, repos, REPOS_PAGE_SIZE)
    if isinstance(paged, Response):
        return paged
    shown, headers = paged
    value = [repo_json(store, listing, org, repo) for repo in shown]
    return json_response(200, {"count": len(value), "value": value}, headers)
