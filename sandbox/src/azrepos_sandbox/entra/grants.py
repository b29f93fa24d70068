"""``POST /{tenant}/oauth2/v2.0/token``: the authorization code, device code, refresh token and
client credentials grants, answered with Entra's token response.

User grants return ``refresh_token`` when ``offline_access`` was asked for, ``id_token`` for
``openid``, and ``client_info`` when the client sends ``client_info=1`` (MSAL always does).
Refresh tokens rotate, and the old one stays valid until it expires or is revoked, as in Entra.
"""

from __future__ import annotations

import secrets
from typing import Any

from azrepos_sandbox.entra.auth_code import AuthorizationCodes
from azrepos_sandbox.entra.client_auth import authenticate_client, read_credentials
from azrepos_sandbox.entra.device_flow import DeviceFlow
from azrepos_sandbox.entra.errors import EntraError, missing_parameter, unknown_user
from azrepos_sandbox.entra.records import PUBLIC, EntraRecords, RefreshToken, token_hash
from azrepos_sandbox.entra.scopes import UserScope, parse_app_scope, parse_user_scope
from azrepos_sandbox.entra.settings import EntraSettings
from azrepos_sandbox.entra.tokens import TokenMinter, client_info
from azrepos_sandbox.http_types import HeaderLookup
from azrepos_sandbox.store import Store, User

DEVICE_CODE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"


def _require(form: dict[str, str], name: str) -> str:
    value = form.get(name)
    if not value:
        raise missing_parameter(name)
    return value


class TokenEndpoint:
    def __init__(self, store: Store, records: EntraRecords, minter: TokenMinter,
                 device_flow: DeviceFlow, auth_codes: AuthorizationCodes,
                 settings: EntraSettings, url: str) -> None:
        self.store = store
        self.records = records
        self.minter = minter
        self.device_flow = device_flow
        self.auth_codes = auth_codes
        self.settings = settings
        self.url = url

    @property
    def tenant_id(self) -> str:
        return self.minter.tenant_id

    def grant(self, form: dict[str, str], headers: HeaderLookup, now: int) -> dict[str, Any]:
        grant_type = _require(form, "grant_type")
        if grant_type == DEVICE_CODE_GRANT:
            return self._device_code(form, now)
        if grant_type == "authorization_code":
            client_id = self._public_client(form)
            code, user = self.auth_codes.redeem(form, client_id, now)
            scope = parse_user_scope(code.scope, self.tenant_id)
            return self._user_tokens(user, client_id, scope, form, now, nonce=code.nonce)
        if grant_type == "refresh_token":
            return self._refresh(form, now)
        if grant_type == "client_credentials":
            return self._client_credentials(form, headers, now)
        raise EntraError("unsupported_grant_type", 70003, f"The app requested an unsupported "
                         f"grant type '{grant_type}'. The sandbox supports device_code, "
                         "authorization_code, refresh_token and client_credentials.")

    def _public_client(self, form: dict[str, str]) -> str:
        client_id = _require(form, "client_id")
        app = self.records.app(client_id)
        if app is None or app.kind != PUBLIC:
            raise EntraError("unauthorized_client", 700016,
                             f"Application with identifier '{client_id}' was not found in the "
                             f"directory '{self.tenant_id}' as a public client.")
        return client_id

    def _device_code(self, form: dict[str, str], now: int) -> dict[str, Any]:
        client_id = self._public_client(form)
        record = self.device_flow.poll(_require(form, "device_code"), client_id, now)
        user = self.store.user_by_id(record.user_id or "")
        if user is None:
            raise unknown_user(self.tenant_id)
        scope = parse_user_scope(record.scope, self.tenant_id)
        return self._user_tokens(user, client_id, scope, form, now)

    def _refresh(self, form: dict[str, str], now: int) -> dict[str, Any]:
        client_id = self._public_client(form)
        presented = _require(form, "refresh_token")
        record = self.records.refresh_token(token_hash(presented))
        if record is None or record.client_id != client_id:
            raise EntraError("invalid_grant", 9002313, "Invalid request. Request is malformed "
                             "or invalid.")
        if record.revoked:
            raise EntraError("invalid_grant", 50173, "The provided grant has expired due to it "
                             "being revoked, a fresh auth token is needed. The user might have "
                             "changed or reset their password.")
        if record.expires_at <= now:
            raise EntraError("invalid_grant", 700082, "The refresh token has expired due to "
                             "inactivity. The token was issued on "
                             f"{record.issued_at} and was inactive for a long time.")
        user = self.store.user_by_id(record.user_id)
        if user is None:
            raise unknown_user(self.tenant_id)
        # Without a scope the refresh covers what was granted (RFC 6749 section 6).
        scope = parse_user_scope(form.get("scope") or record.scope, self.tenant_id)
        return self._user_tokens(user, client_id, scope, form, now)

    def _user_tokens(self, user: User, client_id: str, scope: UserScope,
                     form: dict[str, str], now: int, nonce: str | None = None
                     ) -> dict[str, Any]:
        access = self.minter.user_access_token(user, client_id, scope.resource, now)
        answer: dict[str, Any] = {
            "token_type": "Bearer",
            "scope": scope.response_scope,
            "expires_in": access.lifetime,
            "ext_expires_in": access.lifetime,
            "access_token": access.token,
        }
        if "offline_access" in scope.oidc:
            answer["refresh_token"] = self._new_refresh_token(user, client_id, scope, now)
        if "openid" in scope.oidc:
            answer["id_token"] = self.minter.id_token(user, client_id, now, nonce)
        if form.get("client_info") == "1":
            answer["client_info"] = client_info(user.id, self.tenant_id)
        return answer

    def _new_refresh_token(self, user: User, client_id: str, scope: UserScope,
                           now: int) -> str:
        # Entra's refresh tokens are opaque; "1." mimics their version prefix.
        token = "1." + secrets.token_urlsafe(96)
        self.records.add_refresh_token(RefreshToken(
            token_hash(token), user.id, client_id, scope.granted, now,
            now + self.settings.refresh_token_lifetime, revoked=False))
        return token

    def _client_credentials(self, form: dict[str, str], headers: HeaderLookup,
                            now: int) -> dict[str, Any]:
        app, appidacr = authenticate_client(self.records, read_credentials(form, headers),
                                            self.url, self.tenant_id, now)
        resource = parse_app_scope(form.get("scope"), self.tenant_id)
        access = self.minter.app_access_token(app, resource, appidacr, now)
        # Entra's client credentials answer has no scope, refresh token or id token.
        return {"token_type": "Bearer", "expires_in": access.lifetime,
                "ext_expires_in": access.lifetime, "access_token": access.token}
