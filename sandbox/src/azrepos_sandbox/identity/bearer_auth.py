"""Azure DevOps' side of Entra: access tokens sent as ``Bearer``, or as a Basic password.

Azure DevOps takes an Entra token either way (git, before 2.46, can only send Basic). The
token must carry the sandbox tenant's signature, ``aud`` = the Azure DevOps resource, the
tenant's v1 issuer and a current ``nbf``/``exp`` window, and name (``oid``) a known user or app.
Any failure is a plain 401 with the usual challenges; the reason goes to sandbox.log only.
"""

from __future__ import annotations

import logging
import time

from azrepos_sandbox.admin.request_log import LOGGER_NAME
from azrepos_sandbox.constants import ADO_RESOURCE, FULL_ACCESS_SCOPE
from azrepos_sandbox.entra import jws
from azrepos_sandbox.entra.records import EntraRecords
from azrepos_sandbox.entra.signing import SigningKey
from azrepos_sandbox.entra.tokens import sts_issuer
from azrepos_sandbox.http_types import HeaderLookup
from azrepos_sandbox.identity.pat_auth import Authenticator, Principal, basic_password
from azrepos_sandbox.store import Store

_log = logging.getLogger(LOGGER_NAME)


class InvalidToken(ValueError):
    """Why an access token was refused (logged, never sent)."""


def bearer_credential(headers: HeaderLookup) -> str | None:
    """The token of ``Authorization: Bearer``, or a JWT given as a Basic password."""
    scheme, _, rest = (headers.get("Authorization") or "").strip().partition(" ")
    if scheme.lower() == "bearer":
        return rest.strip() or None
    password = basic_password(headers)
    return password if password and jws.looks_like_jwt(password) else None


def verify_access_token(token: str, key: SigningKey, tenant_id: str,
                        now: float) -> dict[str, object]:
    try:
        parsed = jws.parse(token)
    except jws.JwsError as exc:
        raise InvalidToken(f"malformed: {exc}") from None
    if parsed.header.get("alg") != "RS256" or parsed.header.get("kid") != key.kid:
        raise InvalidToken("not signed with the tenant's key")
    if not jws.verify(parsed, key.public_key):
        raise InvalidToken("bad signature")
    claims = parsed.claims
    if str(claims.get("aud", "")).lower() != ADO_RESOURCE:
        raise InvalidToken(f"audience {claims.get('aud')!r} is not Azure DevOps")
    if claims.get("iss") != sts_issuer(tenant_id):
        raise InvalidToken(f"issuer {claims.get('iss')!r} is not the tenant's")
    expires, not_before = claims.get("exp"), claims.get("nbf")
    if not isinstance(expires, int) or not isinstance(not_before, int):
        raise InvalidToken("exp and nbf must be numbers")
    if now >= expires:
        raise InvalidToken(f"expired {int(now - expires)} s ago")
    if now < not_before:
        raise InvalidToken("not valid yet")
    return claims


def bearer_authenticator(store: Store, records: EntraRecords, key: SigningKey,
                         tenant_id: str) -> Authenticator:
    def authenticate(headers: HeaderLookup) -> Principal | None:
        token = bearer_credential(headers)
        if token is None:
            return None
        try:
            claims = verify_access_token(token, key, tenant_id, time.time())
        except InvalidToken as exc:
            _log.info("access token refused: %s", exc)
            return None
        object_id = str(claims.get("oid", ""))
        is_app = claims.get("idtyp") == "app"
        if is_app and records.app_by_object_id(object_id) is None:
            _log.info("access token refused: app %s is not registered", object_id)
            return None
        user = store.user_by_id(object_id)
        if user is None:
            _log.info("access token refused: no identity %s", object_id)
            return None
        # An Entra token carries the identity's full rights; PAT scopes do not apply.
        return Principal(user, frozenset({FULL_ACCESS_SCOPE}), "bearer", is_app=is_app)

    return authenticate
