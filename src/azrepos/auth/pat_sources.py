"""Where a PAT comes from, in the CLI contract's order: environment, stored, standard input."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping
from typing import TextIO

from ..errors import CredentialMissing, UsageError
from ..redaction import Secret
from ..secretstore.base import SecretStore
from ..secretstore.selection import pat_key
from ..urls import Organization
from .credentials import PatCredential

log = logging.getLogger(__name__)

PAT_ENV = "AZURE_DEVOPS_EXT_PAT"


def store_key(org: Organization) -> str:
    return pat_key(org.credential_key)


def read_pat(stream: TextIO) -> Secret:
    """Read one PAT from a stream (the first line); refuse what cannot be a PAT."""
    line = stream.readline()
    value = line.strip()
    if not value:
        raise UsageError("--pat-stdin was given but standard input held no PAT",
                         hint="pipe the PAT in: azrepos ... --pat-stdin < pat.txt")
    if any(c.isspace() for c in value) or len(value) < 20:
        raise UsageError("the PAT read from standard input is malformed",
                         hint="give the PAT alone on the first line of standard input")
    return Secret(value)


def resolve_pat(
    org: Organization,
    *,
    pat_stdin: bool,
    stdin: TextIO,
    open_store: Callable[[], SecretStore],
    env: Mapping[str, str] | None = None,
) -> PatCredential:
    environ = os.environ if env is None else env
    value = environ.get(PAT_ENV, "").strip()
    if value:
        if pat_stdin:
            log.warning("%s is set, so the PAT on standard input is not used", PAT_ENV)
        return PatCredential(Secret(value), f"PAT from {PAT_ENV}")
    stored = open_store().get(store_key(org))
    if stored:
        if pat_stdin:  # said here and in any error, which names the credential
            log.warning("a stored PAT for %s is used; the one on standard input is not", org.url)
            return PatCredential(stored, f"the stored PAT for {org.name}, not the one on standard "
                                 f"input (remove it: azrepos logout --org {org.url})")
        return PatCredential(stored, f"stored PAT for {org.name}")
    if pat_stdin:
        return PatCredential(read_pat(stdin), "PAT from standard input")
    raise CredentialMissing(
        f"no credential for {org.url}",
        hint=f"set {PAT_ENV}, run 'azrepos login --org {org.url} --pat-stdin', "
        "or pass --pat-stdin",
    )
