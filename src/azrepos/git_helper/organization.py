"""The organization a credential request is for: a known one (see ``org_match``), else parsed
from the URL, so a first sign-in works for an organization azrepos has not seen yet. Other hosts
(GitHub, a server azrepos was never set up for) are not ours: git asks the next helper."""

from __future__ import annotations

from ..errors import UsageError
from ..urls import Organization, parse_org_url, parse_repo_url
from .org_match import host_may_be_ours, match_known, request_url
from .protocol import Attributes


def organization_for(attrs: Attributes, known_urls: list[str]) -> Organization | None:
    url = request_url(attrs.single)
    if url is None:
        return None
    known = match_known(url, known_urls)
    try:
        if known is not None:
            return parse_org_url(known)
        return parse_repo_url(url).org if host_may_be_ours(url, known_urls) else None
    except UsageError:
        return None
