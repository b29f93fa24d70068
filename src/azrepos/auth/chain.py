"""The credential for an organization, in the one order of ``auth.order``, for every face: the
CLI, ``exec``, ``clone``, ``doctor``, the Ansible modules and the credential helper."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, TextIO

from ..errors import AzreposError, CredentialMissing
from ..redaction import Secret
from ..secretstore.base import SecretStore
from . import accounts
from .credentials import BearerCredential, Credential, PatCredential
from .fresh_token import token_for
from .order import PAT_ENV, PIPELINE_TOKEN_ENV, environment_pat, pipeline_token
from .pat_input import read_pat, store_key

if TYPE_CHECKING:
    from ..connection import ConnectionProfile

log = logging.getLogger(__name__)


def resolve_credential(
    profile: ConnectionProfile,
    *,
    open_store: Callable[[], SecretStore] | None = None,
    pat_stdin: bool = False,
    stdin: TextIO | None = None,
    given: Credential | None = None,
) -> Credential:
    """The organization's credential, reached through ``profile`` (its CA and proxy).
    ``open_store`` opens the secret store (default: the profile's); ``given`` is a module's own
    ``token``/``pat`` option. Raises CredentialMissing, or the Entra sign-in's error when it
    was the only source and could not give a token."""
    org, network = profile.org, profile.network
    store = open_store or (lambda: profile.secret_store().store)
    if given is not None:
        return given
    pat = environment_pat()
    if pat:
        if pat_stdin:
            log.warning("%s is set, so the PAT on standard input is not used", PAT_ENV)
        return PatCredential(Secret(pat), f"PAT from {PAT_ENV}")
    if pat_stdin:
        return PatCredential(read_pat(stdin), "PAT from standard input")
    token = pipeline_token()
    if token:
        return BearerCredential.fixed(Secret(token), PIPELINE_TOKEN_ENV)
    refused = None
    account = accounts.find(org.url)
    if account is not None:
        try:
            token_for(account, network)  # fail now, not in the middle of a command
            who = account.username or account.flow
            return BearerCredential(lambda: token_for(account, network),
                                    f"Entra sign-in of {who}")
        except AzreposError as exc:
            refused = exc
    stored = store().get(store_key(org))
    if stored:
        if refused is not None:
            log.warning("the Entra sign-in for %s gave no token (%s); the stored PAT is used",
                        org.url, refused.message)
        return PatCredential(stored, f"stored PAT for {org.name}", saved=True)
    if refused is not None:
        raise refused
    raise CredentialMissing(
        f"no credential for {org.url}",
        hint=f"run 'azrepos login --org {org.url}' (Entra), or set {PAT_ENV}, or pass "
        "--pat-stdin",
    )


def sources_present(profile: ConnectionProfile) -> list[str]:
    """The sources this machine has for the organization, in the order they are tried (no
    network)."""
    org = profile.org
    found = [name for name, present in (
        (PAT_ENV, environment_pat()),
        (PIPELINE_TOKEN_ENV, pipeline_token()),
        ("Entra sign-in", accounts.find(org.url)),
    ) if present]
    try:
        if profile.secret_store().store.get(store_key(org)):
            found.append("stored PAT")
    except AzreposError:
        pass
    return found
