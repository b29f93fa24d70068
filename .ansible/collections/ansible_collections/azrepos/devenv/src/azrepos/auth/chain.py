"""The credential an organization-level command uses: the PAT sources of the CLI contract
(environment, stored, standard input), then an Entra sign-in made with ``azrepos login``."""

from __future__ import annotations

from collections.abc import Callable
from typing import TextIO

from ..errors import CredentialMissing
from ..secretstore.base import SecretStore
from ..urls import Organization
from . import accounts
from .credentials import BearerCredential, PatCredential
from .entra_source import token_for
from .pat_sources import resolve_pat


def resolve_credential(
    org: Organization,
    *,
    pat_stdin: bool,
    stdin: TextIO,
    open_store: Callable[[], SecretStore],
    ca_bundle: str | None,
) -> PatCredential | BearerCredential:
    try:
        return resolve_pat(org, pat_stdin=pat_stdin, stdin=stdin, open_store=open_store)
    except CredentialMissing:
        account = accounts.find(org.url)
        if account is None:
            raise
    who = account.username or account.flow
    return BearerCredential(lambda: token_for(account, ca_bundle)[0],
                            f"Entra sign-in of {who}")
