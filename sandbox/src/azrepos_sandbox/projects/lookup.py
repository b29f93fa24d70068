"""Finding the project and repository a REST path names (by name or id), with the 404s
Azure DevOps gives when they are not there."""

from __future__ import annotations

from azrepos_sandbox.http_types import Response, tf_error
from azrepos_sandbox.store import Org, Project, Repo, Store


def project_not_found(name: str) -> Response:
    return tf_error(404, f"TF200016: The following project does not exist: {name}. "
                    "Verify that the name of the project is correct and that the project "
                    "exists on the specified Azure DevOps Server.",
                    "ProjectDoesNotExistWithNameException")


def repo_not_found(name: str) -> Response:
    return tf_error(404, f"TF401019: The Git repository with name or identifier {name} does "
                    "not exist or you do not have permissions for the operation you are "
                    "attempting.", "GitRepositoryNotFoundException")


def find_project(store: Store, org: Org, name_or_id: str) -> Project | Response:
    return store.project(org.id, name_or_id) or project_not_found(name_or_id)


def find_repo(store: Store, org: Org, project: str | None, name_or_id: str) -> Repo | Response:
    """The repository ``name_or_id`` names, in ``project`` when the path names one (an id
    needs no project, as in Azure DevOps)."""
    found = None
    if project is not None:
        known = find_project(store, org, project)
        if isinstance(known, Response):
            return known
        found = store.repo(org.id, known.name, name_or_id)
        project = known.name
    if found is None:
        by_id = store.repo_by_id(name_or_id.lower())
        if (by_id is not None and by_id.org_id == org.id
                and (project is None or by_id.project.lower() == project.lower())):
            found = by_id
    return found or repo_not_found(name_or_id)
