"""What the service last said about a local key in an organization (registered, until when),
kept so ``azrepos status`` answers without a network call. Written whenever azrepos learns it:
``ssh-key add``, ``rotate``, ``remove`` and ``status --refresh``."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from .. import state_files
from ..fileio import ensure_private_dir, write_atomic
from ..hosts import org_key
from ..rest.models import format_time


@dataclass(frozen=True)
class Registration:
    registered: bool
    valid_to: str | None  # ISO 8601, as the service gave it
    checked_at: str  # when azrepos learned it


def _key(org_url: str, fingerprint: str) -> str:
    return f"{org_key(org_url)} {fingerprint}"


def _path() -> Path:
    return Path(state_files.path(state_files.KEY_REGISTRATIONS))


def load_all() -> dict[str, Registration]:
    found = {}
    for key, value in (state_files.load(str(_path())) or {}).items():
        try:
            found[key] = Registration(**value)  # type: ignore[arg-type]
        except TypeError:
            continue  # an entry from another version: as if never checked
    return found


def lookup(org_url: str, fingerprint: str, known: dict[str, Registration] | None = None
           ) -> Registration | None:
    return (load_all() if known is None else known).get(_key(org_url, fingerprint))


def record_text(existing: str, learned: list[tuple[str, str, bool, str | None]],
                now: datetime | None = None, *, keep_same: bool = True) -> str:
    """The record's text once ``learned`` ((org_url, fingerprint, registered, valid_to) each)
    is in it. With ``keep_same``, an entry that says what it said before is kept as it is, so
    a run that learns nothing new rewrites nothing (the ssh_key role writes this file on its
    targets)."""
    try:
        data = json.loads(existing) if existing.strip() else {}
    except ValueError:
        data = {}  # damaged: what was just learned replaces it
    data = data if isinstance(data, dict) else {}
    checked = format_time(now or datetime.now(UTC))
    for org_url, fingerprint, registered, valid_to in learned:
        old = data.get(_key(org_url, fingerprint))
        if not (keep_same and isinstance(old, dict) and old.get("registered") == registered
                and old.get("valid_to") == valid_to):
            data[_key(org_url, fingerprint)] = asdict(Registration(registered, valid_to, checked))
    return json.dumps(data, indent=1, sort_keys=True) + "\n"


def remember(org_url: str, fingerprint: str, registered: bool, valid_to: str | None,
             now: datetime | None = None) -> None:
    path = _path()
    existing = path.read_text(encoding="utf-8") if path.exists() else ""
    text = record_text(existing, [(org_url, fingerprint, registered, valid_to)], now,
                       keep_same=False)
    ensure_private_dir(Path(state_files.config_dir()))
    write_atomic(path, text, mode=0o600)
