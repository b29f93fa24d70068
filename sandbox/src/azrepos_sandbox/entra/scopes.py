"""Requested scopes: which resource a token is for, and which OIDC extras come with it.

The stand-in knows one resource, Azure DevOps. Entra v2 answers a ``{resource}/.default``
request with the consented scope and ``.default`` both, which is what MSAL then caches.
"""

from __future__ import annotations

from dataclasses import dataclass

from azrepos_sandbox.constants import ADO_RESOURCE
from azrepos_sandbox.entra.errors import EntraError, missing_parameter

OIDC_SCOPES = frozenset({"openid", "profile", "offline_access", "email"})
USER_SCOPE = "user_impersonation"
KNOWN_RESOURCES = frozenset({ADO_RESOURCE})


@dataclass(frozen=True)
class UserScope:
    resource: str
    oidc: frozenset[str]

    @property
    def response_scope(self) -> str:
        return f"{self.resource}/{USER_SCOPE} {self.resource}/.default"

    @property
    def granted(self) -> str:
        """What a code or refresh token carries, for a later refresh to cover."""
        return " ".join(sorted({*self.oidc, f"{self.resource}/.default"}))


def _split(scope: str) -> tuple[str, str]:
    resource, _, name = scope.rstrip("/").rpartition("/")
    return (resource, name) if resource else (scope, "")


def _resource(resource: str, tenant_id: str) -> str:
    if resource.lower() not in KNOWN_RESOURCES:
        raise EntraError("invalid_resource", 500011,
                         f"The resource principal named {resource} was not found in the "
                         f"tenant named {tenant_id}. This can happen if the application has "
                         "not been installed by the administrator of the tenant or consented "
                         "to by any user in the tenant. You might have sent your "
                         "authentication request to the wrong tenant.")
    return resource.lower()


def parse_user_scope(text: str | None, tenant_id: str) -> UserScope:
    if not text or not text.strip():
        raise missing_parameter("scope")
    words = text.split()
    oidc = frozenset(word for word in words if word in OIDC_SCOPES)
    resource_scopes = [word for word in words if word not in OIDC_SCOPES]
    resources = {_split(word)[0].lower() for word in resource_scopes}
    if len(resources) != 1:
        raise EntraError("invalid_scope", 70011,
                         f"The provided value for the input parameter 'scope' is not valid. "
                         f"The scope {text} asks for {len(resources)} resources; the sandbox "
                         "issues tokens for exactly one, Azure DevOps.")
    names = {_split(word)[1] for word in resource_scopes}
    if not names <= {".default", USER_SCOPE}:
        raise EntraError("invalid_scope", 70011,
                         f"The provided value for the input parameter 'scope' is not valid. "
                         f"The scope {text} is not valid.")
    return UserScope(_resource(resources.pop(), tenant_id), oidc)


def parse_app_scope(text: str | None, tenant_id: str) -> str:
    """The resource of a client credentials request, which must say ``{resource}/.default``."""
    if not text or not text.strip():
        raise missing_parameter("scope")
    words = text.split()
    if len(words) != 1 or _split(words[0])[1] != ".default":
        raise EntraError("invalid_scope", 1002012,
                         f"The provided value for scope {text} is not valid. Client credential "
                         "flows must have a scope value with /.default suffixed to the resource "
                         "identifier (application ID URI).")
    return _resource(_split(words[0])[0], tenant_id)
