"""``git-credential-azrepos get|store|erase``.

Order for ``get``: a cached Entra token, a silent refresh, a stored PAT, and a device-code
sign-in on the terminal only when the user can be prompted. The hot path (a valid cached
token or a PAT in the file store) imports neither msal, requests nor keyring.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import TextIO

from ..auth import accounts
from ..auth.pat_sources import store_key
from ..auth.token_cache import cached_access_token
from ..config.settings import resolve
from ..errors import AzreposError
from ..redaction import Secret
from ..secretstore.base import SecretStore
from ..secretstore.file_store import FileStore
from ..urls import Organization
from . import protocol
from .organization import organization_for

OPERATIONS = ("get", "store", "erase")


def say(message: str) -> None:
    print(f"git-credential-azrepos: {message}", file=sys.stderr, flush=True)


class Stores:
    """The file store first (cheap, and only used where no keyring works), then the keyring,
    opened lazily because finding a keyring backend costs a third of a second."""

    def __init__(self) -> None:
        self.preference = resolve("secret_store") or "auto"
        self._file = FileStore()
        self._other: SecretStore | None = None

    def _keyring(self) -> SecretStore:
        if self._other is None:
            from ..secretstore.selection import open_store

            self._other = open_store(self.preference).store
        return self._other

    def candidates(self) -> list[SecretStore]:
        if self.preference == "file":
            return [self._file]
        if self.preference == "keyring":
            return [self._keyring()]
        return [self._file] if self._file.path.exists() and self._file.names() else \
            [self._keyring()]

    def org_urls(self) -> list[str]:
        names = [n for store in self.candidates() for n in store.names()]
        urls = [n[len("pat:"):] for n in names if n.startswith("pat:")]
        return urls + list(accounts.load_all())

    def find(self, key: str) -> tuple[SecretStore, Secret] | None:
        for store in self.candidates():
            secret = store.get(key)
            if secret is not None:
                return store, secret
        return None


def can_prompt() -> bool:
    if os.environ.get("GIT_TERMINAL_PROMPT") == "0":
        return False
    try:
        with open("/dev/tty"):
            return True
    except OSError:
        return False


def _ca_bundle(org: Organization) -> str | None:
    return resolve("ca_bundle", url=org.url)


def entra_token(org: Organization) -> tuple[Secret, int] | None:
    account = accounts.find(org.url)
    if account is None:
        return None
    cached = cached_access_token(account)
    if cached is not None:
        return Secret(cached[0]), cached[1]
    from ..auth.entra_source import token_for

    try:
        return token_for(account, _ca_bundle(org))
    except AzreposError as exc:
        say(str(exc))
        return None


def device_code_sign_in(org: Organization) -> tuple[Secret, int] | None:
    from ..auth.entra import EntraSignIn
    from ..auth.tenant import discover

    try:
        ca = _ca_bundle(org)
        token = EntraSignIn(org.url, discover(org.url, ca), ca_bundle=ca).device_code(say)
    except AzreposError as exc:
        say(str(exc))
        return None
    return token.access_token, token.expires_on


def answer_token(attrs: protocol.Attributes, org: Organization, token: Secret, expires: int
                 ) -> list[tuple[str, str]]:
    if "authtype" in attrs.capabilities:  # git >= 2.46 understands a bearer credential
        pairs = [("capability[]", "authtype"), ("authtype", "Bearer"),
                 ("credential", token.reveal())]
    else:  # Azure DevOps also takes the token as a Basic password
        pairs = [("username", attrs.get("username") or org.name), ("password", token.reveal())]
    return [*pairs, ("password_expiry_utc", str(expires))]


def looks_like_jwt(value: str) -> bool:
    return value.startswith("eyJ") and value.count(".") == 2


def handle(operation: str, stdin: TextIO, stdout: TextIO) -> int:
    attrs = protocol.read(stdin)
    if attrs.get("protocol") != "https":
        return 0
    stores = Stores()
    org = organization_for(attrs, stores.org_urls())
    if org is None:
        return 0
    if operation == "get":
        token = entra_token(org)
        if token is not None:
            protocol.write(stdout, answer_token(attrs, org, *token))
            return 0
        found = stores.find(store_key(org))
        if found is not None:
            protocol.write(stdout, [("username", attrs.get("username") or org.name),
                                    ("password", found[1].reveal())])
            return 0
        token = device_code_sign_in(org) if can_prompt() else None
        if token is not None:
            protocol.write(stdout, answer_token(attrs, org, *token))
        else:
            protocol.write(stdout, [("quit", "true")])
        return 0
    password = attrs.get("password")
    if not password or looks_like_jwt(password):
        return 0  # tokens are ours and live in the token cache
    found = stores.find(store_key(org))
    if operation == "store" and (found is None or found[1].reveal() != password):
        stores.candidates()[0].set(store_key(org), Secret(password))
    elif operation == "erase" and found is not None and found[1].reveal() == password:
        found[0].delete(store_key(org))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    operation = args[0] if args else ""
    if operation not in OPERATIONS:
        return 0  # unknown operations are ignored silently, as git asks
    try:
        return handle(operation, sys.stdin, sys.stdout)
    except (protocol.ProtocolError, AzreposError) as exc:
        say(str(exc))
        return 1
    except Exception as exc:  # never a traceback (it could hold a secret) into git's output
        say(f"internal error ({type(exc).__name__}); run with AZREPOS_LOG_LEVEL=DEBUG to see more")
        return 1


if __name__ == "__main__":
    sys.exit(main())
