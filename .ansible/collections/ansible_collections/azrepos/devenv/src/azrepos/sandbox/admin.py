"""Test-only admin routes under ``/_sandbox``, guarded by the ``X-Sandbox-Admin`` token."""

from __future__ import annotations

import hmac
import json
from datetime import timedelta
from typing import Any

from .constants import FULL_ACCESS_SCOPE, KNOWN_USERS
from .faults import Fault, Faults, FaultSpecError
from .http_types import Request, Response, json_response
from .pats import hash_pat
from .request_log import RequestLog
from .seed import ensure_user, issue_pat
from .session_tokens import token_json
from .store import Org, Store, utc_now

ADMIN_HEADER = "X-Sandbox-Admin"


def _error(status: int, message: str) -> Response:
    response = json_response(status, {"message": message})
    response.kind = "admin"
    return response


def _ok(payload: Any, status: int = 200) -> Response:
    response = json_response(status, payload)
    response.kind = "admin"
    return response


class AdminRoutes:
    def __init__(self, store: Store, org: Org, faults: Faults, request_log: RequestLog,
                 admin_token: str) -> None:
        self._store = store
        self._org = org
        self._faults = faults
        self._requests = request_log
        self._token = admin_token

    def __call__(self, request: Request) -> Response:
        given = request.headers.get(ADMIN_HEADER) or ""
        if not hmac.compare_digest(given.encode(), self._token.encode()):
            return _error(403, f"admin routes need the {ADMIN_HEADER} header from "
                               "sandbox.json's admin_token")
        try:
            body = request.json()
        except (UnicodeDecodeError, json.JSONDecodeError):
            return _error(400, "the body is not JSON")
        body = body if isinstance(body, dict) else {}
        route = (request.method, *request.segments[1:])
        try:
            return self._route(route, body)
        except (KeyError, TypeError, ValueError) as exc:
            return _error(400, f"bad admin request: {exc}")

    def _route(self, route: tuple[str, ...], body: dict[str, Any]) -> Response:
        match route:
            case ("POST", "faults"):
                try:
                    self._faults.add(Fault.from_json(body))
                except FaultSpecError as exc:
                    return _error(400, str(exc))
                return _ok({"pending": self._faults.pending()}, 201)
            case ("GET", "faults"):
                return _ok({"pending": self._faults.pending()})
            case ("DELETE", "faults"):
                self._faults.clear()
                return _ok({"pending": []})
            case ("POST", "pats"):
                return self._new_pat(body)
            case ("POST", "pats", "revoke"):
                found = self._store.revoke_pat(hash_pat(str(body["pat"])))
                return _ok({"revoked": found}, 200 if found else 404)
            case ("POST", "keys", authorization_id, "expire"):
                return self._expire(authorization_id)
            case ("GET", "keys"):
                return _ok(self._keys())
            case ("GET", "requests"):
                entries = self._requests.entries()
                return _ok({"count": len(entries), "value": entries})
            case ("DELETE", "requests"):
                self._requests.clear()
                return _ok({"count": 0, "value": []})
        return _error(404, "unknown admin route")

    def _new_pat(self, body: dict[str, Any]) -> Response:
        handle = str(body.get("user") or "dev1")
        if handle not in KNOWN_USERS:
            return _error(400, f"user must be one of {sorted(KNOWN_USERS)}")
        scopes = body.get("scopes") or [FULL_ACCESS_SCOPE]
        if not isinstance(scopes, list) or not all(isinstance(s, str) for s in scopes):
            return _error(400, "scopes must be a list of strings")
        user = ensure_user(self._store, handle, self._org.tenant_id)
        pat = issue_pat(self._store, user, scopes, float(body.get("valid_days", 30)))
        return _ok({"pat": pat, "userId": user.id, "scopes": scopes}, 201)

    def _expire(self, authorization_id: str) -> Response:
        key = self._store.key(authorization_id)
        if key is None:
            return _error(404, f"no key {authorization_id}")
        past = utc_now().replace(microsecond=0) - timedelta(minutes=1)
        updated = self._store.update_key(key.authorization_id, valid_to=past)
        assert updated is not None  # it was there a moment ago
        return _ok(token_json(updated))

    def _keys(self) -> dict[str, Any]:
        value = []
        for key in self._store.all_keys():
            entry = token_json(key)
            entry["fingerprint"] = key.fingerprint
            value.append(entry)
        return {"count": len(value), "value": value}
