"""Finding a still-valid Azure DevOps access token in MSAL's cache data (light: hot path)."""

from __future__ import annotations

AZURE_DEVOPS_RESOURCE = "499b84ac-1321-427f-aa17-267ca6975798"
AZURE_DEVOPS_SCOPE = f"{AZURE_DEVOPS_RESOURCE}/.default"
REFRESH_MARGIN = 300  # seconds before expiry at which a token counts as expired


def find_valid(cache: dict[str, object], *, client_id: str, tenant: str,
               home_account_id: str, now: float) -> tuple[str, int] | None:
    """The longest-lived token for that client, tenant and account, if it has 5+ minutes left."""
    entries = cache.get("AccessToken")
    best: tuple[str, int] | None = None
    for entry in entries.values() if isinstance(entries, dict) else ():
        if not isinstance(entry, dict):
            continue
        if (entry.get("client_id") or "") != client_id or entry.get("realm") != tenant:
            continue
        if (entry.get("home_account_id") or "") != home_account_id:
            continue
        if AZURE_DEVOPS_RESOURCE not in str(entry.get("target", "")):
            continue
        try:
            expires = int(entry.get("expires_on") or 0)
        except (TypeError, ValueError):
            continue
        if expires - REFRESH_MARGIN > now and (best is None or expires > best[1]):
            best = (str(entry["secret"]), expires)
    return best
