"""Repositories - Create (a fork with ``parentRepository``), Repositories - Delete (to the
recycle bin) and Forks - List."""

from __future__ import annotations

import re
import shutil
from typing import Any

from azrepos_sandbox.git.bare import create_empty, create_fork
from azrepos_sandbox.http_types import Response, json_response, tf_error
from azrepos_sandbox.projects.api import repo_json
from azrepos_sandbox.projects.lookup import find_project
from azrepos_sandbox.repositories.context import (
    CODE_MANAGE,
    CODE_READ,
    GitCall,
    bad_request,
)
from azrepos_sandbox.store import NameTaken, Repo, new_guid

# Azure DevOps refuses these characters, a leading "_" or ".", a trailing ".", and names over
# 64 characters (its naming restrictions page).
_BAD_NAME = re.compile(r'[\x00-\x1f/\\:*?"<>|;#$,+=\[\]{}]|^[._]|\.$')
_MAX_NAME = 64


def name_taken(name: str) -> Response:
    return tf_error(409, f"TF400948: A Git repository with the name {name} already exists.",
                    "GitRepositoryNameAlreadyExistsException")


def _name(body: dict[str, Any]) -> str | Response:
    name = body.get("name")
    if not isinstance(name, str) or not name.strip():
        return bad_request("The repository name is required.")
    name = name.strip()
    if len(name) > _MAX_NAME or _BAD_NAME.search(name):
        return bad_request(f"TF401025: '{name}' is not a valid name for a Git repository: it "
                           f"may not start with '_' or '.', end with '.', be longer than "
                           f"{_MAX_NAME} characters, or contain / \\ : * ? \" < > | ; # $ , + "
                           "= [ ] { } or control characters.")
    return name


def _ref_id(value: Any) -> str | None:
    """The ``id`` of a reference object such as ``{"id": ...}``."""
    found = value.get("id") if isinstance(value, dict) else None
    return found if isinstance(found, str) and found else None


def create_repository(call: GitCall, path_project: str | None) -> Response:
    body = call.write_body(CODE_MANAGE)
    if isinstance(body, Response):
        return body
    name = _name(body)
    if isinstance(name, Response):
        return name
    project_ref = _ref_id(body.get("project")) or path_project
    if project_ref is None:
        return bad_request("Name the project: project.id in the body, or {project} in the path.")
    project = find_project(call.store, call.org, project_ref)
    if isinstance(project, Response):
        return project
    parent = None
    if body.get("parentRepository") is not None:
        parent_ref = body["parentRepository"]
        parent_id = _ref_id(parent_ref)
        if parent_id is None:
            return bad_request("parentRepository needs an id.")
        parent = call.repo(_ref_id(parent_ref.get("project")) or project.name, parent_id)
        if isinstance(parent, Response):
            return parent
    if call.store.repo(call.org.id, project.name, name) is not None:
        return name_taken(name)
    repo_id = new_guid()
    repo = Repo(repo_id, call.org.id, project.name, name,
                # By id, so a deleted repository's folder never stands in a new one's way.
                f"{call.org.name}/{project.name}/{repo_id}.git",
                parent_repo_id=parent.id if parent else None,
                default_branch=parent.default_branch if parent else None)
    path = call.repos_root / repo.rel_path
    if parent is None:
        create_empty(path)
    else:
        create_fork(call.git_dir(parent), path, parent.default_branch)
    try:
        call.store.add_created_repo(repo)
    except NameTaken:  # another request took the name meanwhile
        shutil.rmtree(path, ignore_errors=True)
        return name_taken(name)
    return json_response(201, repo_json(call.store, call.listing, call.org, repo))


def delete_repository(call: GitCall, project: str | None, repo_ref: str) -> Response:
    repo = call.readable_repo(CODE_MANAGE, project, repo_ref)
    if isinstance(repo, Response):
        return repo
    call.store.recycle_repo(repo, call.principal.user.id)
    return Response(204)


def list_forks(call: GitCall, project: str | None, repo_ref: str, collection_id: str
               ) -> Response:
    repo = call.readable_repo(CODE_READ, project, repo_ref, preview=True)
    if isinstance(repo, Response):
        return repo
    if collection_id.lower() != call.org.id.lower():
        # Sandbox wording: forks live in this organization only (its instanceId).
        return tf_error(404, f"The collection {collection_id} was not found: give the "
                        "organization's id (instanceId of connectionData).",
                        "CollectionDoesNotExistException")
    value = [repo_json(call.store, call.listing, call.org, fork)
             for fork in call.store.forks_of(repo.id)]
    return json_response(200, {"count": len(value), "value": value})
