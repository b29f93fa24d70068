"""Tokens hidden in base64: ``Authorization: Basic <base64 of user:PAT>`` and ``.npmrc`` ``_password=``."""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterator

from .findings import Span
from .tokens import token_kind

ENCODED_SUFFIX = " (base64)"
# Basic credentials in git's http.extraheader, curl -H, PowerShell headers; npm's _password.
_ENCODED = re.compile(r"(?:(?i:basic)[ \t]+|_password[ \t]*=[ \t]*[\"']?)(?P<b64>[A-Za-z0-9+/]{40,}={0,2})")


def _decoded(value: str) -> str | None:
    try:
        return base64.b64decode(value, validate=True).decode()
    except (binascii.Error, ValueError):  # not base64, or not text
        return None


def _kind(decoded: str) -> str | None:
    # Basic carries "user:secret"; the user is often empty. npm's _password is the secret alone.
    return token_kind(decoded.rpartition(":")[2]) or token_kind(decoded.partition(":")[0])


def encoded_tokens(text: str) -> Iterator[Span]:
    if "asic" not in text and "ASIC" not in text and "_password" not in text:
        return
    for match in _ENCODED.finditer(text):
        decoded = _decoded(match["b64"])
        kind = _kind(decoded) if decoded else None
        if kind:
            yield Span(match.start("b64"), match.end("b64"), kind + ENCODED_SUFFIX)
