"""Entra ID sign-in through MSAL: device code, browser, service principal, managed identity.

msal is imported here only, so commands that do not sign in never pay for it.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..errors import AzreposError, ConfigError
from ..redaction import Secret
from . import accounts
from .cached_tokens import AZURE_DEVOPS_RESOURCE, AZURE_DEVOPS_SCOPE
from .tenant import Authority
from .token_cache import open_cache

log = logging.getLogger(__name__)

GCM_CLIENT_ID = "872cd9fa-d31f-45e0-9eab-6e460a02d1f1"  # GCM's public client for Azure Repos
FLOWS = ("devicecode", "browser", "client_secret", "certificate", "managed_identity")


class SignInRequired(AzreposError):
    """The cached sign-in can no longer be refreshed; the user must sign in again."""


@dataclass(frozen=True)
class Token:
    access_token: Secret
    expires_on: int  # epoch seconds
    username: str


def default_flow() -> str:
    """Device code without a display or over SSH (the common case in containers)."""
    has_display = bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    over_ssh = bool(os.environ.get("SSH_CONNECTION") or os.environ.get("SSH_TTY"))
    return "browser" if sys.platform == "darwin" or (has_display and not over_ssh) \
        else "devicecode"


def _http_client(ca_bundle: str | None) -> Any:
    from ..rest.session import PinnedSession

    return PinnedSession(ca_bundle)


def _check(result: dict[str, Any] | None, what: str) -> dict[str, Any]:
    if result and "access_token" in result:
        return result
    error = (result or {}).get("error", "no_answer")
    description = str((result or {}).get("error_description", "")).split("\n")[0][:300]
    if error in ("invalid_grant", "interaction_required"):
        raise SignInRequired(f"{what}: the sign-in has expired or was revoked ({error})",
                             hint="sign in again: azrepos login --org ORG_URL")
    raise ConfigError(f"{what} failed: {error}: {description}",
                      hint="check the tenant, client id and credentials, then try again")


def _token(result: dict[str, Any], username: str) -> Token:
    import time

    expires_on = int(time.time()) + int(result.get("expires_in", 0))
    return Token(Secret(str(result["access_token"])), expires_on, username)


class EntraSignIn:
    """One organization's sign-in: an authority, a client id and the persisted cache."""

    def __init__(self, org_url: str, authority: Authority, *, client_id: str = GCM_CLIENT_ID,
                 ca_bundle: str | None = None) -> None:
        self.org_url = org_url
        self.authority = authority
        self.client_id = client_id
        self.ca_bundle = ca_bundle
        self.cache, self.cache_warning = open_cache()

    def _public_app(self) -> Any:
        import msal

        return msal.PublicClientApplication(
            self.client_id, authority=self.authority.url, token_cache=self.cache,
            http_client=_http_client(self.ca_bundle),
            instance_discovery=self.authority.is_microsoft,
        )

    def _confidential_app(self, credential: Any) -> Any:
        import msal

        return msal.ConfidentialClientApplication(
            self.client_id, client_credential=credential, authority=self.authority.url,
            token_cache=self.cache, http_client=_http_client(self.ca_bundle),
            instance_discovery=self.authority.is_microsoft,
        )

    def _remember(self, flow: str, username: str, home_account_id: str) -> None:
        accounts.save(accounts.Account(
            org_url=self.org_url, authority=self.authority.url, tenant=self.authority.tenant,
            client_id=self.client_id, username=username, home_account_id=home_account_id,
            flow=flow))

    def _user_result(self, app: Any, result: dict[str, Any], flow: str, what: str) -> Token:
        result = _check(result, what)
        claims = result.get("id_token_claims") or {}
        username = str(claims.get("preferred_username") or claims.get("upn") or "")
        account = next((a for a in app.get_accounts() if a.get("username") == username), None)
        self._remember(flow, username, account["home_account_id"] if account else "")
        return _token(result, username)

    def device_code(self, show: Callable[[str], None]) -> Token:
        app = self._public_app()
        flow = app.initiate_device_flow(scopes=[AZURE_DEVOPS_SCOPE])
        if "user_code" not in flow:
            raise ConfigError(f"device code sign-in could not start: {flow.get('error')}",
                              hint="check the tenant (--tenant) and network")
        show(str(flow["message"]))
        result = app.acquire_token_by_device_flow(flow)
        return self._user_result(app, result, "devicecode", "device code sign-in")

    def browser(self) -> Token:
        app = self._public_app()
        result = app.acquire_token_interactive(scopes=[AZURE_DEVOPS_SCOPE])
        return self._user_result(app, result, "browser", "browser sign-in")

    def client_secret(self, secret: Secret) -> Token:
        app = self._confidential_app(secret.reveal())
        result = _check(app.acquire_token_for_client(scopes=[AZURE_DEVOPS_SCOPE]),
                        "service principal sign-in")
        self._remember("client_secret", "", "")
        return _token(result, f"app {self.client_id}")

    def certificate(self, pem: bytes) -> Token:
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes

        cert = x509.load_pem_x509_certificate(pem)
        credential = {"private_key": pem.decode(),
                      "thumbprint": cert.fingerprint(hashes.SHA1()).hex()}  # noqa: S303 - x5t
        app = self._confidential_app(credential)
        result = _check(app.acquire_token_for_client(scopes=[AZURE_DEVOPS_SCOPE]),
                        "certificate sign-in")
        self._remember("certificate", "", "")
        return _token(result, f"app {self.client_id}")

    def managed_identity(self, client_id: str | None) -> Token:
        import msal

        identity = msal.UserAssignedManagedIdentity(client_id=client_id) if client_id \
            else msal.SystemAssignedManagedIdentity()
        app = msal.ManagedIdentityClient(identity, http_client=_http_client(self.ca_bundle),
                                         token_cache=self.cache)
        result = _check(app.acquire_token_for_client(resource=AZURE_DEVOPS_RESOURCE),
                        "managed identity sign-in")
        self._remember("managed_identity", "", "")
        return _token(result, "managed identity")

    def silent(self, account: accounts.Account) -> Token:
        """From the cache, refreshing through the network only when the token expired."""
        if account.flow in ("client_secret", "certificate", "managed_identity"):
            raise SignInRequired("an app sign-in is not refreshed by the helper",
                                 hint="run azrepos login again")
        app = self._public_app()
        match = [a for a in app.get_accounts() if a["home_account_id"] == account.home_account_id]
        if not match:
            raise SignInRequired(f"no cached sign-in for {self.org_url}",
                                 hint=f"sign in: azrepos login --org {self.org_url}")
        result = app.acquire_token_silent_with_error([AZURE_DEVOPS_SCOPE], account=match[0])
        return _token(_check(result, "token refresh"), account.username)

    def sign_out(self, account: accounts.Account) -> None:
        app = self._public_app()
        for entry in app.get_accounts():
            if entry["home_account_id"] == account.home_account_id:
                app.remove_account(entry)
