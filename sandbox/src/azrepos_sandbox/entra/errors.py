"""Entra's error answers: ``error``, an ``error_description`` led by its AADSTS code, and ids.

Codes are Entra's real ones where known (70016 pending, 70020 expired device code, 50173 revoked
grant, 700082 expired refresh token, 7000215 bad secret, 700016 unknown app, 900144 missing
parameter, 500011 unknown resource); a few are the closest documented code. Clients should key
off ``error``, as MSAL does.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from azrepos_sandbox.http_types import HeaderLookup, Response, json_response

# Token answers must never be cached by a proxy or the client.
NO_STORE = [("Cache-Control", "no-store, no-cache"), ("Pragma", "no-cache")]


class EntraError(Exception):
    """An OAuth error the token or device code endpoint answers with."""

    def __init__(self, error: str, code: int, message: str, status: int = 400) -> None:
        super().__init__(f"AADSTS{code}: {message}")
        self.error = error
        self.code = code
        self.message = message
        self.status = status


def missing_parameter(name: str) -> EntraError:
    return EntraError("invalid_request", 900144,
                      f"The request body must contain the following parameter: '{name}'.")


def already_redeemed() -> EntraError:
    return EntraError("invalid_grant", 54005, "OAuth2 Authorization code was already redeemed, "
                      "please retry with a new valid code or use an existing refresh token.")


def unknown_user(tenant_id: str) -> EntraError:
    return EntraError("invalid_grant", 50034, "The user account does not exist in the "
                      f"{tenant_id} directory.")


def error_response(exc: EntraError, headers: HeaderLookup) -> Response:
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%SZ")
    trace_id = str(uuid.uuid4())
    # Entra echoes the caller's client-request-id (MSAL sends one) as the correlation id.
    correlation_id = headers.get("client-request-id") or str(uuid.uuid4())
    description = (f"AADSTS{exc.code}: {exc.message}\r\nTrace ID: {trace_id}\r\n"
                   f"Correlation ID: {correlation_id}\r\nTimestamp: {now}")
    payload = {
        "error": exc.error,
        "error_description": description,
        "error_codes": [exc.code],
        "timestamp": now,
        "trace_id": trace_id,
        "correlation_id": correlation_id,
    }
    response = json_response(exc.status, payload, NO_STORE)
    response.kind = "entra"
    return response
