"""A private CA and a loopback server certificate for the sandbox's HTTPS endpoint.

Both persist in the state directory, so a client that trusted the CA keeps trusting it after
a restart. Keys are written 0600.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID

from azrepos_sandbox.disk import replace_file
from azrepos_sandbox.pki import cert_pem, certificate, private_pem


@dataclass(frozen=True)
class TlsFiles:
    ca_cert: Path
    ca_key: Path
    server_cert: Path
    server_key: Path


def tls_files(state_dir: Path) -> TlsFiles:
    tls = state_dir / "tls"
    return TlsFiles(tls / "ca.pem", tls / "ca-key.pem", tls / "server.pem",
                    tls / "server-key.pem")


def _make_ca(files: TlsFiles) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        certificate("azrepos sandbox CA", key, 3650)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(
            digital_signature=True, content_commitment=False, key_encipherment=False,
            data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
            encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                       critical=False)
        .sign(key, hashes.SHA256())
    )
    replace_file(files.ca_key, private_pem(key), mode=0o600)
    replace_file(files.ca_cert, cert_pem(cert), mode=0o644)
    return cert, key


def _load_ca(files: TlsFiles) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    cert = x509.load_pem_x509_certificate(files.ca_cert.read_bytes())
    key = serialization.load_pem_private_key(files.ca_key.read_bytes(), password=None)
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise ValueError(f"{files.ca_key}: not an EC key")
    return cert, key


def _names(host_name: str | None) -> list[x509.GeneralName]:
    names: list[x509.GeneralName] = [x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
                                     x509.DNSName("localhost")]
    return [*names, x509.DNSName(host_name)] if host_name else names


def _make_server(files: TlsFiles, ca_cert: x509.Certificate,
                 ca_key: ec.EllipticCurvePrivateKey, host_name: str | None) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        certificate("127.0.0.1", key, 825, issuer=ca_cert.subject)
        .add_extension(x509.SubjectAlternativeName(_names(host_name)), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]),
                       critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
            ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    replace_file(files.server_key, private_pem(key), mode=0o600)
    replace_file(files.server_cert, cert_pem(cert), mode=0o644)


def _server_cert_current(files: TlsFiles, ca_cert: x509.Certificate,
                         host_name: str | None) -> bool:
    if not (files.server_cert.exists() and files.server_key.exists()):
        return False
    cert = x509.load_pem_x509_certificate(files.server_cert.read_bytes())
    soon = dt.datetime.now(dt.UTC) + dt.timedelta(days=7)
    names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    return (cert.issuer == ca_cert.subject and cert.not_valid_after_utc > soon
            and set(names) == set(_names(host_name)))


def ensure_tls(state_dir: Path, host_name: str | None = None) -> TlsFiles:
    """Create the CA and server certificate on first start; reuse them afterwards (a new
    server certificate when ``host_name``, an extra name for it, changed)."""
    files = tls_files(state_dir)
    files.ca_cert.parent.mkdir(mode=0o700, exist_ok=True)
    if files.ca_cert.exists() and files.ca_key.exists():
        ca_cert, ca_key = _load_ca(files)
    else:
        ca_cert, ca_key = _make_ca(files)
    if not _server_cert_current(files, ca_cert, host_name):
        _make_server(files, ca_cert, ca_key, host_name)
    return files
