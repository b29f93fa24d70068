"""Routing for the sandbox's HTTPS server: faults first, then org, auth, and the route."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

from . import session_tokens
from .auth import Authenticator, Principal, authenticate, missing_scope, unauthorized
from .connection_data import connection_data
from .faults import Faults, fault_response
from .git_http import git_route, run_http_backend
from .http_types import Request, Response, json_response, tf_error
from .request_log import LOGGER_NAME, RequestLog
from .store import Org, Store

Handler = Callable[[Request], Response]
_log = logging.getLogger(LOGGER_NAME)


@dataclass
class SandboxApp:
    store: Store
    base_url: str  # https://127.0.0.1:{port}, no trailing slash
    deployment_id: str
    repos_root: Path
    authenticators: list[Authenticator]
    faults: Faults = field(default_factory=Faults)
    request_log: RequestLog = field(default_factory=RequestLog)
    # First path segment (lower case) -> (handler, whether faults apply), checked before org
    # routes. Admin lives at "_sandbox"; the Entra stand-in at the tenant id and "msi".
    mounts: dict[str, tuple[Handler, bool]] = field(default_factory=dict)

    def mount(self, first_segment: str, handler: Handler, *, faults: bool = False) -> None:
        self.mounts[first_segment.lower()] = (handler, faults)

    def respond(self, request: Request) -> Response:
        segments = request.segments
        mounted = self.mounts.get(segments[0].lower()) if segments else None
        try:
            if mounted is None:
                response = self._with_faults(request, self._org_route)
            else:
                handler, faults = mounted
                response = self._with_faults(request, handler) if faults else handler(request)
        except Exception:
            _log.exception("%s %s failed", request.method, request.path)
            response = tf_error(500, "TF400898: An Internal Error Occurred (see sandbox.log).",
                                "InternalServerErrorException")
        if mounted is None:
            response.kind = _kind(segments)
        scheme = (request.headers.get("Authorization") or "").strip().partition(" ")[0]
        self.request_log.record(request.method, request.path, response.status, response.kind,
                                response.fault, auth=scheme.capitalize() or None)
        return response

    def _with_faults(self, request: Request, handler: Handler) -> Response:
        fault = self.faults.take(request.method, request.path)
        if fault is None:
            return handler(request)
        if fault.delay > 0 and not fault.after_processing:
            time.sleep(fault.delay)
        response = fault_response(fault) if fault.status is not None else handler(request)
        if fault.after_processing:
            # The work is done (e.g. a key was created), but the answer comes too late.
            time.sleep(fault.delay)
        response.fault = fault.describe()
        return response

    def _org_route(self, request: Request) -> Response:
        segments = request.segments
        if not segments:
            return tf_error(404, "Name an organization: https://127.0.0.1:{port}/{org}.",
                            "HttpException")
        name = unquote(segments[0])
        org = self.store.org_by_name(name)
        if org is None:
            # The TF code is sandbox-chosen; Azure DevOps answers 404 for an unknown org.
            return tf_error(404, f"TF400904: The organization '{name}' was not found.",
                            "OrganizationNotFoundException")
        principal = authenticate(self.authenticators, request.headers)
        if principal is None:
            return unauthorized(self.base_url, org.tenant_id)
        rest = segments[1:]
        lower = [part.lower() for part in rest]
        if not rest:
            return json_response(200, {"id": org.id, "name": org.name})
        if lower == ["_apis", "connectiondata"] and request.method in ("GET", "HEAD"):
            user = principal.user
            return json_response(200, connection_data(org, user, self.deployment_id))
        if lower[:3] == ["_apis", "token", "sessiontokens"] and len(rest) <= 4:
            return session_tokens.handle(self.store, principal, request, rest[3:],
                                         self.base_url + request.path)
        if len(rest) >= 3 and lower[1] == "_git":
            return self._git(org, principal, request, rest)
        return tf_error(404, f"The controller for path '{request.path}' was not found or "
                             "does not implement IController.", "HttpException")

    def _git(self, org: Org, principal: Principal, request: Request,
             rest: list[str]) -> Response:
        project, repo_name = unquote(rest[0]), unquote(rest[2]).removesuffix(".git")
        route = git_route(rest[3:], request)
        repo = self.store.repo(org.id, project, repo_name)
        if repo is None or route is None:
            return Response(
                404,
                f"TF401019: The Git repository with name or identifier {repo_name} does not "
                "exist or you do not have permissions for the operation you are "
                "attempting.\n".encode(),
                [("Content-Type", "text/plain; charset=utf-8")],
            )
        inner_path, scope = route
        if not principal.has_scope(scope):
            return missing_scope(scope, self.base_url + request.path)
        return run_http_backend(self.repos_root, repo.rel_path, inner_path, request, principal)


def _kind(segments: list[str]) -> str:
    return "git" if len(segments) >= 3 and segments[2].lower() == "_git" else "rest"
