"""Builds the Entra stand-in from the store and state directory, and plugs it into the app."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from azrepos_sandbox.admin.routes import AdminExtension
from azrepos_sandbox.app import SandboxApp
from azrepos_sandbox.constants import ENTRA_DIR
from azrepos_sandbox.disk import private_folder
from azrepos_sandbox.entra.admin import EntraAdmin
from azrepos_sandbox.entra.auth_code import AuthorizationCodes
from azrepos_sandbox.entra.device_flow import DeviceFlow
from azrepos_sandbox.entra.grants import TokenEndpoint
from azrepos_sandbox.entra.msi import ManagedIdentityEndpoint
from azrepos_sandbox.entra.records import EntraRecords
from azrepos_sandbox.entra.routes import TenantRoutes, TenantUrls
from azrepos_sandbox.entra.seed import EntraSeeded, seed_entra
from azrepos_sandbox.entra.settings import EntraSettings
from azrepos_sandbox.entra.signing import SigningKey, ensure_signing_key
from azrepos_sandbox.entra.tokens import TokenMinter
from azrepos_sandbox.identity.bearer_auth import bearer_authenticator
from azrepos_sandbox.identity.pat_auth import Authenticator
from azrepos_sandbox.store import Store


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
        private_folder(folder)
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
        auth_codes = AuthorizationCodes(self.store, self.records, self.settings, self.tenant_id,
                                        self.urls.authorize)
        token_endpoint = TokenEndpoint(self.store, self.records, minter, device_flow,
                                       auth_codes, self.settings, self.urls.token)
        app.mount(self.tenant_id, TenantRoutes(self.tenant_id, self.urls, self.key,
                                               device_flow, auth_codes, token_endpoint),
                  faults=True)
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
