"""Chooses the secret store: the OS keyring where one works, else the 0600 file."""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import ConfigError, UsageError
from .base import SecretStore
from .file_store import FileStore
from .keyring_store import KeyringStore, usable_backend

CHOICES = ("auto", "keyring", "file")


@dataclass(frozen=True)
class StoreChoice:
    store: SecretStore
    warning: str | None  # said once to the user when secrets fall back to a file


def open_store(preference: str = "auto") -> StoreChoice:
    if preference not in CHOICES:
        raise UsageError(
            f"unknown secret store {preference!r}",
            hint=f"set AZREPOS_SECRET_STORE to one of: {', '.join(CHOICES)}",
        )
    if preference == "file":
        return StoreChoice(FileStore(), None)
    backend = usable_backend()
    if backend is not None:
        return StoreChoice(KeyringStore(backend), None)
    if preference == "keyring":
        raise ConfigError(
            "no OS keyring works here (no Secret Service, Keychain or Credential Manager)",
            hint="start a Secret Service (gnome-keyring) or set AZREPOS_SECRET_STORE=file",
        )
    store = FileStore()
    return StoreChoice(
        store,
        f"no OS keyring is available here; secrets are kept in {store.location}",
    )
