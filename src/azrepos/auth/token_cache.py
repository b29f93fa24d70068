"""The Entra token cache: msal-extensions persistence, encrypted where the OS offers it, else a
0600 file. The credential helper reads a plain-file cache directly, without importing msal."""

from __future__ import annotations

import json
import logging
import os
import time
from pathlib import Path
from typing import Any

from .accounts import Account, config_dir

log = logging.getLogger(__name__)

AZURE_DEVOPS_RESOURCE = "499b84ac-1321-427f-aa17-267ca6975798"
AZURE_DEVOPS_SCOPE = f"{AZURE_DEVOPS_RESOURCE}/.default"
REFRESH_MARGIN = 300  # seconds before expiry at which a token counts as expired


def plain_cache_path() -> Path:
    return config_dir() / "msal_token_cache.json"


def encrypted_cache_path() -> Path:
    return config_dir() / "msal_token_cache.bin"


def open_persistence() -> tuple[Any, str | None]:
    """The persistence to use, and a one-line warning when it is a plain file."""
    from msal_extensions import FilePersistence, build_encrypted_persistence

    if os.environ.get("AZREPOS_TOKEN_CACHE", "auto") != "file":
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
    """A still-valid access token for ``account`` from a plain-file cache, or None.

    This is the helper's hot path: JSON only, no msal, no network.
    """
    try:
        data = json.loads(plain_cache_path().read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return None
    current = time.time() if now is None else now
    best: tuple[str, int] | None = None
    for entry in (data.get("AccessToken") or {}).values():
        if entry.get("client_id") != account.client_id or entry.get("realm") != account.tenant:
            continue
        if (entry.get("home_account_id") or "") != account.home_account_id:
            continue
        if AZURE_DEVOPS_RESOURCE not in str(entry.get("target", "")):
            continue
        expires = int(entry.get("expires_on") or 0)
        if expires - REFRESH_MARGIN > current and (best is None or expires > best[1]):
            best = (str(entry["secret"]), expires)
    return best
