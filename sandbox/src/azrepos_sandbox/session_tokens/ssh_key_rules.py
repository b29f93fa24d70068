"""SSH public keys as the service judges them, written from azure-devops-facts.md on its own:
RSA only, 2048 bits or more; keys are told apart by their SHA256 fingerprint."""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass

ACCEPTED_TYPE = "ssh-rsa"
MIN_RSA_BITS = 2048  # "2048 bits or more, 4096 recommended"


class NotAKeyLine(ValueError):
    """Text that is not an OpenSSH public key line (type, base64 blob, comment)."""


def _wire_fields(blob: bytes) -> list[bytes]:
    """The length-prefixed fields of an SSH wire-format key blob."""
    fields, offset = [], 0
    while offset < len(blob):
        if offset + 4 > len(blob):
            raise NotAKeyLine("truncated length")
        size = int.from_bytes(blob[offset:offset + 4], "big")
        offset += 4
        if offset + size > len(blob):
            raise NotAKeyLine("truncated field")
        fields.append(blob[offset:offset + size])
        offset += size
    return fields


@dataclass(frozen=True)
class SubmittedKey:
    algorithm: str
    blob: bytes
    comment: str
    rsa_bits: int | None  # None for any other algorithm

    @property
    def fingerprint(self) -> str:
        return "SHA256:" + base64.b64encode(hashlib.sha256(self.blob).digest()).decode().rstrip("=")

    @property
    def normalised(self) -> str:
        return " ".join(filter(None, (self.algorithm, base64.b64encode(self.blob).decode(),
                                      self.comment)))


def read_key_line(text: str) -> SubmittedKey:
    words = text.strip().split(None, 2)
    if len(words) < 2:
        raise NotAKeyLine("expected 'TYPE BASE64 [comment]'")
    try:
        blob = base64.b64decode(words[1], validate=True)
    except (binascii.Error, ValueError):
        raise NotAKeyLine("the key data is not base64") from None
    fields = _wire_fields(blob)
    if not fields or fields[0] != words[0].encode():
        raise NotAKeyLine("the key data does not match its type")
    bits = None
    if words[0] == ACCEPTED_TYPE:
        if len(fields) != 3:
            raise NotAKeyLine("an RSA key holds an exponent and a modulus")
        bits = int.from_bytes(fields[2], "big").bit_length()
    return SubmittedKey(words[0], blob, words[2].strip() if len(words) > 2 else "", bits)
