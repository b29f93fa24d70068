"""Confidential client authentication at the token endpoint: a secret, or a certificate.

A secret comes in the body (``client_secret``, MSAL's way) or as HTTP Basic. A certificate is
proven with a JWT assertion (RFC 7523) signed by its key and naming it in ``x5t`` (SHA-1,
RS256) or ``x5t#S256`` (SHA-256, PS256): the signature, ``aud`` (the token endpoint),
``iss`` = ``sub`` = the client id and the time window are all checked.
"""

from __future__ import annotations

import base64
import binascii
import hmac
from dataclasses import dataclass
from urllib.parse import unquote_plus

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa

from azrepos_sandbox.entra import jws
from azrepos_sandbox.entra.certs import sha1_thumbprint, sha256_thumbprint
from azrepos_sandbox.entra.errors import EntraError, missing_parameter
from azrepos_sandbox.entra.records import PUBLIC, App, EntraRecords, token_hash
from azrepos_sandbox.entra.tokens import CERTIFICATE, SECRET
from azrepos_sandbox.http_types import HeaderLookup

JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
_SKEW = 300  # Entra tolerates five minutes of clock skew on client assertions


@dataclass(frozen=True)
class ClientCredentials:
    client_id: str | None
    secret: str | None
    assertion_type: str | None
    assertion: str | None


def read_credentials(form: dict[str, str], headers: HeaderLookup) -> ClientCredentials:
    client_id, secret = form.get("client_id"), form.get("client_secret")
    scheme, _, encoded = (headers.get("Authorization") or "").partition(" ")
    if scheme.lower() == "basic" and encoded:
        try:
            user, _, password = base64.b64decode(encoded, validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            raise EntraError("invalid_client", 50027, "The Authorization header is not valid "
                             "HTTP Basic.", 401) from None
        # RFC 6749 2.3.1: both halves are form-urlencoded before going into Basic.
        client_id, secret = client_id or unquote_plus(user), secret or unquote_plus(password)
    return ClientCredentials(client_id, secret, form.get("client_assertion_type"),
                             form.get("client_assertion"))


def _not_found(client_id: str, tenant_id: str) -> EntraError:
    return EntraError("unauthorized_client", 700016,
                      f"Application with identifier '{client_id}' was not found in the "
                      f"directory '{tenant_id}'. This can happen if the application has not "
                      "been installed by the administrator of the tenant or consented to by "
                      "any user in the tenant. You may have sent your authentication request "
                      "to the wrong tenant.")


def authenticate_client(records: EntraRecords, credentials: ClientCredentials,
                        token_endpoint: str, tenant_id: str, now: int) -> tuple[App, str]:
    """The app and its ``appidacr`` (1 secret, 2 certificate); raises EntraError."""
    if not credentials.client_id:
        raise missing_parameter("client_id")
    app = records.app(credentials.client_id)
    if app is None:
        raise _not_found(credentials.client_id, tenant_id)
    has_assertion = bool(credentials.assertion_type or credentials.assertion)
    if app.kind == PUBLIC and (credentials.secret or has_assertion):
        raise EntraError("invalid_client", 700025, "Client is public so neither "
                         "'client_assertion' nor 'client_secret' should be presented.", 401)
    if has_assertion:
        _check_assertion(app, credentials, token_endpoint, now)
        return app, CERTIFICATE
    if credentials.secret:
        expected = app.secret_hash or ""
        if not hmac.compare_digest(token_hash(credentials.secret), expected):
            raise EntraError("invalid_client", 7000215,
                             "Invalid client secret provided. Ensure the secret being sent in "
                             "the request is the client secret value, not the client secret "
                             f"ID, for a secret added to app '{app.client_id}'.", 401)
        return app, SECRET
    raise EntraError("invalid_client", 7000218, "The request body must contain the following "
                     "parameter: 'client_assertion' or 'client_secret'.", 401)


def _assertion_error(code: int, message: str) -> EntraError:
    return EntraError("invalid_client", code, message, 401)


def _check_assertion(app: App, credentials: ClientCredentials, token_endpoint: str,
                     now: int) -> None:
    if credentials.assertion_type != JWT_BEARER:
        raise EntraError("invalid_request", 70002, "The client_assertion_type must be "
                         f"'{JWT_BEARER}'.")
    if not credentials.assertion:
        raise missing_parameter("client_assertion")
    try:
        parsed = jws.parse(credentials.assertion)
    except jws.JwsError:
        raise _assertion_error(50027, "JWT token is invalid or malformed.") from None
    cert = x509.load_pem_x509_certificate(app.cert_pem.encode()) if app.cert_pem else None
    public_key = cert.public_key() if cert is not None else None
    named = _thumbprint_named(parsed.header)
    if cert is None or named not in (sha1_thumbprint(cert), sha256_thumbprint(cert)):
        raise _assertion_error(700027, "The certificate with identifier used to sign the "
                               "client assertion is not registered on application. [Reason - "
                               "The key was not found., Thumbprint of key used by client: "
                               f"'{(named or '').upper()}']")
    if not isinstance(public_key, rsa.RSAPublicKey) or not jws.verify(parsed, public_key):
        raise _assertion_error(700027, "Client assertion failed signature validation. "
                               "[Reason - The provided signature value did not match the "
                               "expected signature value.]")
    claims = parsed.claims
    if claims.get("aud") != token_endpoint:
        raise _assertion_error(700023, f"Client assertion audience claim does not match "
                               f"Realm issuer. Expected '{token_endpoint}'.")
    if claims.get("iss") != app.client_id or claims.get("sub") != app.client_id:
        raise _assertion_error(700021, "Client assertion application identifier doesn't match "
                               "'client_id' parameter. Review the documentation at "
                               "https://learn.microsoft.com/entra/identity-platform/"
                               "certificate-credentials .")
    expires, not_before = claims.get("exp"), claims.get("nbf", now)
    if not isinstance(expires, int | float) or not isinstance(not_before, int | float) \
            or expires + _SKEW <= now or not_before - _SKEW > now:
        raise _assertion_error(700024, f"Client assertion is not within its valid time range. "
                               f"Current time: {now}, expiry time of assertion {expires}.")


def _thumbprint_named(header: dict[str, object]) -> str | None:
    """The hex thumbprint from ``x5t#S256`` or ``x5t``, lower case."""
    for name in ("x5t#S256", "x5t"):
        value = header.get(name)
        if isinstance(value, str):
            try:
                # MSAL pads x5t with "=" (urlsafe_b64encode); Entra accepts it either way.
                return jws.b64url_decode(value.rstrip("=")).hex()
            except jws.JwsError:
                return None
    return None
