"""The tenant's token signing key: created once, kept 0600 in the state directory.

Entra publishes each signing certificate in its JWKS with ``kid`` = ``x5t`` = the base64url
SHA-1 thumbprint, and names that kid in every token header; so does the stand-in.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from azrepos_sandbox.disk import replace_file
from azrepos_sandbox.entra import jws
from azrepos_sandbox.entra.certs import load_rsa_key, new_rsa_key, self_signed, x5t
from azrepos_sandbox.pki import cert_pem, private_pem

KEY_NAME = "signing-key.pem"
CERT_NAME = "signing-cert.pem"


@dataclass(frozen=True)
class SigningKey:
    private_key: rsa.RSAPrivateKey
    cert: x509.Certificate

    @property
    def kid(self) -> str:
        return x5t(self.cert)

    @property
    def public_key(self) -> rsa.RSAPublicKey:
        return self.private_key.public_key()

    def sign(self, claims: dict[str, Any]) -> str:
        return jws.sign_rs256(claims, self.private_key, {"x5t": self.kid, "kid": self.kid})

    def jwk(self, issuer: str) -> dict[str, Any]:
        numbers = self.public_key.public_numbers()
        der = self.cert.public_bytes(serialization.Encoding.DER)
        return {
            "kty": "RSA",
            "use": "sig",
            "kid": self.kid,
            "x5t": self.kid,
            "n": jws.b64url(numbers.n.to_bytes((numbers.n.bit_length() + 7) // 8, "big")),
            "e": jws.b64url(numbers.e.to_bytes((numbers.e.bit_length() + 7) // 8, "big")),
            "x5c": [base64.b64encode(der).decode("ascii")],
            "issuer": issuer,
        }


def ensure_signing_key(folder: Path) -> SigningKey:
    """Load the key and certificate from ``folder``, creating both on first start."""
    key_path, cert_path = folder / KEY_NAME, folder / CERT_NAME
    if key_path.exists() and cert_path.exists():
        key = load_rsa_key(key_path.read_bytes())
        cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
        if cert.public_key() == key.public_key():
            return SigningKey(key, cert)
    key = new_rsa_key()
    cert = self_signed(key, "azrepos sandbox token signing", days=3650)
    replace_file(key_path, private_pem(key), mode=0o600)
    replace_file(cert_path, cert_pem(cert), mode=0o644)
    return SigningKey(key, cert)
