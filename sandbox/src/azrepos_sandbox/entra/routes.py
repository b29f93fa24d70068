"""HTTP for ``/{tenant}/...``: OIDC discovery, signing keys, the sign-in page (authorize),
device code and token endpoints.

Mounted at the tenant id, so the authority Azure DevOps advertises in its 401 challenge
(``https://127.0.0.1:{port}/{tenant}``) is this one. MSAL, told ``instance_discovery=False``,
reads ``{authority}/v2.0/.well-known/openid-configuration`` and takes everything from there.
"""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import parse_qsl

from azrepos_sandbox.entra.auth_code import AuthorizationCodes, AuthorizeRequest
from azrepos_sandbox.entra.device_flow import DeviceFlow
from azrepos_sandbox.entra.errors import NO_STORE, EntraError, error_response
from azrepos_sandbox.entra.grants import TokenEndpoint
from azrepos_sandbox.entra.signing import SigningKey
from azrepos_sandbox.http_types import Request, Response, json_response


class TenantUrls:
    def __init__(self, base_url: str, tenant_id: str) -> None:
        self.authority = f"{base_url}/{tenant_id}"
        self.issuer = f"{self.authority}/v2.0"
        self.token = f"{self.authority}/oauth2/v2.0/token"
        self.device_code = f"{self.authority}/oauth2/v2.0/devicecode"
        self.authorize = f"{self.authority}/oauth2/v2.0/authorize"
        self.jwks = f"{self.authority}/discovery/v2.0/keys"
        self.device_login = f"{self.authority}/devicelogin"


def openid_configuration(urls: TenantUrls) -> dict[str, Any]:
    return {
        "token_endpoint": urls.token,
        "token_endpoint_auth_methods_supported": ["client_secret_post", "private_key_jwt",
                                                  "client_secret_basic"],
        "jwks_uri": urls.jwks,
        "response_modes_supported": ["query", "fragment", "form_post"],
        "subject_types_supported": ["pairwise"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "response_types_supported": ["code", "id_token", "code id_token", "id_token token"],
        "scopes_supported": ["openid", "profile", "email", "offline_access"],
        "issuer": urls.issuer,
        "request_uri_parameter_supported": False,
        "authorization_endpoint": urls.authorize,
        "device_authorization_endpoint": urls.device_code,
        "end_session_endpoint": f"{urls.authority}/oauth2/v2.0/logout",
        "claims_supported": ["sub", "iss", "aud", "exp", "iat", "auth_time", "acr", "nonce",
                             "preferred_username", "name", "tid", "ver", "at_hash", "c_hash",
                             "email"],
        "tenant_region_scope": "NA",
        "cloud_instance_name": "microsoftonline.com",
        "cloud_graph_host_name": "graph.windows.net",
        "msgraph_host": "graph.microsoft.com",
        "rbac_url": "https://pas.windows.net",
    }


def form_fields(request: Request) -> dict[str, str]:
    """An ``application/x-www-form-urlencoded`` body; the first of repeated names wins."""
    fields: dict[str, str] = {}
    for name, value in parse_qsl(request.body.decode("utf-8", errors="replace"),
                                 keep_blank_values=True):
        fields.setdefault(name, value)
    return fields


def _json(payload: Any, status: int = 200, no_store: bool = False) -> Response:
    response = json_response(status, payload, NO_STORE if no_store else None)
    response.kind = "entra"
    return response


_DEVICE_LOGIN_PAGE = """<!doctype html>
<title>azrepos sandbox device login</title>
<p>This is the sandbox's stand-in for https://microsoft.com/devicelogin. There is no sign-in
form: a test approves a code with <code>POST /_sandbox/entra/approve</code>
<code>{"user_code": "...", "user": "dev1"}</code> (admin token required).</p>
"""


class TenantRoutes:
    def __init__(self, tenant_id: str, urls: TenantUrls, key: SigningKey,
                 device_flow: DeviceFlow, auth_codes: AuthorizationCodes,
                 token_endpoint: TokenEndpoint) -> None:
        self.tenant_id = tenant_id
        self.urls = urls
        self.key = key
        self.device_flow = device_flow
        self.auth_codes = auth_codes
        self.token_endpoint = token_endpoint

    def __call__(self, request: Request) -> Response:
        route = (request.method, *(part.lower() for part in request.segments[1:]))
        try:
            return self._route(route, request)
        except EntraError as exc:
            return error_response(exc, request.headers)

    def _route(self, route: tuple[str, ...], request: Request) -> Response:
        now = int(time.time())
        match route:
            case ("GET" | "HEAD", "v2.0", ".well-known", "openid-configuration"):
                return _json(openid_configuration(self.urls))
            case ("GET" | "HEAD", "discovery", "v2.0", "keys") | \
                 ("GET" | "HEAD", "discovery", "keys"):
                return _json({"keys": [self.key.jwk(self.urls.issuer)]})
            case ("POST", "oauth2", "v2.0", "devicecode"):
                form = form_fields(request)
                return _json(self.device_flow.start(form.get("client_id"), form.get("scope"),
                                                    now), no_store=True)
            case ("POST", "oauth2", "v2.0", "token"):
                answer = self.token_endpoint.grant(form_fields(request), request.headers, now)
                return _json(answer, no_store=True)
            case ("GET" | "HEAD", "devicelogin"):
                return Response(200, _DEVICE_LOGIN_PAGE.encode(),
                                [("Content-Type", "text/html; charset=utf-8")], kind="entra")
            case ("GET" | "HEAD", "oauth2", "v2.0", "authorize"):
                return self.auth_codes.sign_in_page(AuthorizeRequest(dict(request.query)))
            case ("POST", "oauth2", "v2.0", "authorize"):
                return self.auth_codes.submit(form_fields(request), now)
        raise EntraError("invalid_request", 900561, f"The endpoint only accepts the routes of "
                         f"an Entra tenant; {request.method} {request.path} is not one of them.",
                         404)
