"""Builds the Entra stand-in from the store and state directory, and plugs it into the app."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ...fileio import ensure_private_dir
from ..admin import AdminExtension
from ..app import SandboxApp
from ..auth import Authenticator
from ..bearer_auth import bearer_authenticator
from ..constants import ENTRA_DIR
from ..store import Store
from .admin import EntraAdmin
from .device_flow import DeviceFlow
from .grants import TokenEndpoint
from .msi import ManagedIdentityEndpoint
from .records import EntraRecords
from .routes import TenantRoutes, TenantUrls
from .seed import EntraSeeded, seed_entra
from .settings import EntraSettings
from .signing import SigningKey, ensure_signing_key
from .tokens import TokenMinter


@dataclass
class EntraStandIn:
    store: Store
    tenant_id: str
    base_url: str
    urls: TenantUrls
    key: SigningKey
    records: EntraRecords
    seeded: EntraSeeded
    settings: EntraSettings
    # App Service hands its apps a fresh IDENTITY_HEADER; so does each sandbox start.
    identity_header: str

    @classmethod
    def start(cls, store: Store, state_dir: Path, tenant_id: str,
              base_url: str) -> EntraStandIn:
        folder = state_dir / ENTRA_DIR
        ensure_private_dir(folder)
        records = EntraRecords(store)
        return cls(store, tenant_id, base_url, TenantUrls(base_url, tenant_id),
                   ensure_signing_key(folder), records,
                   seed_entra(store, records, folder, tenant_id), EntraSettings(),
                   secrets.token_urlsafe(32))

    def authenticator(self) -> Authenticator:
        return bearer_authenticator(self.store, self.records, self.key, self.tenant_id)

    def install(self, app: SandboxApp) -> dict[str, AdminExtension]:
        """Mount the tenant and managed identity routes; return the admin extensions."""
        minter = TokenMinter(self.key, self.tenant_id, self.urls.issuer, self.settings)
        device_flow = DeviceFlow(self.records, self.settings, self.tenant_id,
                                 self.urls.device_login)
        token_endpoint = TokenEndpoint(self.store, self.records, minter, device_flow,
                                       self.settings, self.urls.token)
        app.mount(self.tenant_id, TenantRoutes(self.tenant_id, self.urls, self.key,
                                               device_flow, token_endpoint), faults=True)
        app.mount("msi", ManagedIdentityEndpoint(
            minter, self.identity_header, self.seeded.system_identity,
            [self.seeded.user_identity]), faults=True)
        return {"entra": EntraAdmin(self.store, self.records, device_flow, self.settings,
                                    self.tenant_id)}

    def info(self) -> dict[str, Any]:
        """The sandbox.json keys a test needs to sign in."""
        return {
            "authority": self.urls.authority,
            "sp_client_id": self.seeded.service_principal.client_id,
            "sp_client_secret": self.seeded.sp_secret,
            "sp_certificate_file": str(self.seeded.sp_certificate_file),
            "sp_object_id": self.seeded.service_principal.object_id,
            "identity_endpoint": f"{self.base_url}/msi/token",
            "identity_header": self.identity_header,
            "managed_identity_client_id": self.seeded.system_identity.client_id,
            "user_assigned_identity_client_id": self.seeded.user_identity.client_id,
        }
