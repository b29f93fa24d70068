"""The JWTs the stand-in issues, with the claims Entra puts in them.

Access tokens for Azure DevOps are v1 tokens (the resource does not ask for v2): issuer
``https://sts.windows.net/{tenant}/``, ``aud`` = the resource id, ``scp`` for users, and
``idtyp: app`` for service principals and managed identities. ID tokens are v2, issued by the
OIDC issuer, for the client.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass
from typing import Any

from azrepos_sandbox.entra.jws import b64url
from azrepos_sandbox.entra.records import App
from azrepos_sandbox.entra.scopes import USER_SCOPE
from azrepos_sandbox.entra.settings import EntraSettings
from azrepos_sandbox.entra.signing import SigningKey
from azrepos_sandbox.store import User

ID_TOKEN_LIFETIME = 3600
# appidacr: how the client proved itself. 0 public, 1 secret, 2 certificate (or platform).
PUBLIC_CLIENT, SECRET, CERTIFICATE = "0", "1", "2"


def sts_issuer(tenant_id: str) -> str:
    return f"https://sts.windows.net/{tenant_id}/"


def pairwise_subject(object_id: str, client_id: str) -> str:
    """Entra's ``sub`` for users differs per app; derive a stable one the same way."""
    digest = hashlib.sha256(f"{object_id}:{client_id}".encode()).digest()
    return b64url(digest)[:43]


def client_info(object_id: str, tenant_id: str) -> str:
    """What MSAL builds the account id ``{uid}.{utid}`` from."""
    return b64url(json.dumps({"uid": object_id, "utid": tenant_id}, separators=(",", ":")).encode())


def _unique_token_id() -> str:
    return b64url(secrets.token_bytes(16))


@dataclass(frozen=True)
class Issued:
    token: str
    lifetime: int


class TokenMinter:
    def __init__(self, key: SigningKey, tenant_id: str, oidc_issuer: str,
                 settings: EntraSettings) -> None:
        self.key = key
        self.tenant_id = tenant_id
        self.oidc_issuer = oidc_issuer
        self.settings = settings

    def _times(self, now: int, lifetime: int) -> dict[str, int]:
        return {"iat": now, "nbf": now, "exp": now + lifetime}

    def user_access_token(self, user: User, client_id: str, resource: str,
                          now: int) -> Issued:
        lifetime = self.settings.access_token_lifetime
        given, _, family = user.display_name.partition(" ")
        claims: dict[str, Any] = {
            "aud": resource,
            "iss": sts_issuer(self.tenant_id),
            **self._times(now, lifetime),
            "acr": "1",
            "amr": ["pwd"],
            "appid": client_id,
            "appidacr": PUBLIC_CLIENT,
            "family_name": family,
            "given_name": given,
            "ipaddr": "127.0.0.1",
            "name": user.display_name,
            "oid": user.id,
            "scp": USER_SCOPE,
            "sub": pairwise_subject(user.id, client_id),
            "tid": self.tenant_id,
            "unique_name": user.email,
            "upn": user.email,
            "uti": _unique_token_id(),
            "ver": "1.0",
        }
        return Issued(self.key.sign(claims), lifetime)

    def app_access_token(self, app: App, resource: str, appidacr: str, now: int) -> Issued:
        lifetime = self.settings.access_token_lifetime
        claims: dict[str, Any] = {
            "aud": resource,
            "iss": sts_issuer(self.tenant_id),
            **self._times(now, lifetime),
            "appid": app.client_id,
            "appidacr": appidacr,
            "idp": sts_issuer(self.tenant_id),
            "idtyp": "app",
            "oid": app.object_id,
            "sub": app.object_id,
            "tid": self.tenant_id,
            "uti": _unique_token_id(),
            "ver": "1.0",
        }
        if app.resource_id:
            claims["xms_mirid"] = app.resource_id  # managed identities name their resource
        return Issued(self.key.sign(claims), lifetime)

    def id_token(self, user: User, client_id: str, now: int, nonce: str | None = None) -> str:
        claims: dict[str, object] = {
            "aud": client_id,
            "iss": self.oidc_issuer,
            **self._times(now, ID_TOKEN_LIFETIME),
            "name": user.display_name,
            "oid": user.id,
            "preferred_username": user.email,
            "sub": pairwise_subject(user.id, client_id),
            "tid": self.tenant_id,
            "uti": _unique_token_id(),
            "ver": "2.0",
        }
        if nonce:  # echoed from the authorize request, for the client to check
            claims["nonce"] = nonce
        return self.key.sign(claims)
