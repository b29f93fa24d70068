"""The SessionTokens API: how Azure DevOps lists, adds, updates and revokes SSH public keys."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from azrepos_sandbox.api_version import check_api_version
from azrepos_sandbox.constants import KEY_SCOPE_DEFAULT, NULL_GUID
from azrepos_sandbox.http_types import Request, Response, json_response, tf_error
from azrepos_sandbox.identity.pat_auth import Principal, missing_scope
from azrepos_sandbox.session_tokens.ssh_key_rules import (
    ACCEPTED_TYPE,
    MIN_RSA_BITS,
    NotAKeyLine,
    read_key_line,
)
from azrepos_sandbox.store import SshKey, Store, new_guid, utc_now
from azrepos_sandbox.wire_time import from_wire, to_wire

REQUIRED_SCOPE = "vso.tokens"


class InvalidRequest(Exception):
    """A request body the API refuses with 400 (or the status given)."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def token_json(key: SshKey, include_public_data: bool = True) -> dict[str, Any]:
    return {
        "authorizationId": key.authorization_id,
        "displayName": key.display_name,
        "publicData": key.public_data if include_public_data else None,
        "scope": key.scope,
        "validFrom": to_wire(key.valid_from),
        "validTo": to_wire(key.valid_to),
        "targetAccounts": list(key.target_accounts),
        "isValid": key.is_valid(),
        "isPublic": True,
        "userId": key.user_id,
        "clientId": key.client_id,
    }


def _flag(request: Request, name: str) -> bool:
    return request.query.get(name.lower(), "").lower() == "true"


def _valid_to(value: Any) -> datetime:
    if not isinstance(value, str) or not value:
        raise InvalidRequest("TF1500001: validTo is required, as an ISO 8601 UTC time.")
    try:
        parsed = from_wire(value)
    except ValueError:
        raise InvalidRequest(f"TF1500002: validTo '{value}' is not an ISO 8601 time.") from None
    if parsed is None or parsed <= utc_now():
        raise InvalidRequest(f"TF1500003: validTo '{value}' must be in the future.")
    return parsed


def _public_key(value: Any) -> tuple[str, str]:
    """(normalised key line, SHA256 fingerprint) of an acceptable RSA key."""
    if not isinstance(value, str) or not value.strip():
        raise InvalidRequest("TF1500010: publicData is required: an OpenSSH public key line.")
    try:
        key = read_key_line(value)
    except NotAKeyLine:
        raise InvalidRequest("TF1500011: publicData is not a valid SSH public key. Expected "
                             "'ssh-rsa AAAA... comment'.") from None
    if key.algorithm != ACCEPTED_TYPE or key.rsa_bits is None:
        raise InvalidRequest(f"TF1500012: SSH key type '{key.algorithm}' is not supported. Only RSA "
                             f"keys are supported ({ACCEPTED_TYPE}, {MIN_RSA_BITS} bits or more).")
    if key.rsa_bits < MIN_RSA_BITS:
        raise InvalidRequest(f"TF1500013: The RSA key has {key.rsa_bits} bits. Only RSA keys of "
                             f"{MIN_RSA_BITS} bits or more are supported.")
    return key.normalised, key.fingerprint


def _text(body: dict[str, Any], name: str, default: str | None = None) -> str | None:
    value = body.get(name, default)
    if value is not None and not isinstance(value, str):
        raise InvalidRequest(f"TF1500020: {name} must be a string.")
    return value


def _accounts(body: dict[str, Any]) -> list[str] | None:
    value = body.get("targetAccounts")
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise InvalidRequest("TF1500021: targetAccounts must be a list of organization ids.")
    return [item.lower() for item in value]


def _create(store: Store, principal: Principal, body: dict[str, Any]) -> SshKey:
    display_name = _text(body, "displayName")
    if not display_name or not display_name.strip():
        raise InvalidRequest("TF1500030: displayName is required.")
    line, fingerprint = _public_key(body.get("publicData"))
    key = SshKey(
        authorization_id=new_guid(),
        user_id=principal.user.id,
        display_name=display_name.strip(),
        public_data=line,
        fingerprint=fingerprint,
        scope=_text(body, "scope") or KEY_SCOPE_DEFAULT,
        valid_from=utc_now().replace(microsecond=0),
        valid_to=_valid_to(body.get("validTo")),
        target_accounts=tuple(_accounts(body) or ()),
        client_id=NULL_GUID,
        revoked=False,
    )
    existing = store.add_key_unless_duplicate(key)
    if existing is not None:
        raise InvalidRequest(f"TF1500031: An SSH public key with fingerprint {fingerprint} is "
                             f"already registered. Each key can be registered only once.", 409)
    return key


def _update(store: Store, principal: Principal, body: dict[str, Any]) -> SshKey:
    authorization_id = str(body["authorizationId"])
    current = store.key(authorization_id)
    if current is None or current.revoked or current.user_id != principal.user.id:
        raise InvalidRequest(f"TF1500040: The session token {authorization_id} was not found.", 404)
    if body.get("publicData"):
        _, fingerprint = _public_key(body["publicData"])
        if fingerprint != current.fingerprint:
            raise InvalidRequest("TF1500041: publicData cannot be changed; add a new key instead.")
    display_name = _text(body, "displayName")
    if display_name is not None and not display_name.strip():
        raise InvalidRequest("TF1500030: displayName cannot be empty.")
    updated = store.update_key(
        current.authorization_id,
        display_name=display_name.strip() if display_name else None,
        valid_to=_valid_to(body["validTo"]) if body.get("validTo") is not None else None,
        scope=_text(body, "scope"),
        target_accounts=_accounts(body),
    )
    if updated is None:
        raise InvalidRequest(f"TF1500040: The session token {authorization_id} was not found.", 404)
    return updated


def handle(store: Store, principal: Principal, request: Request, rest: list[str],
           url: str) -> Response:
    """Serve ``/_apis/Token/SessionTokens[/{authorizationId}]``."""
    version_error = check_api_version(request, preview_resource=True)
    if version_error is not None:
        return version_error
    refused = refuse(principal, url)
    if refused is not None:
        return refused
    try:
        return _dispatch(store, principal, request, rest)
    except InvalidRequest as exc:
        return tf_error(exc.status, str(exc), "SessionTokenException")


def refuse(principal: Principal, url: str) -> Response | None:
    """Who may not touch SSH keys at all, through either endpoint."""
    if principal.is_app:
        # The controller's RestrictAadServicePrincipals: SSH keys are a person's own.
        return tf_error(403, "TF1500060: Service principals and managed identities are not "
                             "allowed to use the SessionTokens API "
                             "(RestrictAadServicePrincipals). SSH keys belong to a user: call "
                             "it with that user's own Entra token or PAT.",
                        "UnauthorizedRequestException")
    if not principal.has_scope(REQUIRED_SCOPE):
        return missing_scope(REQUIRED_SCOPE, url)
    return None


def json_body(request: Request) -> Any:
    try:
        return request.json()
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise InvalidRequest("TF1500051: The request body is not valid JSON.") from None


def add_or_update(store: Store, principal: Principal, body: dict[str, Any]) -> SshKey:
    return (_update(store, principal, body) if body.get("authorizationId")
            else _create(store, principal, body))


def _dispatch(store: Store, principal: Principal, request: Request,
              rest: list[str]) -> Response:
    is_public = _flag(request, "isPublic")
    if request.method == "GET" and not rest:
        # The sandbox holds only public tokens (SSH keys); other kinds list as empty.
        keys = store.keys_of(principal.user.id) if is_public else []
        include = _flag(request, "includePublicData")
        value = [token_json(key, include) for key in keys]
        return json_response(200, {"count": len(value), "value": value})
    if request.method == "GET" and len(rest) == 1:
        key = store.key(rest[0])
        if key is None or key.revoked or key.user_id != principal.user.id:
            raise InvalidRequest(f"TF1500040: The session token {rest[0]} was not found.", 404)
        return json_response(200, token_json(key, _flag(request, "includePublicData")))
    if request.method == "POST" and not rest:
        if not is_public:
            raise InvalidRequest("TF1500050: The sandbox only supports public session tokens "
                                 "(isPublic=true), which hold SSH keys.")
        body = json_body(request)
        if not isinstance(body, dict):
            raise InvalidRequest("TF1500052: The request body must be a SessionToken object.")
        return json_response(200, token_json(add_or_update(store, principal, body)))
    if request.method == "DELETE" and len(rest) == 1:
        key = store.key(rest[0])
        if key is None or key.revoked or key.user_id != principal.user.id:
            raise InvalidRequest(f"TF1500040: The session token {rest[0]} was not found.", 404)
        store.revoke_key(key.authorization_id)
        return Response(204)
    return tf_error(405, f"The requested resource does not support http method "
                         f"'{request.method}'.", "HttpMethodNotAllowedException")
