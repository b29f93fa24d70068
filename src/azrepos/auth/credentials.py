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
    saved: bool = False  # the PAT saved on this machine, kept with git's user name and expiry

    def authorization(self) -> str:
        raw = base64.b64encode(f":{self.pat.reveal()}".encode()).decode()
        return f"Basic {raw}"

    def __repr__(self) -> str:
        return f"PatCredential({self.description})"


@dataclass(frozen=True)
class BearerCredential:
    """An access token from a provider (an Entra sign-in, refreshed when needed, or a fixed
    token), which gives the token and its expiry in epoch seconds (None if unknown)."""

    provider: Callable[[], tuple[Secret, int | None]]
    description: str

    @classmethod
    def fixed(cls, token: Secret, description: str) -> BearerCredential:
        return cls(lambda: (token, None), description)

    def token(self) -> tuple[Secret, int | None]:
        return self.provider()

    def authorization(self) -> str:
        return f"Bearer {self.provider()[0].reveal()}"

    def __repr__(self) -> str:
        return f"BearerCredential({self.description})"


Credential = PatCredential | BearerCredential
