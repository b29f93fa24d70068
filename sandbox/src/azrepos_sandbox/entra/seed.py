"""First-start registrations: GCM's public client, a service principal with a secret and a
certificate, and two managed identities (system- and user-assigned).

Each app also gets an Azure DevOps identity whose id is the app's object id, so a token's
``oid`` names the caller for users and apps alike. The secret and the certificate (with its
key) are kept in 0600 files so sandbox.json can show them again after a restart; the database
holds only the secret's hash and the certificate's public part.
"""

from __future__ import annotations

import secrets
import string
from dataclasses import dataclass, replace
from pathlib import Path

from cryptography import x509

from azrepos_sandbox.constants import GCM_CLIENT_ID
from azrepos_sandbox.disk import replace_file
from azrepos_sandbox.entra.certs import new_rsa_key, self_signed, sha1_thumbprint
from azrepos_sandbox.entra.records import (
    CONFIDENTIAL,
    MANAGED_IDENTITY,
    PUBLIC,
    App,
    EntraRecords,
    token_hash,
)
from azrepos_sandbox.pki import cert_pem, private_pem
from azrepos_sandbox.store import Store, new_guid

SP_NAME = "fabrikam-automation"
SECRET_FILE = "sp-secret"  # noqa: S105 - a file name, not a secret
CERT_FILE = "sp-certificate.pem"
_SECRET_CHARS = string.ascii_letters + string.digits + "_.~-"
# Any fixed id: the managed identities' resource ids only need to look like Azure's.
SUBSCRIPTION_ID = "6f1e2d3c-4b5a-4978-8a6b-5c4d3e2f1a0b"


@dataclass(frozen=True)
class EntraSeeded:
    service_principal: App
    sp_secret: str
    sp_certificate_file: Path
    system_identity: App
    user_identity: App


def app_descriptor(tenant_id: str, object_id: str) -> str:
    return f"Microsoft.VisualStudio.Services.Claims.AadServicePrincipal;{tenant_id}\\{object_id}"


def new_client_secret() -> str:
    # The shape of Entra's secret values (three characters, "8Q~", then 34 more), which secret
    # scanners look for.
    head = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(3))
    return head + "8Q~" + "".join(secrets.choice(_SECRET_CHARS) for _ in range(34))


def _register(store: Store, records: EntraRecords, tenant_id: str, kind: str, name: str,
              resource_id: str | None = None) -> App:
    app = App(new_guid(), new_guid(), kind, name, None, resource_id=resource_id)
    user = store.add_user(f"app:{app.client_id}", name, app.client_id, tenant_id,
                          user_id=app.object_id,
                          descriptor=app_descriptor(tenant_id, app.object_id))
    app = replace(app, user_id=user.id)
    records.put_app(app)
    return app


def _secret(records: EntraRecords, app: App, path: Path) -> tuple[App, str]:
    if path.exists():
        secret = path.read_text().strip()
        if app.secret_hash == token_hash(secret):
            return app, secret
    secret = new_client_secret()
    replace_file(path, secret + "\n", mode=0o600)
    app = replace(app, secret_hash=token_hash(secret))
    records.put_app(app)
    return app, secret


def _certificate(records: EntraRecords, app: App, path: Path) -> App:
    if path.exists() and app.cert_thumbprint:
        on_disk = x509.load_pem_x509_certificate(path.read_bytes())
        if sha1_thumbprint(on_disk) == app.cert_thumbprint:
            return app
    key = new_rsa_key()
    cert = self_signed(key, SP_NAME, days=730)
    # Certificate first, then its key: the one-file PEM az and azrepos login --certificate take.
    replace_file(path, cert_pem(cert) + private_pem(key), mode=0o600)
    app = replace(app, cert_pem=cert_pem(cert).decode(), cert_thumbprint=sha1_thumbprint(cert))
    records.put_app(app)
    return app


def _identity(store: Store, records: EntraRecords, tenant_id: str, name: str,
              resource_id: str) -> App:
    for app in records.apps(MANAGED_IDENTITY):
        if app.display_name == name:
            return app
    return _register(store, records, tenant_id, MANAGED_IDENTITY, name, resource_id)


def seed_entra(store: Store, records: EntraRecords, folder: Path,
               tenant_id: str) -> EntraSeeded:
    if records.app(GCM_CLIENT_ID) is None:
        records.put_app(App(GCM_CLIENT_ID, new_guid(), PUBLIC, "Git Credential Manager", None))
    existing = records.apps(CONFIDENTIAL)
    sp = existing[0] if existing else _register(store, records, tenant_id, CONFIDENTIAL,
                                                SP_NAME)
    sp, secret = _secret(records, sp, folder / SECRET_FILE)
    sp = _certificate(records, sp, folder / CERT_FILE)
    group = f"/subscriptions/{SUBSCRIPTION_ID}/resourcegroups/fabrikam/providers"
    system = _identity(store, records, tenant_id, "fabrikam-app",
                       f"{group}/Microsoft.Web/sites/fabrikam-app")
    user_assigned = _identity(
        store, records, tenant_id, "fabrikam-identity",
        f"{group}/Microsoft.ManagedIdentity/userAssignedIdentities/fabrikam-identity")
    return EntraSeeded(sp, secret, folder / CERT_FILE, system, user_assigned)
