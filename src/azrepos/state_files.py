"""The small JSON files azrepos keeps under ``~/.config/azrepos``, read with nothing heavier than
``os``: the credential helper's hot path reads them on every git fetch, and the stdlib ``json``
module alone (through ``re``) would cost more than the rest of that path."""

from __future__ import annotations

import os

try:  # the C scanner behind json, usable without importing json (and re)
    from _json import make_scanner as _make_scanner
except ImportError:  # pragma: no cover - CPython always has it
    _make_scanner = None


class _ScanContext:
    strict = True
    object_hook = None
    object_pairs_hook = None
    parse_float = float
    parse_int = int
    parse_constant = float
    memo: dict[str, str] = {}  # noqa: RUF012 - the scanner's interning table


def parse_json(text: str) -> object:
    stripped = text.strip()
    if _make_scanner is not None and stripped:
        try:
            value, end = _make_scanner(_ScanContext())(stripped, 0)
        except StopIteration:
            raise ValueError("not JSON") from None
        if end != len(stripped):
            raise ValueError("trailing data after JSON")
        return value
    import json

    return json.loads(text)


def config_dir_for(home: str, config_home: str | None = None) -> str:
    """The state folder of a user with that home (and ``XDG_CONFIG_HOME``, if set)."""
    return os.path.join(config_home or os.path.join(home, ".config"), "azrepos")


def config_dir() -> str:
    return config_dir_for(os.path.expanduser("~"), os.environ.get("XDG_CONFIG_HOME"))


def path(name: str) -> str:
    return os.path.join(config_dir(), name)


# Every file azrepos keeps in that folder (the include file is ``gitconfig.include_path``).
SECRETS = "secrets.json"  # the file secret store
SECRET_STORE_RECORD = "secret-store"  # noqa: S105 - a file name: the store chosen, file or keyring
ACCOUNTS = "accounts.json"  # which Entra account signs in to which organization
TOKEN_CACHE = "msal_token_cache.json"  # noqa: S105 - a file name: MSAL's cache where no keyring holds it
TOKEN_CACHE_ENCRYPTED = "msal_token_cache.bin"  # noqa: S105 - a file name: the encrypted cache
PAT_DETAILS = "pat_details.json"  # git's user name and expiry for each stored PAT
KEY_ENDPOINTS = "key_endpoints.json"  # which endpoint registered SSH keys, per organization
SSH_HOSTS = "ssh-hosts.json"  # which key serves which organization over SSH
KEY_REGISTRATIONS = "key_registrations.json"  # what the service last said of each key
PULL_LAST_RUN = "pull_last_run.json"  # when pull mode last ran, and how it ended


def load(file: str, *, private: bool = False) -> dict[str, object] | None:
    """The JSON object in ``file``; None if missing, damaged, or (``private``) readable by
    others, so the caller falls back to the path that explains the problem."""
    try:
        with open(file, encoding="utf-8") as handle:
            if private and os.fstat(handle.fileno()).st_mode & 0o077:
                return None
            data = parse_json(handle.read())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None
