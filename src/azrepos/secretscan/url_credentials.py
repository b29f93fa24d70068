"""Credentials embedded in URLs: ``https://user:secret@host`` and ``https://<PAT>@host``.

A user part alone is usually harmless: Azure's own clone URLs read
``https://ORG@dev.azure.com/ORG/...``, where the user is the organization name. So a user part
counts as a credential only when it has the shape of a token; any password part always counts.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import unquote

from ..hosts import CLOUD_HOST, LEGACY_SUFFIX
from .findings import PASSWORD, URL_SUFFIX, Span
from .tokens import token_kind

_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")
_URL_IN_TEXT = re.compile(
    r"(?i)\bhttps?://(?P<userinfo>[^\s/?#@\"'<>`\\]++)@(?P<host>[a-z0-9.-]++)")
# Variables and stand-ins that pipelines and docs put where the secret goes at run time:
# $(System.AccessToken), ${PAT}, $PAT, %PAT%, {{pat}}, ***, YOUR_PAT.
_PLACEHOLDER = re.compile(r"[$%{*].*|[A-Z][A-Z0-9_]*")


@dataclass(frozen=True)
class UrlParts:
    """A URL cut around its user-info; ``userinfo`` is None when there is none."""

    prefix: str  # scheme and "://"
    userinfo: str | None = None
    rest: str = ""  # host, port, path, query, fragment

    def __repr__(self) -> str:  # the user-info may be a secret
        return f"UrlParts(prefix={self.prefix!r}, userinfo={'***' if self.userinfo else None})"


def split_url(url: str) -> UrlParts | None:
    """Split ``scheme://[userinfo@]rest``; None for scp-style and other non-URL remotes."""
    scheme = _SCHEME.match(url)
    if not scheme:
        return None
    prefix, after = url[: scheme.end()], url[scheme.end():]
    authority = re.split(r"[/?#]", after, maxsplit=1)[0]
    if "@" not in authority:
        return UrlParts(prefix, None, after)
    userinfo = authority.rsplit("@", 1)[0]
    return UrlParts(prefix, userinfo, after[len(userinfo) + 1:])


def _user_password(userinfo: str) -> tuple[str, str | None]:
    user, colon, password = userinfo.partition(":")
    return unquote(user), (unquote(password) if colon else None)


def credential_kind(userinfo: str) -> str | None:
    """The kind of credential a URL's user-info holds, or None for a plain user name."""
    user, password = _user_password(userinfo)
    if password:
        return (token_kind(password) or PASSWORD) + URL_SUFFIX
    kind = token_kind(user)
    return kind + URL_SUFFIX if kind else None


def clean_url(parts: UrlParts) -> str:
    """The URL without its credential; a plain user name (often the org name) is kept."""
    if parts.userinfo is None:
        return parts.prefix + parts.rest
    raw_user = parts.userinfo.partition(":")[0]
    keep = raw_user if raw_user and token_kind(unquote(raw_user)) is None else ""
    return parts.prefix + (f"{keep}@" if keep else "") + parts.rest


def is_azure_host(host: str) -> bool:
    host = host.lower().rstrip(".")
    return host == CLOUD_HOST or host.endswith("." + CLOUD_HOST) or host.endswith(LEGACY_SUFFIX)


def url_credentials(text: str, next_line: str = "") -> Iterator[Span]:
    """Credentials in Azure DevOps URLs written in a text file (other hosts are left alone)."""
    if "@" not in text:
        return
    for match in _URL_IN_TEXT.finditer(text):
        if not is_azure_host(match["host"]):
            continue
        _, password = _user_password(match["userinfo"])
        if password and _PLACEHOLDER.fullmatch(password):
            continue
        kind = credential_kind(match["userinfo"])
        if kind:
            yield Span(match.start("userinfo"), match.end("userinfo"), kind)
