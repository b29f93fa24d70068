"""``_apis/projects`` and ``[{project}/]_apis/git/repositories``, shaped as the facts file says.

Both page: ``$top`` (capped at the sandbox's page size) and an opaque ``continuationToken``;
the next token comes back in the ``x-ms-continuationtoken`` header, absent on the last page.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from azrepos_sandbox.constants import PROJECTS_PAGE_SIZE, REPOS_PAGE_SIZE
from azrepos_sandbox.http_types import Request, Response, json_response, tf_error
from azrepos_sandbox.identity.pat_auth import Principal, missing_scope
from azrepos_sandbox.store import Org, Project, Repo, Store

CONTINUATION_HEADER = "x-ms-continuationtoken"
REPOS_SCOPE = "vso.code"
PROJECTS_SCOPE = "vso.project"
_SIZE = 8192  # what a one-commit repository weighs, near enough


@dataclass(frozen=True)
class Listing:
    """Where the list is served: the public base URL and the SSH URL prefix."""

    base_url: str  # https://127.0.0.1:{port}
    ssh_base: str  # ssh://user@127.0.0.1:{port}/v3 (or git@ssh.dev.azure.com:v3)


def _token(offset: int) -> str:
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode().rstrip("=")


def _offset(token: str) -> int | None:
    try:
        text = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        return int(text.removeprefix("offset:")) if text.startswith("offset:") else None
    except (ValueError, UnicodeDecodeError):
        return None


def _page(request: Request, items: list[Any], cap: int
          ) -> tuple[list[Any], list[tuple[str, str]]] | Response:
    top_text = request.query.get("$top", "")
    try:
        top = min(int(top_text), cap) if top_text else cap
    except ValueError:
        return tf_error(400, f"The value '{top_text}' of $top is not a valid number.",
                        "InvalidArgumentValueException")
    if top <= 0:
        return tf_error(400, "$top must be greater than 0.", "InvalidArgumentValueException")
    token = request.query.get("continuationtoken", "")
    start = _offset(token) if token else 0
    if start is None or start < 0:
        return tf_error(400, "The continuation token is not valid.",
                        "InvalidContinuationTokenException")
    page = items[start:start + top]
    more = start + top < len(items)
    return page, ([(CONTINUATION_HEADER, _token(start + top))] if more else [])


def _project_json(listing: Listing, org: Org, project: Project) -> dict[str, Any]:
    return {
        "id": project.id, "name": project.name, "description": project.description,
        "url": f"{listing.base_url}/{org.name}/_apis/projects/{project.id}",
        "state": "wellFormed", "revision": 1, "visibility": "private",
        "lastUpdateTime": "2026-01-05T09:00:00Z",
    }


def _repo_json(listing: Listing, org: Org, project: Project, repo: Repo,
               parent: Repo | None) -> dict[str, Any]:
    web = f"{listing.base_url}/{org.name}/{quote(project.name)}/_git/{quote(repo.name)}"
    data: dict[str, Any] = {
        "id": repo.id, "name": repo.name,
        "url": f"{listing.base_url}/{org.name}/{project.id}/_apis/git/repositories/{repo.id}",
        "project": _project_json(listing, org, project),
        "size": 0 if repo.is_disabled else _SIZE,
        "remoteUrl": web,
        "sshUrl": f"{listing.ssh_base}/{org.name}/{quote(project.name)}/{quote(repo.name)}",
        "webUrl": web,
        "isDisabled": repo.is_disabled,
        "isInMaintenance": False,
    }
    if not repo.is_disabled:  # a disabled repository reports no default branch
        data["defaultBranch"] = "refs/heads/main"
    if parent is not None:
        data["isFork"] = True
        data["parentRepository"] = {
            "id": parent.id, "name": parent.name, "isFork": False,
            "url": f"{listing.base_url}/{org.name}/_apis/git/repositories/{parent.id}",
            "project": _project_json(listing, org, project),
            "collection": {"id": org.id, "name": org.name},
        }
    return data


def list_projects(store: Store, listing: Listing, org: Org, principal: Principal,
                  request: Request) -> Response:
    if not principal.has_scope(PROJECTS_SCOPE):
        return missing_scope(PROJECTS_SCOPE, listing.base_url + request.path)
    paged = _page(request, store.projects_of(org.id), PROJECTS_PAGE_SIZE)
    if isinstance(paged, Response):
        return paged
    page, headers = paged
    value = [_project_json(listing, org, project) for project in page]
    return json_response(200, {"count": len(value), "value": value}, headers)


def list_repositories(store: Store, listing: Listing, org: Org, principal: Principal,
                      request: Request, project_name: str | None) -> Response:
    if not principal.has_scope(REPOS_SCOPE):
        return missing_scope(REPOS_SCOPE, listing.base_url + request.path)
    projects = {p.name.lower(): p for p in store.projects_of(org.id)}
    projects.update({p.id: p for p in projects.values()})
    if project_name is not None and project_name.lower() not in projects:
        return tf_error(404, f"TF200016: The following project does not exist: {project_name}. "
                        "Verify that the name of the project is correct and that the project "
                        "exists on the specified Azure DevOps Server.",
                        "ProjectDoesNotExistWithNameException")
    scope = None if project_name is None else projects[project_name.lower()].name
    repos = [r for r in store.repos_of(org.id, scope) if r.project.lower() in projects]
    paged = _page(request, repos, REPOS_PAGE_SIZE)
    if isinstance(paged, Response):
        return paged
    page, headers = paged
    value = []
    for repo in page:
        parent = store.repo_by_id(repo.parent_repo_id) if repo.parent_repo_id else None
        value.append(_repo_json(listing, org, projects[repo.project.lower()], repo, parent))
    return json_response(200, {"count": len(value), "value": value}, headers)
