"""What git told us about a stored PAT besides the PAT: the user name and
``password_expiry_utc``, so ``get`` returns what was stored (light: read on the hot path).
Not secret, but kept 0600 beside the secrets, in a locked file store of JSON values."""

from __future__ import annotations

from .. import state_files
from ..hosts import org_key
from . import protocol

FIELDS = ("username", "password_expiry_utc")


def load_all() -> dict[str, object]:
    return state_files.load(state_files.path(state_files.PAT_DETAILS), private=True) or {}


def details_for(all_details: dict[str, object], org_url: str) -> dict[str, str]:
    raw = all_details.get(org_key(org_url))
    try:
        data = state_files.parse_json(raw) if isinstance(raw, str) else None
    except ValueError:
        return {}
    return {k: str(data[k]) for k in FIELDS if isinstance(data, dict) and data.get(k)}


def sent_details(attrs: protocol.Attributes) -> dict[str, str]:
    return {k: attrs.get(k) or "" for k in FIELDS if attrs.get(k)}


def save(org_url: str, details: dict[str, str]) -> None:
    """Replace what is kept for ``org_url`` (nothing left when git sent nothing)."""
    import json  # the write side only: the hot path must not import json (nor typing's re)
    from pathlib import Path

    from ..redaction import Secret
    from ..secretstore.file_store import FileStore

    store, key = FileStore(Path(state_files.path(state_files.PAT_DETAILS))), org_key(org_url)
    if details:
        store.set(key, Secret(json.dumps(details, sort_keys=True)))
    else:
        store.delete(key)


def forget(org_url: str) -> None:
    save(org_url, {})
