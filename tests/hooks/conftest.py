"""Fake secrets made at test time (nothing real-looking is committed), and git helpers."""

from __future__ import annotations

import base64
import functools
import json
import secrets
import string
import subprocess
import tempfile
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import dsa, ec, rsa

from azrepos.secretscan.tokens import token_kind

BASE32 = string.ascii_lowercase + "234567"
ALNUM = string.ascii_letters + string.digits
B64URL = ALNUM + "-_"

GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.com",
    "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.com",
}


def _random(alphabet: str, length: int) -> str:
    return "".join(secrets.choice(alphabet) for _ in range(length))


def legacy_pat() -> str:
    # Redraw the rare draw the detector deliberately lets through as "not random" (1 in 40,000).
    while token_kind(value := _random(BASE32, 52)) is None:
        pass
    return value


def current_pat() -> str:
    while True:
        value = (_random(ALNUM, 52) + "JQQJ99" + _random(ALNUM, 1) + secrets.choice("ABCDEFGHIJKL")
                 + _random(ALNUM, 12) + "AAASAZDO" + _random(ALNUM, 4))
        if token_kind(value) is not None:
            return value


def b64url(data: dict[str, object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


def jwt(claims: int = 12) -> str:
    """An Entra-shaped access token: RS256 header, a payload of claims, a random signature."""
    header = {"typ": "JWT", "alg": "RS256", "x5t": _random(B64URL, 27), "kid": _random(B64URL, 27)}
    payload: dict[str, object] = {
        "aud": "499b84ac-1321-427f-aa17-267ca6975798",
        "iss": "https://sts.windows.net/00000000-0000-0000-0000-000000000000/",
        "iat": 1700000000, "nbf": 1700000000, "exp": 1700003600,
    }
    payload.update({f"claim{i}": _random(ALNUM, 24) for i in range(claims)})
    return f"{b64url(header)}.{b64url(payload)}.{_random(B64URL, 342)}"


def git(*args: str, cwd: Path, env: dict[str, str] | None = None) -> str:
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True,
                          text=True).stdout


def init_repo(path: Path, env: dict[str, str] | None = None) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    git("init", "-q", "-b", "main", cwd=path, env=env)
    return path


def leaked_pieces(secret: str, output: str, size: int = 10) -> list[str]:
    """Every ``size``-long piece of the secret found in output (prefixes and suffixes included)."""
    return [secret[i:i + size] for i in range(len(secret) - size + 1) if secret[i:i + size] in output]


@pytest.fixture
def repo(tmp_path: Path, home: Path) -> Path:
    """A git repository in an isolated HOME (no user or system git config)."""
    return init_repo(tmp_path / "repo")


@functools.cache
def openssh_key(key_type: str = "ed25519") -> str:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp, "id")
        subprocess.run(["ssh-keygen", "-q", "-t", key_type, "-N", "", "-C", "test", "-f", str(path)],
                       check=True, capture_output=True)
        return path.read_text()


@functools.cache
def pem_key(label: str) -> str:
    """A PEM private key whose BEGIN line reads ``label`` ("RSA", "EC", "DSA", "ENCRYPTED", "")."""
    key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey | dsa.DSAPrivateKey
    if label == "EC":
        key = ec.generate_private_key(ec.SECP256R1())
    elif label == "DSA":
        key = dsa.generate_private_key(1024)
    else:
        key = rsa.generate_private_key(65537, 2048)
    traditional = label in ("RSA", "EC", "DSA")
    fmt = serialization.PrivateFormat.TraditionalOpenSSL if traditional else serialization.PrivateFormat.PKCS8
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(b"passphrase") if label == "ENCRYPTED"
        else serialization.NoEncryption())
    return key.private_bytes(serialization.Encoding.PEM, fmt, encryption).decode()
