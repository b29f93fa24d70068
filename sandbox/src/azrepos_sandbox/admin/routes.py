"""Test-only admin routes under ``/_sandbox``, guarded by the ``X-Sandbox-Admin`` token."""

from __future__ import annotations

import hmac
import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from azrepos_sandbox.admin.faults import Fault, Faults, FaultSpecError
from azrepos_sandbox.admin.request_log import RequestLog
from azrepos_sandbox.constants import FULL_ACCESS_SCOPE, KNOWN_USERS
from azrepos_sandbox.http_types import Request, Response, json_response
from azrepos_sandbox.identity.pats import hash_pat
from azrepos_sandbox.seed import ensure_user, issue_pat
from azrepos_sandbox.session_tokens.api import token_json
from azrepos_sandbox.store import Org, Store, utc_now

ADMIN_HEADER = "X-Sandbox-Admin"
# Routes a companion (e.g. the Entra stand-in) serves under /_sandbox/{name}/...:
# called with (method, the segments after {name}, the JSON body).
AdminExtension = Callable[[str, tuple[str, ...], dict[str, Any]], Response]


def admin_error(status: int, message: str) -> Response:
    response = json_response(status, {"message": message})
    response.kind = "admin"
    return response


def admin_ok(payload: Any, status: int = 200) -> Response:
    response = json_response(status, payload)
    response.kind = "admin"
    return response


class AdminRoutes:
    def __init__(self, store: Store, org: Org, faults: Faults, request_log: RequestLog,
                 admin_token: str, extensions: dict[str, AdminExtension] | None = None) -> None:
        self._store = store
        self._extensions = extensions or {}
        self._org = org
        self._faults = faults
        self._requests = request_log
        self._token = admin_token

    def __call__(self, request: Request) -> Response:
        given = request.headers.get(ADMIN_HEADER) or ""
        if not hmac.compare_digest(given.encode(), self._token.encode()):
            return admin_error(403, f"admin routes need the {ADMIN_HEADER} header from "
                               "sandbox.json's admin_token")
        try:
            body = request.json()
        except (UnicodeDecodeError, json.JSONDecodeError):
            return admin_error(400, "the body is not JSON")
        body = body if isinstance(body, dict) else {}
        route = (request.method, *request.segments[1:])
        try:
            return self._route(route, body)
        except (KeyError, TypeError, ValueError) as exc:
            return admin_error(400, f"bad admin request: {exc}")

    def _route(self, route: tuple[str, ...], body: dict[str, Any]) -> Response:
        if len(route) >= 2 and route[1] in self._extensions:
            return self._extensions[route[1]](route[0], route[2:], body)
        match route:
            case ("POST", "faults"):
                try:
                    self._faults.add(Fault.from_json(body))
                except FaultSpecError as exc:
                    return admin_error(400, str(exc))
                return admin_ok({"pending": self._faults.pending()}, 201)
            case ("GET", "faults"):
                return admin_ok({"pending": self._faults.pending()})
            case ("DELETE", "faults"):
                self._faults.clear()
                return admin_ok({"pending": []})
            case ("POST", "policies"):
                if not isinstance(body.get("sshAuthentication"), bool):
                    return admin_error(400, "give sshAuthentication: true or false")
                self._store.set_ssh_allowed(self._org.id, body["sshAuthentication"])
                return admin_ok({"sshAuthentication": body["sshAuthentication"]})
            case ("POST", "pats"):
                return self._new_pat(body)
            case ("POST", "pats", "revoke"):
                found = self._store.revoke_pat(hash_pat(str(body["pat"])))
                return admin_ok({"revoked": found}, 200 if found else 404)
            case ("POST", "keys", authorization_id, "expire"):
                return self._expire(authorization_id)
            case ("GET", "keys"):
                return admin_ok(self._keys())
            case ("GET", "requests"):
                entries = self._requests.entries()
                return admin_ok({"count": len(entries), "value": entries})
            case ("DELETE", "requests"):
                self._requests.clear()
                return admin_ok({"count": 0, "value": []})
        return admin_error(404, "unknown admin route")

    def _new_pat(self, body: dict[str, Any]) -> Response:
        handle = str(body.get("user") or "dev1")
        if handle not in KNOWN_USERS:
            return admin_error(400, f"user must be one of {sorted(KNOWN_USERS)}")
        scopes = body.get("scopes") or [FULL_ACCESS_SCOPE]
        if not isinstance(scopes, list) or not all(isinstance(s, str) for s in scopes):
            return admin_error(400, "scopes must be a list of strings")
        user = ensure_user(self._store, handle, self._org.tenant_id)
        all_orgs = bool(body.get("global", False))  # as made before global PATs ended
        pat = issue_pat(self._store, user, scopes, float(body.get("valid_days", 30)),
                        all_orgs=all_orgs)
        return admin_ok({"pat": pat, "userId": user.id, "scopes": scopes, "global": all_orgs},
                        201)

    def _expire(self, authorization_id: str) -> Response:
        key = self._store.key(authorization_id)
        if key is None:
            return admin_error(404, f"no key {authorization_id}")
        past = utc_now().replace(microsecond=0) - timedelta(minutes=1)
        updated = self._store.update_key(key.authorization_id, valid_to=past)
        assert updated is not None  # it was there a moment ago
        return admin_ok(token_json(updated))

    def _keys(self) -> dict[str, Any]:
        value = []
        for key in self._store.all_keys():
            entry = token_json(key)
            entry["fingerprint"] = key.fingerprint
            value.append(entry)
        return {"count": len(value), "value": value}
