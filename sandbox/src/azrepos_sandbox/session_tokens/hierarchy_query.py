"""The web UI's data provider that issues session tokens: how the web UI and public clients add
SSH keys (``azure-devops-facts.md``). ``POST {org}/_apis/Contribution/HierarchyQuery`` on the
organization's host, the API version in the Accept header, the SessionToken's fields under
``dataProviderContext.properties``, and the new token under ``dataProviders[PROVIDER]``.
"""

from __future__ import annotations

from typing import Any

from azrepos_sandbox.http_types import Request, Response, json_response, tf_error
from azrepos_sandbox.identity.pat_auth import Principal
from azrepos_sandbox.session_tokens.api import (
    InvalidRequest,
    add_or_update,
    json_body,
    refuse,
    token_json,
)
from azrepos_sandbox.store import Store

PROVIDER = "ms.vss-token-web.personal-access-token-issue-session-token-provider"


def _properties(request: Request) -> dict[str, Any]:
    if "api-version=" not in (request.headers.get("Accept") or ""):
        raise InvalidRequest("TF400813: The API version is missing: send Accept: "
                             "application/json;api-version=5.0-preview.1.")
    body = json_body(request)
    if not isinstance(body, dict) or PROVIDER not in (body.get("contributionIds") or []):
        raise InvalidRequest(f"TF1500070: contributionIds must name {PROVIDER}.")
    context = body.get("dataProviderContext")
    properties = context.get("properties") if isinstance(context, dict) else None
    if not isinstance(properties, dict):
        raise InvalidRequest("TF1500071: dataProviderContext.properties must hold the session token.")
    if properties.get("isPublic") is not True:
        raise InvalidRequest("TF1500050: The sandbox only supports public session tokens "
                             "(isPublic: true), which hold SSH keys.")
    return properties


def handle(store: Store, principal: Principal, request: Request, url: str) -> Response:
    refused = refuse(principal, url)
    if refused is not None:
        return refused
    try:
        key = add_or_update(store, principal, _properties(request))
    except InvalidRequest as exc:
        return tf_error(exc.status, str(exc), "SessionTokenException")
    return json_response(200, {"dataProviders": {PROVIDER: token_json(key)},
                               "dataProviderSharedData": {}})
