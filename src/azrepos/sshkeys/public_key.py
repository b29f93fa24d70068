"""OpenSSH public key lines: parsing, Azure DevOps rules, and SHA256 fingerprints.

Keys are compared by fingerprint everywhere (never by display name); this is that rule.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import struct
from dataclasses import dataclass

from ..errors import KeyRejected

MIN_RSA_BITS = 2048
_ACCEPTED = "Azure DevOps accepts RSA keys only (2048 bits or more, 4096 recommended)"


@dataclass(frozen=True)
class PublicKey:
    key_type: str
    blob: bytes
    comment: str

    @property
    def fingerprint(self) -> str:
        """SHA256 fingerprint exactly as ``ssh-keygen -lf`` prints it."""
        digest = hashlib.sha256(self.blob).digest()
        return "SHA256:" + base64.b64encode(digest).decode().rstrip("=")

    @property
    def line(self) -> str:
        encoded = base64.b64encode(self.blob).decode()
        return f"{self.key_type} {encoded} {self.comment}".rstrip()

    @property
    def bits(self) -> int:
        if self.key_type != "ssh-rsa":
            return 0
        fields = _ssh_strings(self.blob)
        modulus = fields[2] if len(fields) >= 3 else b""
        return int.from_bytes(modulus, "big").bit_length()


def _ssh_strings(blob: bytes) -> list[bytes]:
    out, offset = [], 0
    while offset + 4 <= len(blob):
        (length,) = struct.unpack(">I", blob[offset : offset + 4])
        offset += 4
        if offset + length > len(blob):
            raise ValueError("truncated key blob")
        out.append(blob[offset : offset + length])
        offset += length
    if offset != len(blob):
        raise ValueError("trailing bytes in key blob")
    return out


def parse(line: str) -> PublicKey:
    """Parse ``type base64 [comment]``; raise KeyRejected when it is not a public key."""
    parts = line.strip().split(None, 2)
    if len(parts) < 2:
        raise KeyRejected(
            "not an OpenSSH public key: expected 'ssh-rsa AAAA... comment'",
            hint="give the .pub file, or the line it holds",
        )
    key_type, encoded = parts[0], parts[1]
    try:
        blob = base64.b64decode(encoded, validate=True)
        fields = _ssh_strings(blob)
    except (binascii.Error, ValueError):
        raise KeyRejected(
            "not an OpenSSH public key: the base64 part is damaged",
            hint="copy the whole .pub line again",
        ) from None
    if not fields or fields[0].decode(errors="replace") != key_type:
        raise KeyRejected("not an OpenSSH public key: the key type does not match its data")
    return PublicKey(key_type, blob, parts[2].strip() if len(parts) == 3 else "")


def require_azure_compatible(key: PublicKey) -> None:
    """Refuse what Azure DevOps would refuse, before any network call."""
    if key.key_type != "ssh-rsa":
        kind = "Ed25519" if "ed25519" in key.key_type else (
            "ECDSA" if "ecdsa" in key.key_type else key.key_type)
        raise KeyRejected(
            f"this is an {kind} key ({key.key_type}); {_ACCEPTED}",
            hint="let azrepos generate one (omit --key), or: ssh-keygen -t rsa -b 4096",
        )
    if key.bits < MIN_RSA_BITS:
        raise KeyRejected(
            f"this RSA key has {key.bits} bits; {_ACCEPTED}",
            hint="generate a new key of 4096 bits: omit --key, or ssh-keygen -t rsa -b 4096",
        )


def fingerprint_of(line: str) -> str | None:
    """Fingerprint of a key line, or None if the line is not a key (as a server may hold)."""
    try:
        return parse(line).fingerprint
    except KeyRejected:
        return None

