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


def remember(org_url: str, fingerprint: str, registered: bool, valid_to: str | None,
             now: datetime | None = None) -> None:
    data = {k: asdict(v) for k, v in load_all().items()}
    checked = format_time(now or datetime.now(UTC))
    data[_key(org_url, fingerprint)] = asdict(Registration(registered, valid_to, checked))
    ensure_private_dir(Path(state_files.config_dir()))
    write_atomic(_path(), json.dumps(data, indent=1, sort_keys=True) + "\n", mode=0o600)
