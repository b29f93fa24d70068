"""The OS keyring (Secret Service, macOS Keychain, Windows Credential Manager) via ``keyring``."""

from __future__ import annotations

import json
import logging
from typing import Any

from ..errors import ConfigError
from ..redaction import Secret
from .base import SERVICE

log = logging.getLogger(__name__)
_INDEX = "__index__"  # keyring cannot list entries, so we keep the key names ourselves


def usable_backend() -> Any | None:
    """The keyring backend if a real one works here, else None (headless Linux, containers)."""
    try:
        import keyring
        from keyring.backends import fail
    except ImportError:
        return None
    backend = keyring.get_keyring()
    if isinstance(backend, fail.Keyring) or getattr(backend, "priority", 0) <= 0:
        return None
    chained = getattr(backend, "backends", None)
    if chained is not None and not chained:
        return None
    return backend


class KeyringStore:
    name = "keyring"

    def __init__(self, backend: Any) -> None:
        self._backend = backend
        self.location = f"the OS keyring ({type(backend).__module__}.{type(backend).__name__})"

    def _call(self, what: str, func: Any, *args: str) -> Any:
        try:
            return func(*args)
        except Exception as exc:  # keyring backends raise many unrelated types
            raise ConfigError(
                f"the OS keyring failed to {what}: {type(exc).__name__}",
                hint="unlock the keyring, or set AZREPOS_SECRET_STORE=file to use a 0600 file",
            ) from None

    def get(self, key: str) -> Secret | None:
        value = self._call("read a secret", self._backend.get_password, SERVICE, key)
        return Secret(value) if value else None

    def set(self, key: str, secret: Secret) -> None:
        self._call("store a secret", self._backend.set_password, SERVICE, key, secret.reveal())
        names = set(self.names()) | {key}
        self._call("store a secret", self._backend.set_password, SERVICE, _INDEX,
                   json.dumps(sorted(names)))

    def delete(self, key: str) -> bool:
        if self._call("read a secret", self._backend.get_password, SERVICE, key) is None:
            return False
        self._call("delete a secret", self._backend.delete_password, SERVICE, key)
        names = set(self.names()) - {key}
        self._call("store a secret", self._backend.set_password, SERVICE, _INDEX,
                   json.dumps(sorted(names)))
        return True

    def names(self) -> list[str]:
        raw = self._call("read a secret", self._backend.get_password, SERVICE, _INDEX)
        try:
            return sorted(json.loads(raw)) if raw else []
        except ValueError:
            return []
