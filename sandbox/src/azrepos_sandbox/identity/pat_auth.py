"""Who is calling: a pluggable list of authenticators, PAT scopes, and the 401 challenge.

An authenticator takes the request headers and returns a Principal or None. The PAT one is
here; the Entra access-token one is in ``bearer_auth``.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from azrepos_sandbox.constants import FULL_ACCESS_SCOPE
from azrepos_sandbox.http_types import HeaderLookup, Response, tf_error
from azrepos_sandbox.identity.pats import hash_pat
from azrepos_sandbox.store import Store, User, utc_now


@dataclass(frozen=True)
class Principal:
    user: User
    scopes: frozenset[str]
    method: str  # "pat" or "bearer"
    is_app: bool = False  # a service principal or managed identity, not a person

    def has_scope(self, scope: str) -> bool:
        if FULL_ACCESS_SCOPE in self.scopes or scope in self.scopes:
            return True
        return any(scope in _IMPLIED.get(held, ()) for held in self.scopes)


Authenticator = Callable[[HeaderLookup], Principal | None]

# Global (all-organizations) PATs stopped working on this day (the facts file).
GLOBAL_PATS_END = datetime(2026, 12, 1, tzinfo=UTC)


class CredentialRefused(Exception):
    """A credential the service knows but no longer accepts, with the reason it gives."""

# Broader scopes include narrower ones, as in Azure DevOps.
_IMPLIED: dict[str, tuple[str, ...]] = {
    "vso.code_write": ("vso.code",),
    "vso.code_manage": ("vso.code", "vso.code_write"),
    "vso.code_full": ("vso.code", "vso.code_write", "vso.code_manage"),
}


def basic_password(headers: HeaderLookup) -> str | None:
    """The password of a Basic Authorization header (any user name), else None."""
    value = headers.get("Authorization")
    if not value:
        return None
    scheme, _, encoded = value.strip().partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    _, colon, password = decoded.partition(":")
    return password if colon and password else None


def pat_authenticator(store: Store) -> Authenticator:
    def authenticate(headers: HeaderLookup) -> Principal | None:
        pat = basic_password(headers)
        if pat is None:
            return None
        record = store.pat(hash_pat(pat))
        if record is None or not record.is_valid():
            return None
        if record.all_orgs and utc_now() >= GLOBAL_PATS_END:
            # Sandbox wording: the service's own text for this refusal is not documented.
            raise CredentialRefused(
                "Global personal access tokens are no longer supported: this PAT was made "
                "for all accessible organizations; use a PAT made for one organization.")
        user = store.user_by_id(record.user_id)
        if user is None:
            return None
        return Principal(user, frozenset(record.scopes), "pat")

    return authenticate


def authenticate(authenticators: Iterable[Authenticator],
                 headers: HeaderLookup) -> Principal | None:
    for authenticator in authenticators:
        principal = authenticator(headers)
        if principal is not None:
            return principal
    return None


def unauthorized(base_url: str, tenant_id: str, reason: str = "") -> Response:
    """401 with the challenges Azure DevOps sends; GCM reads the tenant from these."""
    response = tf_error(
        401,
        reason or "TF400813: Resource not available for anonymous access. "
        "Client authentication required.",
        "UnauthorizedRequestException",
        headers=[
            ("WWW-Authenticate", f"Bearer authorization_uri={base_url}/{tenant_id}"),
            ("WWW-Authenticate", f'Basic realm="{base_url}/"'),
            ("WWW-Authenticate", "TFS-Federated"),
            ("X-VSS-ResourceTenant", tenant_id),
        ],
    )
    return response


def missing_scope(scope: str, url: str) -> Response:
    return tf_error(
        403,
        f"VS30063: You are not authorized to access {url}. The personal access token "
        f"does not have the required scope '{scope}'.",
        "UnauthorizedRequestException",
    )
