"""Compact JWS (RFC 7515) signed with RSA: RS256 to issue, RS256 or PS256 to verify.

This is all the JWT handling the stand-in needs; it keeps the sandbox on ``cryptography``
alone instead of depending on PyJWT, which only arrives as MSAL's dependency.
"""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

_B64URL = re.compile(r"^[A-Za-z0-9_-]*$")


class JwsError(ValueError):
    """Not a well-formed compact JWS."""


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    # b64decode silently skips foreign characters; a token must not be that forgiving.
    if not _B64URL.match(text) or len(text) % 4 == 1:
        raise JwsError("not base64url")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _compact_json(value: dict[str, Any]) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode()


def _json_object(part: str) -> dict[str, Any]:
    try:
        value = json.loads(b64url_decode(part))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise JwsError("a JWS part is not JSON") from None
    if not isinstance(value, dict):
        raise JwsError("a JWS part is not a JSON object")
    return value


@dataclass(frozen=True)
class ParsedJws:
    header: dict[str, Any]
    claims: dict[str, Any]
    signing_input: bytes
    signature: bytes


def parse(token: str) -> ParsedJws:
    """Split and decode a compact JWS; says nothing about whether it is genuine."""
    parts = token.strip().split(".")
    if len(parts) != 3 or not all(parts):
        raise JwsError("a JWS has three non-empty parts")
    header, claims = _json_object(parts[0]), _json_object(parts[1])
    return ParsedJws(header, claims, f"{parts[0]}.{parts[1]}".encode("ascii"),
                     b64url_decode(parts[2]))


def looks_like_jwt(value: str) -> bool:
    # A JSON object's header always base64url-encodes to "eyJ"; PATs never start that way.
    return value.startswith("eyJ") and value.count(".") == 2


def sign_rs256(claims: dict[str, Any], key: rsa.RSAPrivateKey,
               header: dict[str, Any] | None = None) -> str:
    head = {"typ": "JWT", "alg": "RS256", **(header or {})}
    signing_input = f"{b64url(_compact_json(head))}.{b64url(_compact_json(claims))}"
    signature = key.sign(signing_input.encode("ascii"), padding.PKCS1v15(), hashes.SHA256())
    return f"{signing_input}.{b64url(signature)}"


def verify(parsed: ParsedJws, key: rsa.RSAPublicKey) -> bool:
    """True if ``key`` made the signature, with the algorithm the header names."""
    algorithm = parsed.header.get("alg")
    if algorithm == "RS256":
        scheme: padding.AsymmetricPadding = padding.PKCS1v15()
    elif algorithm == "PS256":
        # RFC 7518 3.5: the salt is as long as the hash.
        scheme = padding.PSS(mgf=padding.MGF1(hashes.SHA256()),
                             salt_length=hashes.SHA256.digest_size)
    else:
        return False  # "none" and HMAC algorithms are never acceptable here
    try:
        key.verify(parsed.signature, parsed.signing_input, scheme, hashes.SHA256())
    except InvalidSignature:
        return False
    return True
