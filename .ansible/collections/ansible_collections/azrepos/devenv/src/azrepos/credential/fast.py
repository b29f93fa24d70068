"""Entry point of ``git-credential-azrepos``: answers from what is already on disk, fast.

A valid cached Entra token, or a PAT in the file store, is answered with nothing heavier than
``os`` and ``time``. Anything else (a refresh, the OS keyring, a sign-in) loads the full helper.
"""

from __future__ import annotations

import os
import sys
import time
from io import TextIOBase

from .. import state_files
from ..auth.cached_tokens import find_valid
from . import protocol
from .org_match import match_known, request_url

OPERATIONS = ("get", "store", "erase")


def say(message: str) -> None:
    print(f"git-credential-azrepos: {message}", file=sys.stderr, flush=True)


def answer_token(attrs: protocol.Attributes, org_name: str, token: str, expires: int
                 ) -> list[tuple[str, str]]:
    if "authtype" in attrs.capabilities:  # git >= 2.46 understands a bearer credential
        pairs = [("capability[]", "authtype"), ("authtype", "Bearer"), ("credential", token)]
    else:  # Azure DevOps also takes the token as a Basic password
        pairs = [("username", attrs.get("username") or org_name), ("password", token)]
    return [*pairs, ("password_expiry_utc", str(expires))]


def answer_pat(attrs: protocol.Attributes, org_name: str, pat: str) -> list[tuple[str, str]]:
    return [("username", attrs.get("username") or org_name), ("password", pat)]


def looks_like_jwt(value: str) -> bool:
    return value.startswith("eyJ") and value.count(".") == 2


def _org_name(org_url: str) -> str:
    host_and_path = org_url.split("://", 1)[-1]
    if host_and_path.endswith(".visualstudio.com"):
        return host_and_path.split(".", 1)[0]
    return host_and_path.rstrip("/").rsplit("/", 1)[-1]


def quick(operation: str, attrs: protocol.Attributes, stdout: TextIOBase) -> bool:
    """Handle the request from disk alone; False means the full helper must decide."""
    url = request_url(attrs.single)
    if url is None:
        return True  # not https: nothing for us, and nothing for the full helper either
    accounts = state_files.load(state_files.path(state_files.ACCOUNTS)) or {}
    if os.environ.get("AZREPOS_SECRET_STORE", "auto") in ("auto", "file"):
        secrets = state_files.load(state_files.path(state_files.SECRETS), private=True) or {}
    else:
        secrets = {}
    pat_orgs = [k[4:] for k in secrets if k.startswith("pat:")]
    org = match_known(url, [*accounts, *pat_orgs])
    if org is None:
        return False
    if operation == "get":
        account = accounts.get(org)
        if isinstance(account, dict):
            cache = state_files.load(state_files.path(state_files.TOKEN_CACHE), private=True)
            found = cache and find_valid(
                cache, client_id=str(account.get("client_id")), tenant=str(account.get("tenant")),
                home_account_id=str(account.get("home_account_id") or ""), now=time.time())
            if found:
                protocol.write(stdout, answer_token(attrs, _org_name(org), *found))
                return True
            return False  # expired: the full helper refreshes it
        pat = secrets.get(f"pat:{org}")
        if isinstance(pat, str) and pat:
            protocol.write(stdout, answer_pat(attrs, _org_name(org), pat))
            return True
        return False
    password = attrs.get("password")
    # git calls store after every success: make the common case (our own answer) cost nothing.
    return operation == "store" and bool(password) and (
        looks_like_jwt(password) or secrets.get(f"pat:{org}") == password)



def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else list(argv)
    operation = args[0] if args else ""
    if operation not in OPERATIONS:
        return 0  # unknown operations are ignored silently, as git asks
    try:
        attrs = protocol.read(sys.stdin)
    except protocol.ProtocolError as exc:
        say(str(exc))
        return 1
    try:
        if quick(operation, attrs, sys.stdout):
            return 0
    except protocol.ProtocolError as exc:
        say(str(exc))
        return 1
    except Exception:  # noqa: S110 - anything odd on disk: the full helper explains it
        pass
    from .helper import run

    return run(operation, attrs, sys.stdout)


if __name__ == "__main__":
    sys.exit(main())
