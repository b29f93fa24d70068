"""Personal access tokens in Azure DevOps' current 84-character format, and their hashes."""

from __future__ import annotations

import hashlib
import re
import secrets
import string

_BASE32_LOWER = string.ascii_lowercase + "234567"
_ALNUM = string.ascii_letters + string.digits
PAT_PATTERN = re.compile(r"^[a-z2-7]{52}JQQJ99[A-Za-z0-9][A-L][A-Za-z0-9]{12}AAASAZDO[A-Za-z0-9]{4}$")


def _pick(alphabet: str, count: int) -> str:
    return "".join(secrets.choice(alphabet) for _ in range(count))


def generate_pat() -> str:
    """A fresh PAT: 52 base32 chars, JQQJ99, 1 char, one of A-L, 16 chars ending AAAS, AZDO, 4 chars."""
    pat = (
        _pick(_BASE32_LOWER, 52)
        + "JQQJ99"
        + _pick(_ALNUM, 1)
        + _pick("ABCDEFGHIJKL", 1)
        + _pick(_ALNUM, 12)
        + "AAAS"  # every real PAT seen so far ends its 16-char block so
        + "AZDO"
        + _pick(_ALNUM, 4)
    )
    assert len(pat) == 84  # format invariant, cheap to keep honest
    return pat


def hash_pat(pat: str) -> str:
    """What the database keeps instead of the PAT itself."""
    return hashlib.sha256(pat.encode()).hexdigest()
