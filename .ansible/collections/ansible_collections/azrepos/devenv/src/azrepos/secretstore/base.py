"""The interface every secret store implements."""

from __future__ import annotations

from typing import Protocol

from ..redaction import Secret

SERVICE = "azrepos"


class SecretStore(Protocol):
    name: str
    location: str  # where the secrets live, for messages (never the secrets)

    def get(self, key: str) -> Secret | None: ...

    def set(self, key: str, secret: Secret) -> None: ...

    def delete(self, key: str) -> bool: ...

    def names(self) -> list[str]: ...
