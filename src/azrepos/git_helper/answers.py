"""What the helper prints to git, shared by the fast path and the full helper (light: hot path)."""

from __future__ import annotations

import sys

from . import protocol


def say(message: str) -> None:
    print(f"git-credential-azrepos: {message}", file=sys.stderr, flush=True)


def answer_token(attrs: protocol.Attributes, org_name: str, token: str, expires: int | None
                 ) -> list[tuple[str, str]]:
    if "authtype" in attrs.capabilities:  # git >= 2.46 understands a bearer credential
        pairs = [("capability[]", "authtype"), ("authtype", "Bearer"), ("credential", token)]
    else:  # Azure DevOps also takes the token as a Basic password
        pairs = [("username", attrs.get("username") or org_name), ("password", token)]
    return [*pairs, ("password_expiry_utc", str(expires))] if expires else pairs


def answer_pat(attrs: protocol.Attributes, org_name: str, pat: str,
               stored: dict[str, str] | None = None) -> list[tuple[str, str]]:
    """The PAT with the user name git stored with it (else the org name) and its expiry; no
    answer when git asks for another user than the one stored (one PAT per organization)."""
    stored = stored or {}
    if attrs.get("username") and stored.get("username") not in (None, attrs.get("username")):
        return []
    pairs = [("username", attrs.get("username") or stored.get("username") or org_name),
             ("password", pat)]
    expiry = stored.get("password_expiry_utc")
    return [*pairs, ("password_expiry_utc", expiry)] if expiry else pairs


def looks_like_jwt(value: str) -> bool:
    return value.startswith("eyJ") and value.count(".") == 2


