"""Private key blocks: OpenSSH, PEM (RSA, EC, DSA, PKCS#8 and encrypted PKCS#8) and PuTTY .ppk."""

from __future__ import annotations

import re
from collections.abc import Iterator

from .findings import Span

_KINDS = {
    "OPENSSH": "private key (OpenSSH)",
    "RSA": "private key (PEM RSA)",
    "EC": "private key (PEM EC)",
    "DSA": "private key (PEM DSA)",
    "ENCRYPTED": "private key (PEM encrypted PKCS#8)",
    "": "private key (PEM PKCS#8)",
}
_BEGIN = re.compile(r"-----BEGIN (?:(?P<label>OPENSSH|RSA|EC|DSA|ENCRYPTED) )?PRIVATE KEY-----")
# Quotes, string concatenation and escaped newlines around a key embedded in source or JSON.
_FILLER = re.compile(r"(?:\s|\\[nr]|[\"'`,;+|])*")
# The first line of a real key's body: base64 at full width, or a legacy PEM encryption header.
_BODY = re.compile(r"[A-Za-z0-9+/]{40}|Proc-Type:")
# PuTTY .ppk (v2 and v3): the private half starts after "Private-Lines: N" on its own line.
_PPK_PRIVATE = re.compile(r"^Private-Lines:[ \t]*[1-9][0-9]{0,3}[ \t]*\r?$")
_PPK_BODY = re.compile(r"[A-Za-z0-9+/]{16,}={0,2}\s*$")
PPK = "private key (PuTTY .ppk)"


def _skip_filler(text: str) -> int:
    match = _FILLER.match(text)
    return match.end() if match else 0


def _body_follows(text: str) -> bool:
    return _BODY.match(text, _skip_filler(text)) is not None


def private_keys(text: str, next_line: str) -> Iterator[Span]:
    """Report a BEGIN marker only when key material follows it, on this line or the next.

    A marker alone (code that checks for it, docs that name it) is not a key.
    """
    if text.startswith("Private-Lines:"):
        if _PPK_PRIVATE.match(text) and _PPK_BODY.match(next_line):
            yield Span(0, len(text.rstrip()), PPK)
        return
    if "PRIVATE KEY-----" not in text:
        return
    for match in _BEGIN.finditer(text):
        rest = text[match.end():]
        same_line = _skip_filler(rest) < len(rest)
        if _body_follows(rest if same_line else next_line):
            yield Span(match.start(), match.end(), _KINDS[match["label"] or ""])
