"""Which endpoint registers SSH keys for an organization: the one that worked last time first.

Kept in ``~/.config/azrepos/key_endpoints.json`` (organization URL -> endpoint name), so a fleet
run does not pay for a failed attempt on every key.
"""

from __future__ import annotations

import json
from pathlib import Path

from .. import state_files
from ..fileio import ensure_private_dir, write_atomic
from ..hosts import org_key

HIERARCHY_QUERY = "HierarchyQuery"  # the web UI's data provider: what public clients use
DIRECT_POST = "SessionTokens"  # the direct POST of Microsoft's client library
DEFAULT_ORDER = (HIERARCHY_QUERY, DIRECT_POST)


def _known() -> dict[str, object]:
    return state_files.load(state_files.path(state_files.KEY_ENDPOINTS)) or {}


def order_for(org_url: str) -> tuple[str, ...]:
    last = _known().get(org_key(org_url))
    if last in DEFAULT_ORDER:
        return (str(last), *(e for e in DEFAULT_ORDER if e != last))
    return DEFAULT_ORDER


def remember(org_url: str, endpoint: str) -> None:
    known = _known()
    if known.get(org_key(org_url)) == endpoint:
        return
    known[org_key(org_url)] = endpoint
    ensure_private_dir(Path(state_files.config_dir()))  # 0700, like the secrets beside it
    write_atomic(Path(state_files.path(state_files.KEY_ENDPOINTS)),
                 json.dumps(known, indent=1, sort_keys=True) + "\n", mode=0o600)
