"""What the Git write APIs share: where they serve from, and the checks every call passes
first (api-version, then scope) before the body is read."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from azrepos_sandbox.api_version import check_api_version
from azrepos_sandbox.http_types import Request, Response, tf_error
from azrepos_sandbox.identity.pat_auth import Principal, missing_scope
from azrepos_sandbox.projects.api import Listing
from azrepos_sandbox.projects.lookup import find_repo
from azrepos_sandbox.seed import ensure_bare_repo
from azrepos_sandbox.store import Org, Repo, Store

CODE_READ = "vso.code"
CODE_WRITE = "vso.code_write"
CODE_MANAGE = "vso.code_manage"


@dataclass(frozen=True)
class GitCall:
    store: Store
    listing: Listing
    repos_root: Path
    org: Org
    principal: Principal
    request: Request

    @property
    def url(self) -> str:
        return self.listing.base_url + self.request.path

    def refuse(self, scope: str, *, preview: bool = False) -> Response | None:
        """The 400 for a wrong api-version or the 403 naming the missing scope, else None."""
        return (check_api_version(self.request, preview_resource=preview)
                or (None if self.principal.has_scope(scope) else missing_scope(scope, self.url)))

    def body(self) -> dict[str, Any] | Response:
        try:
            body = self.request.json()
        except (UnicodeDecodeError, json.JSONDecodeError):
            body = None
        if not isinstance(body, dict):
            return bad_request("The request body must be a JSON object.")
        return body

    def write_body(self, scope: str) -> dict[str, Any] | Response:
        """A write's JSON body, once its api-version and scope pass."""
        refused = self.refuse(scope)
        return refused if refused is not None else self.body()

    def repo(self, project: str | None, repo_ref: str) -> Repo | Response:
        """The repository the path names (by name or id), or the 404."""
        return find_repo(self.store, self.org, project, repo_ref)

    def readable_repo(self, scope: str, project: str | None, repo_ref: str, *,
                      preview: bool = False) -> Repo | Response:
        """The repository, once the api-version and ``scope`` pass."""
        refused = self.refuse(scope, preview=preview)
        return refused if refused is not None else self.repo(project, repo_ref)

    def git_dir(self, repo: Repo) -> Path:
        # Catalogue repositories are made on first use, as git serving makes them.
        return ensure_bare_repo(self.repos_root, repo.rel_path)

    @property
    def author(self) -> tuple[str, str]:
        return self.principal.user.display_name, self.principal.user.email


def bad_request(message: str) -> Response:
    return tf_error(400, message, "InvalidArgumentValueException")
