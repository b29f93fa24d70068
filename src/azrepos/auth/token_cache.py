"""The Entra token cache: msal-extensions persistence, encrypted where the OS offers it, else a
0600 file. The credential helper reads a plain-file cache directly, without importing msal."""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any

from .. import state_files
from ..config.settings import resolve
from .accounts import Account
from .token_lookup import find_valid

log = logging.getLogger(__name__)


def plain_cache_path() -> Path:
    return Path(state_files.path(state_files.TOKEN_CACHE))


def encrypted_cache_path() -> Path:
    return Path(state_files.path(state_files.TOKEN_CACHE_ENCRYPTED))


def open_persistence() -> tuple[Any, str | None]:
    """The persistence to use, and a one-line warning when it is a plain file."""
    from msal_extensions import FilePersistence, build_encrypted_persistence

    if resolve("token_cache") != "file":
        try:
            persistence = build_encrypted_persistence(str(encrypted_cache_path()))
            persistence.save(persistence.load() if encrypted_cache_path().exists() else "{}")
            return persistence, None
        except Exception as exc:  # libsecret/keychain missing or locked: fall back below
            log.debug("encrypted token cache unavailable: %s", type(exc).__name__)
    path = plain_cache_path()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    persistence = FilePersistence(str(path))
    if path.exists():
        path.chmod(0o600)
    return persistence, (
        f"no OS keyring for the token cache here; tokens are kept in {path} (mode 0600)")


def open_cache() -> tuple[Any, str | None]:
    from msal_extensions import PersistedTokenCache

    persistence, warning = open_persistence()
    return PersistedTokenCache(persistence), warning


def cached_access_token(account: Account, now: float | None = None) -> tuple[str, int] | None:
    """A still-valid access token for ``account`` from a plain-file cache, or None."""
    cache = state_files.load(str(plain_cache_path()), private=True)
    if cache is None:
        return None
    return find_valid(cache, client_id=account.client_id, tenant=account.tenant,
                      home_account_id=account.home_account_id,
                      now=time.time() if now is None else now)


def forget_access_token(token: str) -> int:
    """Drop every cached access token equal to ``token`` (the server refused it). Refresh tokens
    stay, so the next ``get`` refreshes silently instead of replaying the refused token."""
    cache, _ = open_cache()
    refused = [entry for entry in cache.search(cache.CredentialType.ACCESS_TOKEN)
               if entry.get("secret") == token]
    for entry in refused:
        cache.remove_at(entry)  # PersistedTokenCache locks, reloads and saves around this
    return len(refused)
