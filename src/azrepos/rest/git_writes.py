"""The Git REST calls that change an organization: Repositories - Create and Delete, Pushes -
Create, Forks - List, Pull Requests - Create and Get, and Identities - Read (reviewers by
e-mail). Each names the scope it needs, so a 403 says which one the credential lacks."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from ..errors import ApiError, NotFound, UsageError
from ..urls import repo_https_url
from .client import CODE_SCOPE, LIST_API_VERSION, AzureDevOpsClient
from .models import GitRepository, Project, PullRequest

CODE_WRITE_SCOPE = "vso.code_write (Code: Read & write)"
CODE_MANAGE_SCOPE = "vso.code_manage (Code: Read, write, & manage)"
IDENTITY_SCOPE = "vso.identity (Identity: Read)"
FORKS_API_VERSION = "7.1-preview.1"
NO_COMMIT = "0" * 40
NAME_TAKEN = "TF400948"
STALE_REF = "TF402424"
DUPLICATE_PULL_REQUEST = "TF401179"


def _repos_path(project: Project | str, tail: str = "") -> str:
    name = project.name if isinstance(project, Project) else project
    return f"{quote(name, safe='')}/_apis/git/repositories{tail}"


def find_project(client: AzureDevOpsClient, name: str,
                 listed: list[GitRepository] | None = None) -> Project:
    """The project: from its repositories when they are already listed (one call and one
    scope, vso.project, fewer), else from the projects list."""
    for repo in listed or []:
        if repo.project.casefold() == name.casefold() and repo.project_id:
            return Project(repo.project_id, repo.project, "wellFormed")
    for project in client.list_projects():
        if project.name.casefold() == name.casefold():
            return project
    raise NotFound(f"project {name!r} not found in {client.org.url}", status=404,
                   hint=f"check the name; the projects are listed at {client.org.url}/_projects")


def find_repository(client: AzureDevOpsClient, project: str, name: str,
                    listed: list[GitRepository] | None = None) -> GitRepository | None:
    for repo in client.list_repositories(project) if listed is None else listed:
        if repo.name.casefold() == name.casefold():
            return repo
    return None


def get_repository(client: AzureDevOpsClient, project: str, name: str) -> GitRepository:
    repo = find_repository(client, project, name)
    if repo is None:
        raise NotFound(f"repository {project}/{name} not found in {client.org.url}", status=404,
                       hint=f"check the name (azrepos repos list --org {client.org.url})")
    return repo


def create_repository(client: AzureDevOpsClient, project: Project, name: str,
                      parent: GitRepository | None = None) -> GitRepository:
    """A new, empty repository (a fork of ``parent`` when given)."""
    body: dict[str, Any] = {"name": name, "project": {"id": project.id}}
    if parent is not None:
        body["parentRepository"] = {"id": parent.id, "project": {"id": parent.project_id}}
    data = client.request("POST", client.org.url, _repos_path(project), label="create repository",
                          scope=CODE_MANAGE_SCOPE, body=body, idempotent=False,
                          api_version=LIST_API_VERSION)
    return GitRepository.from_json(data or {})


def delete_repository(client: AzureDevOpsClient, repo: GitRepository) -> None:
    """Delete it: the service keeps it in the project's recycle bin for 30 days."""
    client.request("DELETE", client.org.url, _repos_path(repo.project, f"/{repo.id}"),
                   label="delete repository", scope=CODE_MANAGE_SCOPE,
                   api_version=LIST_API_VERSION)


def push_files(client: AzureDevOpsClient, repo: GitRepository, branch: str, files: dict[str, str],
               comment: str, old_object_id: str = NO_COMMIT) -> str:
    """One commit adding ``files`` (path → text) on ``branch``; the new commit's id."""
    changes = [{"changeType": "add", "item": {"path": f"/{path.lstrip('/')}"},
                "newContent": {"content": text, "contentType": "rawtext"}}
               for path, text in files.items()]
    body = {"refUpdates": [{"name": f"refs/heads/{branch}", "oldObjectId": old_object_id}],
            "commits": [{"comment": comment, "changes": changes}]}
    data = client.request("POST", client.org.url, _repos_path(repo.project, f"/{repo.id}/pushes"),
                          label="push the first commit", scope=CODE_WRITE_SCOPE, body=body,
                          idempotent=False, api_version=LIST_API_VERSION) or {}
    commits = data.get("commits") or [{}]
    return str(commits[-1].get("commitId") or "")


def list_forks(client: AzureDevOpsClient, repo: GitRepository) -> list[GitRepository]:
    collection = client.connection_data().organization_id
    data = client.request("GET", client.org.url,
                          _repos_path(repo.project, f"/{repo.id}/forks/{collection}"),
                          label=f"list forks of {repo.project}/{repo.name}", scope=CODE_SCOPE,
                          api_version=FORKS_API_VERSION) or {}
    return [GitRepository.from_json(item) for item in data.get("value", [])]


def identity_id(client: AzureDevOpsClient, email: str) -> str:
    """The identity id of the user with this e-mail, for a reviewer."""
    data = client.request("GET", client.org.vssps_url, "_apis/identities",
                          label="find a reviewer", scope=IDENTITY_SCOPE,
                          params={"searchFilter": "General", "filterValue": email,
                                  "queryMembership": "None"},
                          api_version=LIST_API_VERSION) or {}
    for identity in data.get("value", []):
        mail = ((identity.get("properties") or {}).get("Mail") or {}).get("$value", "")
        if str(mail).casefold() == email.casefold() and identity.get("id"):
            return str(identity["id"])
    raise UsageError(f"no user with the e-mail {email!r} in {client.org.url}",
                     hint="check the reviewer's e-mail address (the one they sign in with)")


def create_pull_request(client: AzureDevOpsClient, repo: GitRepository, body: dict[str, Any]
                        ) -> PullRequest:
    data = client.request("POST", client.org.url,
                          _repos_path(repo.project, f"/{repo.id}/pullrequests"),
                          label="create pull request", scope=CODE_WRITE_SCOPE, body=body,
                          idempotent=False, api_version=LIST_API_VERSION,
                          missing=(f"the source branch {body['sourceRefName']} is not in "
                                   f"{repo.project}/{repo.name}",
                                   "push the branch first (git push -u origin BRANCH)"))
    return PullRequest.from_json(data or {}, repo_https_url(client.org, repo.project, repo.name))


def list_pull_requests(client: AzureDevOpsClient, repo: GitRepository, **criteria: str
                       ) -> list[PullRequest]:
    """Pull requests matching ``searchCriteria`` (status, creatorId, reviewerId, ...)."""
    params = {f"searchCriteria.{key}": value for key, value in criteria.items() if value}
    data = client.request("GET", client.org.url,
                          _repos_path(repo.project, f"/{repo.id}/pullrequests"),
                          label="list pull requests", scope=CODE_SCOPE, params=params,
                          api_version=LIST_API_VERSION) or {}
    page = repo_https_url(client.org, repo.project, repo.name)
    return [PullRequest.from_json(item, page) for item in data.get("value", [])]


def conflict(exc: ApiError, code: str) -> bool:
    """Whether an error is the service's 409 with this TF code."""
    return exc.status == 409 and (exc.tf_code == code or code in exc.message)
