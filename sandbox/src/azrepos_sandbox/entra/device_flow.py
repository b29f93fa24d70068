"""The device authorization grant (RFC 8628) as Entra runs it.

``start`` answers ``/devicecode``; a test approves or declines the user code through the admin
route (the stand-in's "browser"); ``poll`` is the token endpoint's side of it.
"""

from __future__ import annotations

import secrets
from typing import Any

from azrepos_sandbox.entra.errors import EntraError, already_redeemed, missing_parameter
from azrepos_sandbox.entra.records import (
    APPROVED,
    DECLINED,
    PENDING,
    PUBLIC,
    REDEEMED,
    DeviceCode,
    EntraRecords,
    token_hash,
)
from azrepos_sandbox.entra.scopes import parse_user_scope
from azrepos_sandbox.entra.settings import EntraSettings
from azrepos_sandbox.store import User

INTERVAL = 1  # seconds between polls; Entra says 5, tests want speed
# Entra's user codes are nine upper-case letters and digits; these avoid look-alikes.
_USER_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def _user_code() -> str:
    return "".join(secrets.choice(_USER_CODE_ALPHABET) for _ in range(9))


class DeviceFlow:
    def __init__(self, records: EntraRecords, settings: EntraSettings, tenant_id: str,
                 verification_uri: str) -> None:
        self.records = records
        self.settings = settings
        self.tenant_id = tenant_id
        self.verification_uri = verification_uri

    def start(self, client_id: str | None, scope: str | None, now: int) -> dict[str, Any]:
        if not client_id:
            raise missing_parameter("client_id")
        app = self.records.app(client_id)
        if app is None:
            raise EntraError("unauthorized_client", 700016,
                             f"Application with identifier '{client_id}' was not found in the "
                             f"directory '{self.tenant_id}'.")
        if app.kind != PUBLIC:
            # A confidential app must prove itself; the device flow has no way to.
            raise EntraError("invalid_client", 7000218, "The request body must contain the "
                             "following parameter: 'client_assertion' or 'client_secret'.",
                             401)
        requested = parse_user_scope(scope, self.tenant_id)
        device_code = secrets.token_urlsafe(48)
        lifetime = self.settings.device_code_lifetime
        for _ in range(5):  # a user code collision is unlikely; retry rather than fail
            user_code = _user_code()
            if self.records.device_code_by_user_code(user_code) is None:
                break
        record = DeviceCode(token_hash(device_code), user_code, client_id,
                            requested.granted,
                            now + lifetime, PENDING, None)
        self.records.add_device_code(record, now)
        return {
            "user_code": user_code,
            "device_code": device_code,
            "verification_uri": self.verification_uri,
            "expires_in": lifetime,
            "interval": INTERVAL,
            "message": f"To sign in, use a web browser to open the page "
                       f"{self.verification_uri} and enter the code {user_code} to "
                       "authenticate.",
        }

    def poll(self, device_code: str, client_id: str | None, now: int) -> DeviceCode:
        """The approved code, now redeemed; otherwise the error the poller must see."""
        record = self.records.device_code(token_hash(device_code))
        if record is None or record.client_id != client_id:
            raise EntraError("invalid_grant", 70000, "The provided value for the input "
                             "parameter 'device_code' is not valid.")
        if record.state == REDEEMED:
            raise already_redeemed()
        if record.state == DECLINED:
            raise EntraError("authorization_declined", 65004, "User declined to consent to "
                             "access the app.")
        if record.expires_at <= now:
            raise EntraError("expired_token", 70020, "The provided value for the input "
                             "parameter 'device_code' is not valid. This device code has "
                             "expired.")
        if self.settings.block_device_code:
            # What an "authentication flows" Conditional Access policy answers the poller.
            raise EntraError("invalid_grant", 53003, "Access has been blocked by Conditional "
                             "Access policies. The access policy does not allow token issuance.")
        if record.state == PENDING:
            raise EntraError("authorization_pending", 70016, "OAuth 2.0 device flow error. "
                             "Authorization is pending. Continue polling.")
        if not self.records.redeem_device_code(record.code_hash):
            raise already_redeemed()
        return record

    def decide(self, user_code: str, user: User | None, now: int) -> bool:
        """Approve as ``user``, or decline when ``user`` is None; False if not pending."""
        state = APPROVED if user is not None else DECLINED
        return self.records.decide_device_code(user_code, state,
                                               user.id if user else None, now)

    def pending(self, now: int) -> list[dict[str, Any]]:
        return [{"user_code": code.user_code, "client_id": code.client_id, "scope": code.scope,
                 "expires_at": code.expires_at}
                for code in self.records.pending_device_codes(now)]
