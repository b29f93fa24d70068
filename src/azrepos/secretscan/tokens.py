"""Azure DevOps PATs (legacy and current) and Entra / JWT access tokens in a line of text."""

from __future__ import annotations

import base64
import binascii
import json
import math
import re
from collections.abc import Iterator
from itertools import pairwise

from .findings import CURRENT_PAT, JWT, LEGACY_PAT, Span

# Entra tokens run past 1,000 characters; anything this short is a doc sample, not a credential.
MIN_JWT_LENGTH = 100
MIN_JWT_SIGNATURE = 16

# Current format: 52 chars, JQQJ99, 1 char, one of A-L, 16 chars (seen ending AAAS), AZDO, 4 chars
# (84 in all). Only the stable parts are pinned; the 16-char filler varies between PATs.
_CURRENT_BODY = r"[A-Za-z0-9]{52}JQQJ99[A-Za-z0-9][A-L][A-Za-z0-9]{16}AZDO[A-Za-z0-9]{4}"
_CURRENT = re.compile(rf"(?<![A-Za-z0-9]){_CURRENT_BODY}(?![A-Za-z0-9])")
_CURRENT_FULL = re.compile(_CURRENT_BODY)

# A bare 52-char base32 run is too common (hashes, ids) to report on its own: only report it
# where something assigns it to a secret-sounding name or passes it as a password option.
_KEY = r"(?i:pat|token|pass|pwd|secret|credential|auth|key)[\w.-]{0,40}"
_ASSIGNMENT = rf"{_KEY}[\"'\]]?[ \t]{{0,8}}(?::=|=>|[:=>])[ \t]{{0,8}}[\"'`]?"
_OPTION = r"(?:^|\s)(?:(?i:-p|--pat|--token|--password)(?:[ \t]{1,8}|=)|-u[ \t]{1,8}[^\s:\"']{0,100}:)[\"']?"
# Call shapes that take a PAT: NuGet's ClearTextPassword, VssBasicCredential, msrest's
# BasicAuthentication, and `echo PAT | az devops login` (checked by the look-ahead).
_CALL = (r"(?i:ClearTextPassword\"[ \t]{1,8}value=\"|(?:VssBasicCredential|BasicAuthentication)"
         r"[ \t]*\([^,()]{0,40},[ \t]*[\"']"
         r"|echo[ \t]{1,8}[\"']?(?=[a-z2-7]{52}[\"']?[ \t]*\|[ \t]*az[ \t]+devops))")
_LEGACY = re.compile(rf"(?:{_ASSIGNMENT}|{_OPTION}|{_CALL})(?P<secret>[a-z2-7]{{52}})(?![A-Za-z0-9])")
_LEGACY_FULL = re.compile(r"[a-z2-7]{52}")
_BASE32_RUN = re.compile(r"(?<![a-z2-7])[a-z2-7]{52}")

# Look-behind pins each match to the start of a base64url run, keeping long lines linear.
_JWT = re.compile(r"(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]++\.[A-Za-z0-9_-]++\.[A-Za-z0-9_-]++")
_JWT_FULL = re.compile(r"eyJ[A-Za-z0-9_-]++\.[A-Za-z0-9_-]++\.[A-Za-z0-9_-]++")

# Letter frequencies of English text in percent; the six base32 digits get 0.5% each.
_ENGLISH_PERCENT = dict(zip(
    "abcdefghijklmnopqrstuvwxyz234567",
    (8.2, 1.5, 2.8, 4.3, 12.7, 2.2, 2.0, 6.1, 7.0, 0.15, 0.77, 4.0, 2.4, 6.7, 7.5, 1.9, 0.095, 6.0,
     6.3, 9.1, 2.8, 0.98, 2.4, 0.15, 2.0, 0.074, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5), strict=True))
_ENGLISH_WEIGHT = {ch: math.log2(32 * pct / sum(_ENGLISH_PERCENT.values()))
                   for ch, pct in _ENGLISH_PERCENT.items()}
_ALPHABET = "abcdefghijklmnopqrstuvwxyz234567ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
_NEXT = dict(pairwise(_ALPHABET))
PLACEHOLDER_RUN = 8


def is_placeholder(text: str) -> bool:
    """True for hand-typed fakes: a run like ``abcdefgh`` or ``aaaaaaaa`` never occurs at random."""
    run = 1
    for before, after in pairwise(text):
        run = run + 1 if after in (before, _NEXT.get(before)) else 1
        if run >= PLACEHOLDER_RUN:
            return True
    return False


def _is_random_base32(text: str) -> bool:
    """Tell a random base32 PAT from a long lowercase word or identifier that happens to fit."""
    # Log-likelihood ratio of "English-like" over "uniform base32": random PATs score about -50
    # (digits are rare in words), squashed words and names about +35. Cut at 0, it lets through
    # ~1 word-like run in 1,000 and misses ~1 real PAT in 20,000.
    score = sum(_ENGLISH_WEIGHT[ch] for ch in text)
    return score < 0 and len(set(text)) >= 12 and not is_placeholder(text)


def legacy_pats(text: str) -> Iterator[Span]:
    if not _BASE32_RUN.search(text):  # cheap necessary condition: most lines stop here
        return
    for match in _LEGACY.finditer(text):
        if _is_random_base32(match["secret"]):
            yield Span(match.start("secret"), match.end("secret"), LEGACY_PAT)


def current_pats(text: str) -> Iterator[Span]:
    if "JQQJ99" not in text:  # substring tests are far cheaper than the full pattern
        return
    for match in _CURRENT.finditer(text):
        if not is_placeholder(match[0][:52]):
            yield Span(match.start(), match.end(), CURRENT_PAT)


def _b64_json(part: str) -> object:
    try:
        return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    except (binascii.Error, ValueError, RecursionError):  # bad UTF-8, bad or absurdly nested JSON
        return None


def _is_jwt(token: str) -> bool:
    header, payload, signature = token.split(".")
    if len(token) < MIN_JWT_LENGTH or len(signature) < MIN_JWT_SIGNATURE:
        return False
    decoded = _b64_json(header)
    return (isinstance(decoded, dict) and ("alg" in decoded or "typ" in decoded)
            and isinstance(_b64_json(payload), dict))


def jwts(text: str) -> Iterator[Span]:
    if "eyJ" not in text:
        return
    for match in _JWT.finditer(text):
        if _is_jwt(match[0]):
            yield Span(match.start(), match.end(), JWT)


def token_kind(value: str) -> str | None:
    """The kind of token ``value`` is, when all of it is one (a URL's user or password part)."""
    if _CURRENT_FULL.fullmatch(value) and not is_placeholder(value[:52]):
        return CURRENT_PAT
    if _LEGACY_FULL.fullmatch(value) and _is_random_base32(value):
        return LEGACY_PAT
    if _JWT_FULL.fullmatch(value) and _is_jwt(value):
        return JWT
    return None
