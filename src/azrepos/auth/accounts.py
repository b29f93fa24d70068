"""Which Entra account signs in to which organization (no secrets: tokens live in the cache).

Read on the credential helper's hot path, so it stays a small JSON file.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from .. import state_files
from ..fileio import write_atomic
from ..hosts import org_key


@dataclass(frozen=True)
class Account:
    org_url: str
    authority: str
    tenant: str
    client_id: str
    username: str  # for display; "" for a service principal
    home_account_id: str  # MSAL's account key; "" for app-only flows
    flow: str  # devicecode, browser, client_secret, certificate, managed_identity


def accounts_path() -> Path:
    return Path(state_files.path(state_files.ACCOUNTS))


def load_all() -> dict[str, Account]:
    data = state_files.load(str(accounts_path())) or {}
    out = {}
    for key, value in data.items():
        try:
            out[key] = Account(**value)  # type: ignore[arg-type]
        except TypeError:
            continue
    return out


def find(org_url: str) -> Account | None:
    return load_all().get(org_key(org_url))


def save(account: Account) -> None:
    data = {k: asdict(v) for k, v in load_all().items()}
    data[org_key(account.org_url)] = asdict(account)
    write_atomic(accounts_path(), json.dumps(data, indent=1, sort_keys=True) + "\n", mode=0o600)


def remove(org_url: str) -> Account | None:
    accounts = load_all()
    gone = accounts.pop(org_key(org_url), None)
    if gone is not None:
        write_atomic(accounts_path(),
                     json.dumps({k: asdict(v) for k, v in accounts.items()}, indent=1,
                                sort_keys=True) + "\n", mode=0o600)
    return gone
