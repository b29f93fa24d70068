"""Azure DevOps's hosts, and the key that names an organization (light: hot path).

The one host table and the one organization-key normaliser: ``urls`` parses with them, the
credential helper's fast path matches with them, and every state file is keyed by ``org_key``.
"""

from __future__ import annotations

CLOUD_HOST = "dev.azure.com"
CLOUD_VSSPS_HOST = "vssps.dev.azure.com"
LEGACY_SUFFIX = ".visualstudio.com"
CLOUD_SSH_HOST = "ssh.dev.azure.com"
LEGACY_SSH_HOST = "vs-ssh.visualstudio.com"


def is_legacy_host(host: str) -> bool:
    """``ORG.visualstudio.com`` (one label before the suffix)."""
    return host.endswith(LEGACY_SUFFIX) and host.count(".") == 2


def is_service_host(host: str) -> bool:
    """Azure DevOps Services itself (cloud or legacy), as opposed to a Server of one's own."""
    return host == CLOUD_HOST or is_legacy_host(host)


def org_key(url: str) -> str:
    """An organization URL as state files and secret stores key it: no trailing slash, lower
    case (``Organization.url`` is canonical already; this also accepts what a user typed)."""
    return url.strip().rstrip("/").lower()


def org_name(org_url: str) -> str:
    """The organization's name in its canonical URL (what ``urls.parse_org_url`` names it)."""
    host, _, path = org_url.split("://", 1)[-1].partition("/")
    if is_legacy_host(host.lower()):
        return host.split(".", 1)[0]
    return path.rstrip("/").rsplit("/", 1)[-1]
