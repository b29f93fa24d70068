"""Test-only routes under ``/_sandbox/entra/``: the stand-in's "browser" and its knobs.

``POST approve`` ``{"user_code", "user"}`` signs a pending device code in as that user (or
``{"user_code", "decline": true}``), ``GET pending`` lists live user codes, ``POST revoke``
``{"user"}`` revokes the user's refresh tokens, ``GET|POST settings`` reads or changes the
token lifetimes and ``block_device_code`` (Conditional Access).
"""

from __future__ import annotations

import time
from typing import Any

from azrepos_sandbox.admin.routes import admin_error, admin_ok
from azrepos_sandbox.constants import KNOWN_USERS
from azrepos_sandbox.entra.device_flow import DeviceFlow
from azrepos_sandbox.entra.records import EntraRecords
from azrepos_sandbox.entra.settings import EntraSettings
from azrepos_sandbox.http_types import Response
from azrepos_sandbox.seed import ensure_user
from azrepos_sandbox.store import Store


def _handle(body: dict[str, Any]) -> str:
    handle = str(body.get("user") or "dev1")
    if handle not in KNOWN_USERS:
        raise ValueError(f"user must be one of {sorted(KNOWN_USERS)}")
    return handle


class EntraAdmin:
    def __init__(self, store: Store, records: EntraRecords, device_flow: DeviceFlow,
                 settings: EntraSettings, tenant_id: str) -> None:
        self.store = store
        self.records = records
        self.device_flow = device_flow
        self.settings = settings
        self.tenant_id = tenant_id

    def __call__(self, method: str, rest: tuple[str, ...], body: dict[str, Any]) -> Response:
        match (method, *rest):
            case ("GET", "settings"):
                return admin_ok(self.settings.as_json())
            case ("POST", "settings"):
                self.settings.update(body)
                return admin_ok(self.settings.as_json())
            case ("GET", "pending"):
                pending = self.device_flow.pending(int(time.time()))
                return admin_ok({"count": len(pending), "value": pending})
            case ("POST", "approve"):
                return self._approve(body)
            case ("POST", "revoke"):
                return self._revoke(body)
        return admin_error(404, "unknown admin route")

    def _approve(self, body: dict[str, Any]) -> Response:
        user_code = str(body["user_code"])
        code = self.records.device_code_by_user_code(user_code)
        if code is None:
            return admin_error(404, f"no device code with user code {user_code}")
        declined = bool(body.get("decline"))
        handle = _handle(body)
        user = None if declined else ensure_user(self.store, handle, self.tenant_id)
        if not self.device_flow.decide(code.user_code, user, int(time.time())):
            return admin_error(409, f"user code {code.user_code} is no longer pending "
                                    f"(it is {code.state}, or it expired)")
        return admin_ok({"user_code": code.user_code,
                         "state": "declined" if declined else "approved",
                         "user": None if declined else handle})

    def _revoke(self, body: dict[str, Any]) -> Response:
        handle = _handle(body)
        user = self.store.user_by_handle(handle)
        revoked = self.records.revoke_refresh_tokens(user.id) if user is not None else 0
        return admin_ok({"user": handle, "revoked": revoked})
