"""Private/public key files on disk: generate, reuse, name the retired pair. Never overwrites a
private key (rotation.py moves pairs)."""

from __future__ import annotations

import getpass
import os
import socket
import warnings
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.utils import CryptographyDeprecationWarning

from ..errors import ConfigError, KeyRejected
from ..fileio import create_exclusive, ensure_private_dir, refuse_symlink, write_atomic
from .public_key import MIN_RSA_BITS, PublicKey, parse, require_azure_compatible

DEFAULT_BITS = 4096
DEFAULT_KEY_NAME = "id_rsa_azrepos"


def default_key_path(home: Path | None = None) -> Path:
    return (home or Path.home()) / ".ssh" / DEFAULT_KEY_NAME


def default_comment() -> str:
    return f"azrepos:{getpass.getuser()}@{socket.gethostname()}"


@dataclass(frozen=True)
class LocalKey:
    private_path: Path
    public: PublicKey
    created: bool


def pub_path(private_path: Path) -> Path:
    return private_path.with_name(private_path.name + ".pub")


def prepare_dir(directory: Path) -> None:
    # ~/.ssh must be 0700 for OpenSSH; other directories are only created if missing.
    if directory.name == ".ssh":
        ensure_private_dir(directory)
    else:
        directory.mkdir(parents=True, exist_ok=True)


def generate(path: Path, *, bits: int = DEFAULT_BITS, comment: str | None = None) -> LocalKey:
    """Create a new RSA key pair at ``path``; FileExistsError if a private key is there."""
    if bits < MIN_RSA_BITS:
        raise KeyRejected(f"an RSA key needs at least {MIN_RSA_BITS} bits, not {bits}",
                          hint="use 4096")
    prepare_dir(path.parent)
    if pub_path(path).exists():
        raise ConfigError(
            f"{pub_path(path)} exists but {path} does not; azrepos will not replace it",
            hint=f"move {pub_path(path)} away, or pass --key pointing at its private key",
        )
    private = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.OpenSSH,
        serialization.NoEncryption(),
    )
    create_exclusive(path, pem, mode=0o600)
    public_line = private.public_key().public_bytes(
        serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH
    ).decode()
    key = parse(f"{public_line} {comment or default_comment()}")
    write_atomic(pub_path(path), key.line + "\n", mode=0o644)
    return LocalKey(path, key, created=True)


def _derive_public(path: Path) -> PublicKey:
    with warnings.catch_warnings():  # DSA's deprecation notice: the key's refusal says more
        warnings.simplefilter("ignore", CryptographyDeprecationWarning)
        return _read_public(path)


def _read_public(path: Path) -> PublicKey:
    data = path.read_bytes()
    try:
        try:
            private = serialization.load_ssh_private_key(data, password=None)
        except ValueError:
            private = serialization.load_pem_private_key(data, password=None)
    except TypeError:
        raise KeyRejected(
            f"{path} is protected by a passphrase and has no {pub_path(path).name} beside it",
            hint=f"write the public key with: ssh-keygen -y -f {path} > {pub_path(path)}",
        ) from None
    except (ValueError, UnsupportedAlgorithm):
        raise KeyRejected(f"{path} is not a private key azrepos can read",
                          hint="pass --key with an OpenSSH or PEM RSA private key") from None
    line = private.public_key().public_bytes(
        serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH
    ).decode()
    return parse(f"{line} {default_comment()}")


def load(path: Path) -> LocalKey:
    """Load an existing key pair, repairing a lax private-key mode and a missing .pub."""
    for part in (path.parent, path, pub_path(path)):
        refuse_symlink(part)
    if not path.is_file():
        raise ConfigError(f"no private key at {path}", hint="omit --key to let azrepos create one")
    if (path.stat().st_mode & 0o077) and os.access(path, os.W_OK):
        path.chmod(0o600)  # OpenSSH refuses private keys others can read
    public_file = pub_path(path)
    if public_file.is_file():
        public = parse(public_file.read_text(encoding="utf-8"))
        try:
            derived = _derive_public(path)
        except KeyRejected:
            derived = None  # encrypted: trust the .pub beside it
        if derived is not None and derived.fingerprint != public.fingerprint:
            raise ConfigError(
                f"{public_file} does not belong to {path} (fingerprints differ)",
                hint=f"regenerate it: ssh-keygen -y -f {path} > {public_file}",
            )
    else:
        public = _derive_public(path)
        write_atomic(public_file, public.line + "\n", mode=0o644)
    require_azure_compatible(public)
    return LocalKey(path, public, created=False)


def ensure(path: Path, *, bits: int = DEFAULT_BITS, comment: str | None = None) -> LocalKey:
    """Reuse the key at ``path`` if it is suitable, or create it if there is none."""
    if path.exists() or path.is_symlink():
        return load(path)
    try:
        return generate(path, bits=bits, comment=comment)
    except FileExistsError:  # another run created it meanwhile: use that one
        return load(path)


def free_retired_name(path: Path, *, now: datetime | None = None) -> str:
    """A name for the retired pair, ``<name>.retired-<UTC stamp>``, with ``.N`` added when a
    rotation in the same second took that name (neither the key nor its .pub there)."""
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    for attempt in range(1000):
        name = f"{path.name}.retired-{stamp}" + (f".{attempt}" if attempt else "")
        target = path.with_name(name)
        if not (target.exists() or target.is_symlink() or pub_path(target).exists()):
            return name
    raise ConfigError(f"too many retired keys named {path.name}.retired-{stamp}*",
                      hint=f"remove old retired keys from {path.parent}")
