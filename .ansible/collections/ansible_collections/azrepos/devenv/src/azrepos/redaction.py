"""Keeps secrets out of reprs, logs and exception text.

Every secret the process handles is wrapped in :class:`Secret` and registered here, and a
logging filter scrubs any registered value (and its Basic-auth encoding) from every record.
"""

from __future__ import annotations

import base64
import logging
import threading

MASK = "***"
_lock = threading.Lock()
_known: set[str] = set()


def _variants(value: str) -> set[str]:
    # A PAT also travels base64-encoded inside a Basic header.
    variants = {value}
    for user in ("", "azrepos"):
        variants.add(base64.b64encode(f"{user}:{value}".encode()).decode())
    return variants


def register(value: str) -> None:
    """Remember a secret value so that :func:`scrub` removes it."""
    if len(value) < 8:  # too short to scrub without mangling ordinary text
        return
    with _lock:
        _known.update(_variants(value))


def scrub(text: str) -> str:
    """Return ``text`` with every registered secret replaced by ``***``."""
    with _lock:
        known = sorted(_known, key=len, reverse=True)
    for value in known:
        if value in text:
            text = text.replace(value, MASK)
    return text


class Secret:
    """A string that never shows itself by accident."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        if not isinstance(value, str):
            raise TypeError("Secret wraps a str")
        self._value = value
        register(value)

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret(***)"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)

    def __bool__(self) -> bool:
        return bool(self._value)

    def __reduce__(self) -> tuple[object, ...]:
        raise TypeError("a Secret cannot be pickled")


class ScrubbingFilter(logging.Filter):
    """Logging filter that renders each record once and scrubs secrets from it."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = scrub(message)
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = scrub(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        record.msg, record.args = cleaned, ()
        return True


def install_log_scrubbing(handler: logging.Handler) -> None:
    handler.addFilter(ScrubbingFilter())
