"""Entra app client secrets and the keys and passwords inside Azure connection strings."""

from __future__ import annotations

import re
from collections.abc import Iterator

from .findings import Span
from .tokens import is_placeholder

CLIENT_SECRET = "Entra app client secret"  # noqa: S105 - the name of a kind
ACCOUNT_KEY = "Azure connection string key"
SQL_PASSWORD = "connection string password"  # noqa: S105 - the name of a kind

# 40 characters: 3 free, a digit, "Q~", 34 free (the shape Entra generates).
_CLIENT = re.compile(r"(?<![\w~.-])[\w~.-]{3}[0-9]Q~[\w~.-]{34}(?![\w~.-])")
# Storage AccountKey (88 base64 chars) and Service Bus / Event Hubs SharedAccessKey (44).
_KEY = re.compile(r"(?i:AccountKey|SharedAccessKey)[ \t]*=[ \t]*(?P<secret>[A-Za-z0-9+/]{40,}={0,2})")
# SQL: Password=...; a stand-in ($(var), {pw}, %PW%, <password>, ***) is not a secret.
_PASSWORD = re.compile(r"(?i:(?:^|[;\"'\s])(?:password|pwd)[ \t]*=[ \t]*)(?P<secret>[^;\"'\s$%{<*]"
                       r"[^;\"'\s]{5,})(?=[;\"'\s]|$)")
_SQL_CONTEXT = re.compile(r"(?i)(?:server|data source|initial catalog|database|user id|uid)[ \t]*=")


def _clients(text: str) -> Iterator[Span]:
    if "Q~" not in text:
        return
    for match in _CLIENT.finditer(text):
        if not is_placeholder(match[0]) and len(set(match[0])) >= 16:
            yield Span(match.start(), match.end(), CLIENT_SECRET)


def _connection_strings(text: str) -> Iterator[Span]:
    lowered = text.lower()
    if "key" in lowered and "=" in text:
        for match in _KEY.finditer(text):
            if not is_placeholder(match["secret"]):
                yield Span(match.start("secret"), match.end("secret"), ACCOUNT_KEY)
    if ("password" in lowered or "pwd" in lowered) and _SQL_CONTEXT.search(text):
        for match in _PASSWORD.finditer(text):
            if not match["secret"].lower().startswith(("your", "password", "changeme")):
                yield Span(match.start("secret"), match.end("secret"), SQL_PASSWORD)


def azure_secrets(text: str) -> Iterator[Span]:
    yield from _clients(text)
    yield from _connection_strings(text)
