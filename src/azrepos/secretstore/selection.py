"""The one secret-store chain: which store holds azrepos's secrets, and the key of each PAT.

Order: an explicit preference (``AZREPOS_SECRET_STORE``, then git config ``azrepos.secretStore``,
resolved by the caller through ``config.settings``); then the decision recorded when a store was
first chosen, so the credential helper's fast path (which runs no ``git config``) reads the same
store; then detection: a file store that already holds secrets, the OS keyring where one works,
else the 0600 file. Light at import: the fast path uses ``fast_path_reads_file`` and ``pat_org``
on every git fetch.
"""

from __future__ import annotations

import os

from .. import state_files

TYPE_CHECKING = False  # typing itself imports re, which the fast path must not pay for
if TYPE_CHECKING:
    from .base import SecretStore

CHOICES = ("auto", "keyring", "file")
PAT_PREFIX = "pat:"  # a PAT's key: this prefix, then the organization's credential key


def pat_key(credential_key: str) -> str:
    return f"{PAT_PREFIX}{credential_key}"


def pat_org(key: str) -> str | None:
    """The organization URL a store key holds a PAT for; None for other keys."""
    return key[len(PAT_PREFIX):] if key.startswith(PAT_PREFIX) else None


def recorded() -> str | None:
    try:
        with open(state_files.path(state_files.SECRET_STORE_RECORD), encoding="utf-8") as handle:
            value = handle.read().strip()
    except OSError:
        return None
    return value if value in ("file", "keyring") else None


def _record(kind: str) -> None:
    # Only beside other state: with no config directory yet, nothing is stored to find again.
    if recorded() != kind and os.path.isdir(state_files.config_dir()):
        from pathlib import Path

        from ..fileio import write_atomic

        write_atomic(Path(state_files.path(state_files.SECRET_STORE_RECORD)), kind + "\n", mode=0o600)


def fast_path_reads_file() -> bool:
    """Whether the file store is the one in use, decided without git or keyring: the
    environment's preference, else the recorded decision, else (nothing recorded) the file."""
    preference = os.environ.get("AZREPOS_SECRET_STORE") or "auto"
    if preference == "auto":
        preference = recorded() or "file"
    return preference == "file"


class StoreChoice:
    """The store in use, and what to tell the user once when secrets fall back to a file."""

    __slots__ = ("store", "warning")

    def __init__(self, store: SecretStore, warning: str | None) -> None:
        self.store = store
        self.warning = warning


def open_store(preference: str = "auto") -> StoreChoice:
    from ..errors import ConfigError, UsageError
    from .file_store import FileStore
    from .keyring_store import KeyringStore, usable_backend

    if preference not in CHOICES:
        raise UsageError(
            f"unknown secret store {preference!r}",
            hint=f"set AZREPOS_SECRET_STORE (or git config azrepos.secretStore) to one of: "
            f"{', '.join(CHOICES)}",
        )
    explicit = preference != "auto"
    if not explicit:
        preference = recorded() or ("file" if FileStore().names() else "auto")
    if preference == "file":
        _record("file")
        return StoreChoice(FileStore(), None)
    backend = usable_backend()
    if backend is not None:
        _record("keyring")
        return StoreChoice(KeyringStore(backend), None)
    if explicit:
        raise ConfigError(
            "no OS keyring works here (no Secret Service, Keychain or Credential Manager)",
            hint="start a Secret Service (gnome-keyring) or set AZREPOS_SECRET_STORE=file",
        )
    store = FileStore()
    if recorded() is None:
        _record("file")
    return StoreChoice(
        store,
        f"no OS keyring is available here; secrets are kept in {store.location}",
    )
