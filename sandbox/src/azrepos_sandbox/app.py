"""Routing for the sandbox's HTTPS server: faults first, then org, auth, and the route.

Organization routes are a table (``ROUTES``, in the style of moto's ``url_paths``): a regular
expression over the path after the organization, the methods it answers, and the API area's
handler. A new API area adds a folder, a row here, and an adapter method on ``SandboxApp``
that passes the area's handler the store and base URL it needs.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

from azrepos_sandbox.admin.faults import Faults, fault_response
from azrepos_sandbox.admin.request_log import LOGGER_NAME, RequestLog
from azrepos_sandbox.git.smart_http import git_route, run_http_backend
from azrepos_sandbox.http_types import Request, Response, json_response, tf_error
from azrepos_sandbox.identity.connection_data import connection_data
from azrepos_sandbox.identity.identities import read_identities
from azrepos_sandbox.identity.pat_auth import (
    Authenticator,
    CredentialRefused,
    Principal,
    authenticate,
    missing_scope,
    unauthorized,
)
from azrepos_sandbox.projects import api as projects
from azrepos_sandbox.pull_requests import api as pull_requests
from azrepos_sandbox.pull_requests.records import PullRequestRecords
from azrepos_sandbox.repositories import api as repositories
from azrepos_sandbox.repositories.context import GitCall
from azrepos_sandbox.repositories.pushes import create_push, settle_default_branch
from azrepos_sandbox.seed import ensure_bare_repo
from azrepos_sandbox.session_tokens import api as session_tokens
from azrepos_sandbox.session_tokens import hierarchy_query
from azrepos_sandbox.store import Org, Store

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
    # The sshUrl prefix of listed repositories (ssh://user@127.0.0.1:{port}/v3), set once sshd
    # has its port.
    ssh_base: str = ""
    pull_requests: PullRequestRecords = field(init=False)

    def __post_init__(self) -> None:
        self.pull_requests = PullRequestRecords(self.store)

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
        try:
            principal = authenticate(self.authenticators, request.headers)
        except CredentialRefused as refusal:
            return unauthorized(self.base_url, org.tenant_id, str(refusal))
        if principal is None:
            return unauthorized(self.base_url, org.tenant_id)
        rest = "/".join(segments[1:])
        for route in ROUTES:
            match = route.pattern.fullmatch(rest)
            if match and request.method in route.methods:
                return route.handler(self, RouteCall(org, principal, request, match))
        return tf_error(404, f"The controller for path '{request.path}' was not found or "
                             "does not implement IController.", "HttpException")

    def _organization(self, call: RouteCall) -> Response:
        return json_response(200, {"id": call.org.id, "name": call.org.name})

    def _connection_data(self, call: RouteCall) -> Response:
        return json_response(200, connection_data(call.org, call.principal.user,
                                                  self.deployment_id))

    def _session_tokens(self, call: RouteCall) -> Response:
        token_id = call.match["token_id"]
        return session_tokens.handle(self.store, call.principal, call.request,
                                     [token_id] if token_id is not None else [],
                                     self.base_url + call.request.path)

    def _hierarchy_query(self, call: RouteCall) -> Response:
        return hierarchy_query.handle(self.store, call.principal, call.request,
                                      self.base_url + call.request.path)

    def _listing(self) -> projects.Listing:
        return projects.Listing(self.base_url, self.ssh_base)

    def _projects(self, call: RouteCall) -> Response:
        return projects.list_projects(self.store, self._listing(), call.org, call.principal,
                                      call.request)

    def _repositories(self, call: RouteCall) -> Response:
        project = call.match["project"]
        return projects.list_repositories(self.store, self._listing(), call.org, call.principal,
                                          call.request, unquote(project) if project else None)

    def _identities(self, call: RouteCall) -> Response:
        return read_identities(self.store, call.principal, call.request,
                               self.base_url + call.request.path)

    def _git_call(self, call: RouteCall) -> GitCall:
        return GitCall(self.store, self._listing(), self.repos_root, call.org, call.principal,
                       call.request)

    @staticmethod
    def _path_names(call: RouteCall) -> tuple[str | None, str]:
        """(project or None, repository name or id) from a repository route's path."""
        project = call.match["project"]
        return (unquote(project) if project else None), unquote(call.match["repo"])

    def _create_repository(self, call: RouteCall) -> Response:
        project = call.match["project"]
        return repositories.create_repository(self._git_call(call),
                                              unquote(project) if project else None)

    def _delete_repository(self, call: RouteCall) -> Response:
        return repositories.delete_repository(self._git_call(call), *self._path_names(call))

    def _forks(self, call: RouteCall) -> Response:
        return repositories.list_forks(self._git_call(call), *self._path_names(call),
                                       unquote(call.match["collection"]))

    def _pushes(self, call: RouteCall) -> Response:
        return create_push(self._git_call(call), *self._path_names(call))

    def _pull_requests(self, call: RouteCall) -> Response:
        handle = (pull_requests.create_pull_request if call.request.method == "POST"
                  else pull_requests.list_pull_requests)
        return handle(self._git_call(call), self.pull_requests, *self._path_names(call))

    def _git_route(self, call: RouteCall) -> Response:
        return self._git(call.org, call.principal, call.request,
                         call.request.segments[1:])

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
        if repo.is_disabled:
            # Sandbox-chosen wording: the service refuses git on a disabled repository.
            return Response(403, f"TF401019: The repository {repo.name} is disabled; git "
                            "operations on it are refused.\n".encode(),
                            [("Content-Type", "text/plain; charset=utf-8")])
        git_dir = ensure_bare_repo(self.repos_root, repo.rel_path)
        response = run_http_backend(self.repos_root, repo.rel_path, inner_path, request,
                                    principal)
        if inner_path == "git-receive-pack" and response.status == 200:
            settle_default_branch(self.store, git_dir, repo)  # a first push by git
        return response


@dataclass(frozen=True)
class RouteCall:
    org: Org
    principal: Principal
    request: Request
    match: re.Match[str]


@dataclass(frozen=True)
class Route:
    pattern: re.Pattern[str]  # over the path after the organization, matched whole
    methods: frozenset[str]
    handler: Callable[[SandboxApp, RouteCall], Response]


def _route(pattern: str, methods: str, handler: Callable[[SandboxApp, RouteCall], Response]
           ) -> Route:
    return Route(re.compile(pattern, re.IGNORECASE), frozenset(methods.split()), handler)


ANY = "GET HEAD POST PUT PATCH DELETE"
# [{project}/]_apis/git/repositories: the project segment is optional, as in Azure DevOps.
_REPOS = r"(?:(?P<project>[^/_][^/]*)/)?_apis/git/repositories"
_REPO = _REPOS + r"/(?P<repo>[^/]+)"
ROUTES = (
    _route(r"", ANY, SandboxApp._organization),
    _route(r"_apis/connectionData", "GET HEAD", SandboxApp._connection_data),
    _route(r"_apis/Token/SessionTokens(?:/(?P<token_id>[^/]+))?", ANY, SandboxApp._session_tokens),
    _route(r"_apis/Contribution/HierarchyQuery", "POST", SandboxApp._hierarchy_query),
    _route(r"_apis/projects", "GET", SandboxApp._projects),
    _route(_REPOS, "GET", SandboxApp._repositories),
    _route(_REPOS, "POST", SandboxApp._create_repository),
    _route(_REPO, "DELETE", SandboxApp._delete_repository),
    _route(_REPO + r"/pushes", "POST", SandboxApp._pushes),
    _route(_REPO + r"/forks/(?P<collection>[^/]+)", "GET", SandboxApp._forks),
    _route(_REPO + r"/pullrequests", "GET POST", SandboxApp._pull_requests),
    _route(r"_apis/identities", "GET", SandboxApp._identities),
    _route(r"[^/]+/_git/[^/]+(?:/.*)?", ANY, SandboxApp._git_route),
)


def _kind(segments: list[str]) -> str:
    return "git" if len(segments) >= 3 and segments[2].lower() == "_git" else "rest"
