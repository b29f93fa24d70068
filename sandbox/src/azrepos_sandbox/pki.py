"""X.509 building blocks shared by the sandbox's TLS endpoint and its Entra stand-in."""

from __future__ import annotations

import datetime as dt

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey


def sandbox_name(common_name: str) -> x509.Name:
    return x509.Name([
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "azrepos sandbox"),
        x509.NameAttribute(NameOID.COMMON_NAME, common_name),
    ])


def certificate(common_name: str, key: PrivateKey, days: int,
                issuer: x509.Name | None = None) -> x509.CertificateBuilder:
    """An unsigned certificate for ``key``, valid from yesterday (clock skew) for ``days``;
    self-issued unless ``issuer`` is given."""
    subject = sandbox_name(common_name)
    now = dt.datetime.now(dt.UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer or subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=days))
    )


def private_pem(key: PrivateKey) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def cert_pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)
