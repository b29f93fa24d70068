"""Writes azrepos' on-disk state the way azrepos and MSAL write it, for tests and benchmarks
of the credential helper's read path (the sign-in that would normally write it is tested
separately, against the sandbox's Entra stand-in)."""

from __future__ import annotations

import json
import time
from pathlib import Path

from msal.token_cache import TokenCache

from azrepos.auth.accounts import Account, save
from azrepos.auth.token_cache import plain_cache_path
from azrepos.auth.token_lookup import AZURE_DEVOPS_SCOPE
from azrepos.redaction import Secret
from azrepos.secretstore.file_store import FileStore
from azrepos.secretstore.selection import pat_key


def store_pat(org_url: str, pat: str) -> None:
    FileStore().set(pat_key(org_url.lower()), Secret(pat))


def cache_token(org_url: str, token: str, *, lifetime: int = 3600) -> int:
    save(Account(org_url, "https://login.microsoftonline.com/t", "t", "c", "dev@example.com",
                 "uid.t", "devicecode"))
    expires = int(time.time()) + lifetime
    path: Path = plain_cache_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    entry = {"credential_type": "AccessToken", "secret": token, "home_account_id": "uid.t",
             "environment": "login.microsoftonline.com", "client_id": "c",
             "target": AZURE_DEVOPS_SCOPE, "realm": "t", "expires_on": str(expires),
             "cached_at": str(expires - lifetime)}
    key = TokenCache().key_makers[TokenCache.CredentialType.ACCESS_TOKEN](**entry)  # MSAL's key
    path.write_text(json.dumps({"AccessToken": {key: entry}}))
    path.chmod(0o600)
    return expires
