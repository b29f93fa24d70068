"""Credential sources that produce an Authorization header; their reprs never show secrets."""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass

from ..redaction import Secret


@dataclass(frozen=True)
class PatCredential:
    """A PAT, sent as Basic auth with an empty user name."""

    pat: Secret
    description: str  # where it came from, e.g. "PAT from AZURE_DEVOPS_EXT_PAT"

    def authorization(self) -> str:
        raw = base64.b64encode(f":{self.pat.reveal()}".encode()).decode()
        return f"Basic {raw}"

    def __repr__(self) -> str:
        return f"PatCredential({self.description})"


@dataclass(frozen=True)
class BearerCredential:
    """An Entra access token from a pluggable provider (MSAL sign-in, managed identity...)."""

    provider: Callable[[], Secret]
    description: str

    def authorization(self) -> str:
        return f"Bearer {self.provider().reveal()}"

    def __repr__(self) -> str:
        return f"BearerCredential({self.description})"
