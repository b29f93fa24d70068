"""Which known organization a credential request is for (light: hot path).

The request URL is built from ``protocol``, ``host`` and ``path`` (with ``useHttpPath``); on
dev.azure.com without a path, the user name is the organization, so several organizations
coexist in one gitconfig. The longest known organization URL that prefixes it wins.
"""

from __future__ import annotations

from ..hosts import CLOUD_HOST, is_service_host, org_key


def request_url(attrs: dict[str, str]) -> str | None:
    if attrs.get("protocol") != "https" or not attrs.get("host"):
        return None
    host = attrs["host"].lower()
    path = attrs.get("path", "").strip("/")
    if host == CLOUD_HOST and not path and attrs.get("username"):
        path = attrs["username"]
    return org_key(f"https://{host}/{path}")


def match_known(url: str, known_urls: list[str]) -> str | None:
    best = None
    wider = set()
    for known in known_urls:
        candidate = org_key(known)
        if (url == candidate or url.startswith(candidate + "/")) and (
                best is None or len(candidate) > len(best)):
            best = candidate
        elif candidate.startswith(url + "/"):
            wider.add(candidate)
    # A request less specific than any organization (a host alone, without useHttpPath or a
    # user name) is the one organization known there; with several, it is not ours to pick.
    return best if best is not None or len(wider) != 1 else wider.pop()


def host_may_be_ours(url: str, known_urls: list[str]) -> bool:
    """Azure DevOps cloud, or the host of an organization azrepos was set up for (a Server)."""
    host = url.split("/")[2]
    return is_service_host(host) or any(org_key(known).split("/")[2:3] == [host]
                                        for known in known_urls)
