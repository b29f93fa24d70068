"""How listings page: ``$top`` (capped at the sandbox's page size) with either an opaque
``continuationToken`` (projects, repositories; the next token comes back in the
``x-ms-continuationtoken`` header, absent on the last page) or ``$skip`` (pull requests)."""

from __future__ import annotations

import base64
from typing import Any

from azrepos_sandbox.http_types import Request, Response, tf_error

CONTINUATION_HEADER = "x-ms-continuationtoken"


def _token(offset: int) -> str:
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode().rstrip("=")


def _offset(token: str) -> int | None:
    try:
        text = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        return int(text.removeprefix("offset:")) if text.startswith("offset:") else None
    except (ValueError, UnicodeDecodeError):
        return None


def _number(request: Request, name: str, default: int) -> int | Response:
    text = request.query.get(name.lower(), "")
    try:
        return int(text) if text else default
    except ValueError:
        return tf_error(400, f"The value '{text}' of {name} is not a valid number.",
                        "InvalidArgumentValueException")


def _top(request: Request, cap: int) -> int | Response:
    top = _number(request, "$top", cap)
    if isinstance(top, Response):
        return top
    if top <= 0:
        return tf_error(400, "$top must be greater than 0.", "InvalidArgumentValueException")
    return min(top, cap)


def page(request: Request, items: list[Any], cap: int
         ) -> tuple[list[Any], list[tuple[str, str]]] | Response:
    """(this page, headers with the next continuation token) or the 400 for bad paging."""
    top = _top(request, cap)
    if isinstance(top, Response):
        return top
    token = request.query.get("continuationtoken", "")
    start = _offset(token) if token else 0
    if start is None or start < 0:
        return tf_error(400, "The continuation token is not valid.",
                        "InvalidContinuationTokenException")
    more = start + top < len(items)
    return items[start:start + top], ([(CONTINUATION_HEADER, _token(start + top))] if more else [])


def skip_page(request: Request, items: list[Any], cap: int) -> list[Any] | Response:
    """``$skip`` then ``$top`` items, or the 400 for bad paging."""
    top = _top(request, cap)
    if isinstance(top, Response):
        return top
    skip = _number(request, "$skip", 0)
    if isinstance(skip, Response):
        return skip
    if skip < 0:
        return tf_error(400, "$skip must not be negative.", "InvalidArgumentValueException")
    return items[skip:skip + top]
