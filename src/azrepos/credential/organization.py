"""Which organization a credential request is for: from ``path`` (with ``useHttpPath``) or the
URL's user name, so several organizations coexist in one gitconfig."""

from __future__ import annotations

from ..errors import UsageError
from ..urls import CLOUD_HOST, LEGACY_SUFFIX, Organization, parse_org_url, parse_repo_url
from .protocol import Attributes


def organization_for(attrs: Attributes, known_urls: list[str]) -> Organization | None:
    """The organization for a request, or None if this helper cannot tell (not ours)."""
    if attrs.get("protocol") != "https":
        return None
    host = attrs.get("host").lower()
    path = attrs.get("path").strip("/")
    user = attrs.get("username")
    try:
        if host == CLOUD_HOST:
            name = path.split("/", 1)[0] if path else user
            return parse_org_url(f"https://{host}/{name}") if name else None
        if host.endswith(LEGACY_SUFFIX):
            return parse_org_url(f"https://{host}")
        if path:
            return parse_repo_url(f"https://{host}/{path}").org
    except UsageError:
        return None
    # Server or sandbox without useHttpPath: the one organization stored for this host.
    prefix = f"https://{host}/"
    matches = [url for url in known_urls if url.startswith(prefix)]
    return parse_org_url(matches[0]) if len(matches) == 1 else None
