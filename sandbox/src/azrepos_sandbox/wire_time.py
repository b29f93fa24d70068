"""Times on the wire as the REST API writes them: ISO 8601 in UTC with a ``Z``."""

from __future__ import annotations

from datetime import UTC, datetime


def to_wire(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def from_wire(text: str | None) -> datetime | None:
    """None for an empty value; ValueError for one that is not ISO 8601."""
    if not text:
        return None
    moment = datetime.fromisoformat(text.replace("Z", "+00:00") if text.endswith("Z") else text)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
