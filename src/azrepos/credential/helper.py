"""``git-credential-azrepos get|store|erase``.

The hot path (a credential already stored) imports neither requests nor msal, and reaches the
OS keyring only when that is where the credential lives.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import TextIO

from ..auth.pat_sources import store_key
from ..config.settings import resolve
from ..errors import AzreposError
from ..redaction import Secret
from ..secretstore.base import SecretStore
from . import protocol
from .organization import organization_for

OPERATIONS = ("get", "store", "erase")


def _store() -> SecretStore:
    from ..secretstore.selection import open_store

    return open_store(resolve("secret_store") or "auto").store


def _known_org_urls(store: SecretStore) -> list[str]:
    return [key[len("pat:"):] for key in store.names() if key.startswith("pat:")]


def can_prompt() -> bool:
    if os.environ.get("GIT_TERMINAL_PROMPT") == "0":
        return False
    try:
        with open("/dev/tty"):
            return True
    except OSError:
        return False


def handle(operation: str, stdin: TextIO, stdout: TextIO) -> int:
    attrs = protocol.read(stdin)
    if attrs.get("protocol") != "https":
        return 0
    store = _store()
    org = organization_for(attrs, _known_org_urls(store))
    if org is None:
        return 0
    key = store_key(org)
    stored = store.get(key)
    password = attrs.get("password")
    if operation == "get":
        if stored is not None:
            protocol.write(stdout, [("username", attrs.get("username") or org.name),
                                    ("password", stored.reveal())])
        elif not can_prompt():
            protocol.write(stdout, [("quit", "true")])
        return 0
    if operation == "store" and password and (stored is None or stored.reveal() != password):
        store.set(key, Secret(password))
    elif operation == "erase" and stored is not None and password == stored.reveal():
        store.delete(key)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    operation = args[0] if args else ""
    if operation not in OPERATIONS:
        return 0  # unknown operations are ignored silently, as git asks
    try:
        return handle(operation, sys.stdin, sys.stdout)
    except protocol.ProtocolError as exc:
        print(f"git-credential-azrepos: {exc}", file=sys.stderr)
        return 1
    except AzreposError as exc:
        print(f"git-credential-azrepos: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
