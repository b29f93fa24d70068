"""A PAT read from standard input, and the key a PAT is stored under."""

from __future__ import annotations

import sys
from typing import TextIO

from ..errors import UsageError
from ..redaction import Secret
from ..secretstore.selection import pat_key
from ..urls import Organization


def store_key(org: Organization) -> str:
    return pat_key(org.credential_key)


def read_pat(stream: TextIO | None = None) -> Secret:
    """Read one PAT from a stream (the first line); refuse what cannot be a PAT."""
    line = (stream or sys.stdin).readline()
    value = line.strip()
    if not value:
        raise UsageError("--pat-stdin was given but standard input held no PAT",
                         hint="pipe the PAT in: azrepos ... --pat-stdin < pat.txt")
    if any(c.isspace() for c in value) or len(value) < 20:
        raise UsageError("the PAT read from standard input is malformed",
                         hint="give the PAT alone on the first line of standard input")
    return Secret(value)
