"""RSA keys and self-signed certificates: the token signing key and the app's credential."""

from __future__ import annotations

import hashlib

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from azrepos_sandbox.entra.jws import b64url
from azrepos_sandbox.pki import certificate


def new_rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def self_signed(key: rsa.RSAPrivateKey, common_name: str, days: int) -> x509.Certificate:
    return certificate(common_name, key, days).sign(key, hashes.SHA256())


def load_rsa_key(pem: bytes) -> rsa.RSAPrivateKey:
    key = serialization.load_pem_private_key(pem, password=None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ValueError("not an RSA private key")
    return key


def sha1_thumbprint(cert: x509.Certificate) -> str:
    """Lower-case hex SHA-1 of the DER certificate: what the Azure portal shows (upper case)."""
    der = cert.public_bytes(serialization.Encoding.DER)
    return hashlib.sha1(der, usedforsecurity=False).hexdigest()


def sha256_thumbprint(cert: x509.Certificate) -> str:
    return hashlib.sha256(cert.public_bytes(serialization.Encoding.DER)).hexdigest()


def x5t(cert: x509.Certificate) -> str:
    """The JWS ``x5t`` header: base64url of the binary SHA-1 thumbprint."""
    return b64url(bytes.fromhex(sha1_thumbprint(cert)))
