"""A managed identity endpoint shaped like App Service's (``IDENTITY_ENDPOINT``).

``GET /msi/token?api-version=2019-08-01&resource=...[&client_id=|object_id=|mi_res_id=]`` with
``X-IDENTITY-HEADER: {IDENTITY_HEADER}``. Without a selector it answers for the
system-assigned identity. Errors carry ``statusCode`` and ``message``, which MSAL reports.
"""

from __future__ import annotations

import hmac
import time
from typing import Any

from azrepos_sandbox.entra.records import App
from azrepos_sandbox.entra.scopes import KNOWN_RESOURCES
from azrepos_sandbox.entra.tokens import CERTIFICATE, TokenMinter
from azrepos_sandbox.http_types import Request, Response, json_response

API_VERSION = "2019-08-01"


def _answer(status: int, payload: dict[str, Any]) -> Response:
    response = json_response(status, payload)
    response.kind = "entra"
    return response


def _error(status: int, message: str) -> Response:
    return _answer(status, {"statusCode": status, "message": message})


class ManagedIdentityEndpoint:
    def __init__(self, minter: TokenMinter, identity_header: str, system_assigned: App,
                 user_assigned: list[App]) -> None:
        self.minter = minter
        self.identity_header = identity_header
        self.system_assigned = system_assigned
        self.user_assigned = user_assigned

    def __call__(self, request: Request) -> Response:
        if request.method != "GET" or [s.lower() for s in request.segments] != ["msi", "token"]:
            return _error(404, "Not found.")
        given = request.headers.get("X-IDENTITY-HEADER") or ""
        if not hmac.compare_digest(given.encode(), self.identity_header.encode()):
            return _error(401, "The X-IDENTITY-HEADER header is missing or wrong.")
        if request.query.get("api-version") != API_VERSION:
            return _error(400, f"The api-version must be {API_VERSION}.")
        resource = request.query.get("resource", "")
        if resource.lower() not in KNOWN_RESOURCES:
            return _error(400, f"AADSTS500011: The resource principal named {resource} was not "
                               f"found in the tenant named {self.minter.tenant_id}.")
        identity = self._identity(request.query)
        if identity is None:
            return _error(400, "No managed identity with the given client_id, object_id or "
                               "mi_res_id is assigned to this resource.")
        now = int(time.time())
        issued = self.minter.app_access_token(identity, resource.lower(), CERTIFICATE, now)
        return _answer(200, {
            "access_token": issued.token,
            "expires_on": str(now + issued.lifetime),
            "resource": resource,
            "token_type": "Bearer",
            "client_id": identity.client_id,
        })

    def _identity(self, query: dict[str, str]) -> App | None:
        selectors = [(name, query[name]) for name in ("client_id", "object_id", "mi_res_id")
                     if query.get(name)]
        if not selectors:
            return self.system_assigned
        if len(selectors) > 1:
            return None
        name, value = selectors[0]
        for app in self.user_assigned:
            own = {"client_id": app.client_id, "object_id": app.object_id,
                   "mi_res_id": app.resource_id or ""}[name]
            if own.lower() == value.lower():
                return app
        return None
