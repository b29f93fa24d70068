"""The Azure DevOps REST calls azrepos makes: connectionData, the SessionTokens API, and the
Projects and Git Repositories lists (paged through the x-ms-continuationtoken header).

Keys are added (and extended) through one of two endpoints the service speaks: the web UI's
data provider ``{org}/_apis/Contribution/HierarchyQuery``, which public clients use, and the
direct ``{vssps}/_apis/Token/SessionTokens`` POST of Microsoft's client library. One is tried,
the other follows on 400/404/405, and the one that worked is remembered per organization
(``key_endpoints``)."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from datetime import datetime
from typing import Any, Protocol
from urllib.parse import quote

import requests

from .. import __version__
from ..errors import (
    AmbiguousWrite,
    ApiError,
    AuthenticationFailed,
    NotFound,
    PermissionDenied,
)
from ..network import Network
from ..redaction import scrub
from ..urls import Organization
from . import key_endpoints
from .models import ConnectionData, GitRepository, Project, SessionToken, format_time
from .session import PinnedSession
from .transport import RetryPolicy, Transport

log = logging.getLogger(__name__)

API_VERSION = "7.1-preview.1"
SESSION_TOKENS_PATH = "_apis/Token/SessionTokens"
HIERARCHY_QUERY = "_apis/Contribution/HierarchyQuery"
HIERARCHY_QUERY_ACCEPT = "application/json;api-version=5.0-preview.1"
KEY_DATA_PROVIDER = "ms.vss-token-web.personal-access-token-issue-session-token-provider"
TOKENS_SCOPE = "vso.tokens (Tokens: Read & manage)"
CODE_SCOPE = "vso.code (Code: Read)"
PROJECT_SCOPE = "vso.project (Project and Team: Read)"
LIST_API_VERSION = "7.1"
CONTINUATION_HEADER = "x-ms-continuationtoken"
PAGE_SIZE = 100
_TF_CODE = re.compile(r"\b(TF\d{5,6}|VS\d{5})\b")


class CredentialSource(Protocol):
    """Anything that can produce an Authorization header value."""

    description: str

    def authorization(self) -> str: ...


def _error_detail(response: requests.Response) -> tuple[str, str | None]:
    try:
        body = response.json()
        message = str(body.get("message") or "") if isinstance(body, dict) else ""
    except ValueError:
        message = ""
    message = scrub(message.strip())[:500]
    match = _TF_CODE.search(message)
    return message, (match.group(1) if match else None)


class AzureDevOpsClient:
    """A small typed client. One instance per organization and credential."""

    def __init__(
        self,
        org: Organization,
        credential: CredentialSource,
        *,
        network: Network | None = None,
        policy: RetryPolicy | None = None,
        session: requests.Session | None = None,
        transport: Transport | None = None,
    ) -> None:
        self.org = org
        self.network = network or Network()
        self._credential = credential
        http = session or PinnedSession(self.network)
        http.headers.update(
            {
                "Accept": "application/json",
                "User-Agent": f"azrepos/{__version__}",
                "X-TFS-FedAuthRedirect": "Suppress",
            }
        )
        self.transport = transport or Transport(http, policy or RetryPolicy())
        self.key_endpoint: str | None = None  # which endpoint registered a key
        self._connection: ConnectionData | None = None

    def __repr__(self) -> str:
        return f"AzureDevOpsClient(org={self.org.url!r}, credential={self._credential.description!r})"

    @property
    def credential_description(self) -> str:
        return self._credential.description

    def authorization(self) -> str:
        """The Authorization header this client sends (for git run with the same credential)."""
        return self._credential.authorization()

    @property
    def calls(self) -> dict[str, int]:
        """How many HTTP requests each operation made (for idempotence checks)."""
        return dict(self.transport.calls)

    @property
    def writes(self) -> int:
        """How many requests could have changed something (POST, PUT, PATCH, DELETE)."""
        return self.transport.writes

    # -- plumbing ------------------------------------------------------------------------

    def request(
        self,
        method: str,
        base: str,
        path: str,
        *,
        label: str,
        scope: str,
        params: dict[str, str] | None = None,
        body: dict[str, Any] | None = None,
        idempotent: bool = True,
        accept: str | None = None,
        api_version: str = API_VERSION,
        page: list[str] | None = None,
        missing: tuple[str, str] | None = None,
    ) -> Any:
        """The JSON answer. With ``page`` (a list), the answer's continuation token (or "")
        is appended to it. ``missing`` is what a 404 means here: the message and the fix."""
        url = f"{base}/{path}"
        # The API version goes in the query string, or (data providers) in the Accept header.
        query = {**(params or {}), **({} if accept else {"api-version": api_version})}
        headers = {"Authorization": self._credential.authorization(),
                   **({"Accept": accept} if accept else {})}
        response = self.transport.send(
            method,
            url,
            label=label,
            idempotent=idempotent,
            params=query,
            json=body,
            headers=headers,
        )
        if response.status_code >= 400:
            raise self._error(response, label, scope, base, missing)
        if page is not None:
            page.append(response.headers.get(CONTINUATION_HEADER, "").strip())
        if response.status_code == 204 or not response.content:
            return None
        try:
            return response.json()
        except ValueError:
            raise ApiError(
                f"{label}: the server answered {response.status_code} with a body that is not "
                "JSON; is this an Azure DevOps URL?",
                status=response.status_code,
                hint="check --org, and that no proxy or sign-in page is in the way",
            ) from None

    def _error(self, response: requests.Response, label: str, scope: str, base: str,
               missing: tuple[str, str] | None = None
               ) -> ApiError:
        status = response.status_code
        message, tf_code = _error_detail(response)
        detail = f": {message}" if message else ""
        if status == 401 and "global personal access token" in message.lower():
            return AuthenticationFailed(
                f"this PAT was made for all organizations (a global PAT): global PATs stopped "
                f"working on 2026-12-01 ({self._credential.description}){detail}",
                status=401,
                tf_code=tf_code,
                hint=f"create a PAT for {self.org.name} alone (Organization: {self.org.name}) "
                f"and store it with 'azrepos login --org {self.org.url} --pat-stdin', or sign "
                f"in with 'azrepos login --org {self.org.url}'",
            )
        if status == 401:
            return AuthenticationFailed(
                f"PAT or token rejected or expired ({self._credential.description}){detail}",
                status=401,
                tf_code=tf_code,
                hint=f"create a new PAT for {self.org.url} or sign in again with 'azrepos login'",
            )
        if status == 403:
            return PermissionDenied(
                f"{label} was refused: the credential lacks the scope or permission {scope}{detail}",
                status=403,
                tf_code=tf_code,
                hint=f"use a PAT or token that has {scope} for {self.org.name}",
            )
        if status == 404 and missing is not None:
            return NotFound(f"{missing[0]}{detail}", status=404, tf_code=tf_code, hint=missing[1])
        if status == 404:  # a key call: the key, the endpoint, or the identity service
            return NotFound(
                f"{label}: not found at {base}{detail}",
                status=404,
                tf_code=tf_code,
                hint=f"check the key is still registered (azrepos ssh-key list), and that {base} "
                f"serves {self.org.url} (--vssps-url)",
            )
        return ApiError(f"{label} failed with HTTP {status}{detail}", status=status, tf_code=tf_code)

    # -- calls -----------------------------------------------------------------------------

    def connection_data(self) -> ConnectionData:
        """Who the credential belongs to, and the organization's id."""
        if self._connection is None:
            data = self.request(
                "GET", self.org.url, "_apis/connectionData",
                label="connectionData", scope="vso.profile",
                missing=(f"organization not found at {self.org.url} (connectionData)",
                         "check the organization name in --org (https://dev.azure.com/ORG)"),
            )
            self._connection = ConnectionData.from_json(data or {})
        return self._connection

    def _pages(self, path: str, *, label: str, scope: str, top: int = PAGE_SIZE,
               missing: tuple[str, str] | None = None) -> Iterator[dict[str, Any]]:
        """Every item of a paged list: ``$top`` per request, then ``continuationToken`` from
        the ``x-ms-continuationtoken`` header until the server sends none."""
        token = ""
        seen: set[str] = set()
        while True:
            params = {"$top": str(top), **({"continuationToken": token} if token else {})}
            tokens: list[str] = []
            data = self.request("GET", self.org.url, path, label=label, scope=scope,
                                 params=params, api_version=LIST_API_VERSION, page=tokens,
                                 missing=missing)
            yield from (data or {}).get("value", [])
            token = tokens[0] if tokens else ""
            if not token:
                return
            if token in seen:  # a server that repeats itself must not loop us forever
                raise ApiError(f"{label}: the server sent the same continuation token twice",
                               status=502, hint="try again; if it persists, report it")
            seen.add(token)

    def list_projects(self) -> list[Project]:
        return [Project.from_json(item) for item in
                self._pages("_apis/projects", label="list projects", scope=PROJECT_SCOPE)]

    def list_repositories(self, project: str | None = None) -> list[GitRepository]:
        """The organization's repositories, or one project's (disabled ones included)."""
        path = (f"{quote(project, safe='')}/_apis/git/repositories" if project
                else "_apis/git/repositories")
        label = f"list repositories of {project}" if project else "list repositories"
        missing = (f"project {project!r} not found in {self.org.url}",
                   f"check the name (azrepos repos list --org {self.org.url} lists them all)"
                   ) if project else None
        return [GitRepository.from_json(item) for item in
                self._pages(path, label=label, scope=CODE_SCOPE, missing=missing)]

    def refused_scopes(self) -> list[tuple[str, str]]:
        """The scopes azrepos needs that this credential is refused (HTTP 403), each with what
        it is needed for, found by the cheapest read each one allows: one repository, and the
        key list (the service tells a PAT nothing about its own scopes)."""
        probes = (
            (CODE_SCOPE, "git over HTTPS and repository lists",
             lambda: next(self._pages("_apis/git/repositories", top=1,
                                      label="list repositories", scope=CODE_SCOPE), None)),
            (TOKENS_SCOPE, "SSH key registration", self.list_ssh_keys),
        )
        refused = []
        for scope, purpose, probe in probes:
            try:
                probe()
            except PermissionDenied:
                refused.append((scope, purpose))
        return refused

    def list_ssh_keys(self) -> list[SessionToken]:
        data = self.request(
            "GET",
            self.org.vssps_url,
            SESSION_TOKENS_PATH,
            label="list SSH keys",
            scope=TOKENS_SCOPE,
            params={"isPublic": "true", "includePublicData": "true"},
        )
        return [SessionToken.from_json(item) for item in (data or {}).get("value", [])]

    def add_ssh_key(
        self,
        name: str,
        public_key: str,
        valid_to: datetime,
    ) -> SessionToken:
        """Register a public key with one POST. If the answer is lost after sending, this
        raises AmbiguousWrite: the caller (sshkeys.sync) lists the keys before any retry."""
        body = {
            "displayName": name,
            "publicData": public_key,
            "scope": "app_token",
            "validTo": format_time(valid_to),
            "targetAccounts": [self.connection_data().organization_id],
        }
        return self._post_session_token(body, "add SSH key")

    @property
    def write_attempts(self) -> int:
        return self.transport.policy.max_attempts

    def update_ssh_key(
        self, token: SessionToken, *, name: str | None = None, valid_to: datetime | None = None
    ) -> SessionToken:
        """Rename or extend a key (an update is the add call with authorizationId set)."""
        body: dict[str, Any] = {
            "authorizationId": token.authorization_id,
            "displayName": name or token.display_name,
            "publicData": token.public_data,
            "scope": token.scope,
            "validTo": format_time(valid_to) if valid_to else (
                format_time(token.valid_to) if token.valid_to else None),
            "targetAccounts": list(token.target_accounts)
            or [self.connection_data().organization_id],
        }
        for _ in range(self.write_attempts):
            try:
                return self._post_session_token(body, "update SSH key")
            except AmbiguousWrite as exc:
                # An update sets absolute values, so sending it again is harmless.
                log.warning("%s; sending the update again", exc.message)
        raise AmbiguousWrite("updating the SSH key kept failing", hint="try again later")

    def _post_session_token(self, body: dict[str, Any], label: str) -> SessionToken:
        order = key_endpoints.order_for(self.org.url)
        for position, endpoint in enumerate(order):
            try:
                token = self._post_through(endpoint, body, label)
            except AmbiguousWrite:
                raise
            except ApiError as exc:
                if exc.status in (400, 404, 405) and position + 1 < len(order):
                    log.info("%s through %s answered %s; trying %s", label, endpoint,
                             exc.status, order[position + 1])
                    continue
                raise
            self.key_endpoint = endpoint
            key_endpoints.remember(self.org.url, endpoint)
            return token
        raise AssertionError("unreachable: the last endpoint's error is raised")

    def _post_through(self, endpoint: str, body: dict[str, Any], label: str) -> SessionToken:
        if endpoint == key_endpoints.HIERARCHY_QUERY:
            data = self.request(
                "POST", self.org.url, HIERARCHY_QUERY, label=label, scope=TOKENS_SCOPE,
                body={"contributionIds": [KEY_DATA_PROVIDER],
                      "dataProviderContext": {"properties": {**body, "isPublic": True}}},
                idempotent=False, accept=HIERARCHY_QUERY_ACCEPT,
            )
            token = ((data or {}).get("dataProviders") or {}).get(KEY_DATA_PROVIDER)
            if not isinstance(token, dict):
                raise ApiError(f"{label}: the data provider answered without a session token",
                               status=502, hint="try again; if it persists, report it")
            return SessionToken.from_json(token)
        data = self.request(
            "POST",
            self.org.vssps_url,
            SESSION_TOKENS_PATH,
            label=label,
            scope=TOKENS_SCOPE,
            params={"isPublic": "true"},
            body=body,
            idempotent=False,
        )
        return SessionToken.from_json(data or {})

    def revoke_ssh_key(self, authorization_id: str) -> None:
        self.request(
            "DELETE",
            self.org.vssps_url,
            f"{SESSION_TOKENS_PATH}/{authorization_id}",
            label="revoke SSH key",
            scope=TOKENS_SCOPE,
            params={"isPublic": "true"},
        )

