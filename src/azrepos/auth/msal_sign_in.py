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

from ..errors import AzreposError, ConfigError, UsageError
from ..network import TRUST_HINT, Network, proxy_failure
from ..redaction import Secret
from . import accounts
from .tenant import Authority
from .token_cache import open_cache
from .token_lookup import AZURE_DEVOPS_RESOURCE, AZURE_DEVOPS_SCOPE

log = logging.getLogger(__name__)

GCM_CLIENT_ID = "872cd9fa-d31f-45e0-9eab-6e460a02d1f1"  # GCM's public client for Azure Repos
MANAGED_IDENTITY_REALM = "managed_identity"
FLOWS = ("devicecode", "browser", "client_secret", "certificate", "managed_identity")


class SignInRequired(AzreposError):
    """The cached sign-in can no longer be refreshed; the user must sign in again."""


class SignInCancelled(AzreposError):
    """The user cancelled (or declined) the sign-in in the browser."""


class DeviceCodeBlocked(AzreposError):
    """The tenant's Conditional Access blocks the device code flow (AADSTS53003)."""


BLOCKED_BY_CONDITIONAL_ACCESS = 53003
LOOPBACK_REDIRECT = "http://localhost"  # Entra takes any port on a loopback redirect URI
DONE_PAGE = ("<!doctype html><title>azrepos: signed in</title><h1>Signed in</h1><p>azrepos has "
             "its token. You can close this window.</p>")
FAILED_PAGE = ("<!doctype html><title>azrepos: sign-in failed</title><h1>Sign-in did not "
               "finish</h1><p>$error: $error_description</p><p>Go back to the terminal.</p>")


@dataclass(frozen=True)
class BrowserSignIn:
    """How the browser flow runs: its listener, how long it waits, and how it speaks."""

    timeout: float  # seconds to wait for the browser (azrepos.signinTimeout)
    show: Callable[[str], None]
    port: int | None = None  # the loopback listener's port; None picks a free one


@dataclass(frozen=True)
class Token:
    access_token: Secret
    expires_on: int  # epoch seconds
    username: str


def has_display() -> bool:
    """A browser can open here: macOS, Windows, WSL, or a display outside an SSH session."""
    if sys.platform in ("darwin", "win32") or os.environ.get("WSL_DISTRO_NAME"):
        return True
    over_ssh = bool(os.environ.get("SSH_CONNECTION") or os.environ.get("SSH_TTY"))
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")) and not over_ssh


def default_flow() -> str:
    """The browser where one can open, else device code (SSH sessions, containers)."""
    return "browser" if has_display() else "devicecode"


def _http_client(network: Network) -> Any:
    from ..rest.session import PinnedSession

    return PinnedSession(network)


def _network(what: str, call: Callable[[], Any], network: Network | None = None) -> Any:
    """Run an MSAL call; a network or TLS failure becomes a clear error, never a traceback."""
    import requests

    try:
        return call()
    except requests.exceptions.ProxyError as exc:
        raise proxy_failure(str(exc), (network or Network()).proxy_choice()) from None
    except requests.exceptions.SSLError:
        raise ConfigError(f"{what}: the sign-in server's TLS certificate is not trusted",
                          hint=TRUST_HINT) from None
    except requests.RequestException as exc:
        raise ConfigError(f"{what}: cannot reach the sign-in server ({type(exc).__name__})",
                          hint="check the network and proxy, then try again") from None
    except ValueError as exc:  # MSAL's word for an authority it cannot use
        raise ConfigError(f"{what}: {str(exc).splitlines()[0][:200]}",
                          hint="check --tenant, or the organization URL") from None


def _description(result: dict[str, Any]) -> str:
    return str(result.get("error_description", "")).split("\n")[0].strip()[:300]


def _check(result: dict[str, Any] | None, what: str) -> dict[str, Any]:
    if result and "access_token" in result:
        return result
    error = (result or {}).get("error", "no_answer")
    description = _description(result or {})
    if error in ("access_denied", "authorization_declined"):
        raise SignInCancelled(f"{what} was cancelled or declined ({error})",
                              hint="run azrepos login again and finish the sign-in")
    if BLOCKED_BY_CONDITIONAL_ACCESS in ((result or {}).get("error_codes") or []):
        raise DeviceCodeBlocked(f"Conditional Access in this tenant blocks the {what} "
                                f"(AADSTS{BLOCKED_BY_CONDITIONAL_ACCESS})",
                                hint="sign in through a browser: azrepos login --browser, or "
                                "--browser --no-launch from an SSH session or a container")
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
                 network: Network | None = None) -> None:
        self.org_url = org_url
        self.authority = authority
        self.client_id = client_id
        self.network = network or Network()
        self.cache, self.cache_warning = open_cache()

    def _call(self, what: str, call: Callable[[], Any]) -> Any:
        return _network(what, call, self.network)

    def _public_app(self) -> Any:
        import msal

        return msal.PublicClientApplication(
            self.client_id, authority=self.authority.url, token_cache=self.cache,
            http_client=_http_client(self.network),
            instance_discovery=self.authority.is_microsoft,
        )

    def _confidential_app(self, credential: Any) -> Any:
        import msal

        return msal.ConfidentialClientApplication(
            self.client_id, client_credential=credential, authority=self.authority.url,
            token_cache=self.cache, http_client=_http_client(self.network),
            instance_discovery=self.authority.is_microsoft,
        )

    def _remember(self, flow: str, username: str, home_account_id: str, *,
                  tenant: str | None = None, client_id: str | None = None) -> None:
        accounts.save(accounts.Account(
            org_url=self.org_url, authority=self.authority.url,
            tenant=self.authority.tenant if tenant is None else tenant,
            client_id=self.client_id if client_id is None else client_id, username=username,
            home_account_id=home_account_id, flow=flow))

    def _user_result(self, app: Any, result: dict[str, Any], flow: str, what: str) -> Token:
        result = _check(result, what)
        claims = result.get("id_token_claims") or {}
        username = str(claims.get("preferred_username") or claims.get("upn") or "")
        account = next((a for a in app.get_accounts() if a.get("username") == username), None)
        self._remember(flow, username, account["home_account_id"] if account else "")
        return _token(result, username)

    def device_code(self, show: Callable[[str], None]) -> Token:
        what = "device code sign-in"
        app = self._call(what, self._public_app)
        flow = self._call(what, lambda: app.initiate_device_flow(scopes=[AZURE_DEVOPS_SCOPE]))
        if "user_code" not in flow:
            raise ConfigError(f"device code sign-in could not start: {flow.get('error')}",
                              hint="check the tenant (--tenant) and network")
        show(str(flow["message"]))
        result = self._call(what, lambda: app.acquire_token_by_device_flow(flow))
        return self._user_result(app, result, "devicecode", what)

    def browser(self, how: BrowserSignIn) -> Token:
        """Open the system browser (``$BROWSER``; the Windows browser on WSL) and wait for
        its answer on a loopback listener; the URL is printed when no browser opens."""
        from msal.oauth2cli.oauth2 import BrowserInteractionTimeoutError

        what = "browser sign-in"
        app = self._call(what, self._public_app)
        try:
            result = self._call(what, lambda: app.acquire_token_interactive(
                scopes=[AZURE_DEVOPS_SCOPE], timeout=how.timeout, port=how.port,
                success_template=DONE_PAGE, error_template=FAILED_PAGE,
                auth_uri_callback=lambda uri: how.show(
                    f"No browser opened here. Open this address to sign in (waiting "
                    f"{how.timeout:g} s):\n{uri}")))
        except BrowserInteractionTimeoutError:
            raise ConfigError(f"nobody finished the browser sign-in within {how.timeout:g} s",
                              hint=f"sign in with a code instead: azrepos login --org "
                              f"{self.org_url} --device-code, or from another machine's "
                              "browser: --browser --no-launch (azrepos.signinTimeout / "
                              "AZREPOS_SIGNIN_TIMEOUT sets the wait)") from None
        except OSError as exc:
            raise UsageError(f"cannot listen on localhost port {how.port or 0} for the "
                             f"browser's answer ({exc.strerror or exc})",
                             hint="leave --port out (a free port is picked), or choose one "
                             "that is free") from None
        return self._user_result(app, result, "browser", what)

    def browser_elsewhere(self, show: Callable[[str], None], read_reply: Callable[[], str]
                          ) -> Token:
        """The browser on any machine: print the address, then redeem the code in the
        address the browser ended on (pasted back), after checking its ``state``."""
        what = "browser sign-in"
        app = self._call(what, self._public_app)
        flow = self._call(what, lambda: app.initiate_auth_code_flow(
            scopes=[AZURE_DEVOPS_SCOPE], redirect_uri=LOOPBACK_REDIRECT, response_mode="query"))
        show("Open this address in a browser on any machine and sign in:\n"
             f"{flow['auth_uri']}\nThe browser then fails to load a http://localhost/?code=... "
             "page: that is expected. Copy the whole address from its address bar and paste "
             "it here:")
        reply = pasted_reply(read_reply(), str(flow["state"]))
        result = self._call(what, lambda: app.acquire_token_by_auth_code_flow(flow, reply))
        if (result or {}).get("error") == "invalid_grant":
            raise ConfigError(f"the sign-in server refused the code: {_description(result)}",
                              hint=f"start again: azrepos login --org {self.org_url} --browser "
                              "--no-launch, and paste the address once, within 10 minutes")
        return self._user_result(app, result, "browser", what)

    def _app_token(self, flow: str, credential: Any, what: str) -> Token:
        # MSAL answers from its cache first; a login must prove the credential it was given.
        sign_out(self.cache, accounts.Account(self.org_url, self.authority.url,
                                              self.authority.tenant, self.client_id, "", "", flow))
        app = self._call(what, lambda: self._confidential_app(credential))
        result = _check(self._call(what, lambda: app.acquire_token_for_client(
            scopes=[AZURE_DEVOPS_SCOPE])), what)
        self._remember(flow, "", "")
        return _token(result, f"app {self.client_id}")

    def client_secret(self, secret: Secret) -> Token:
        return self._app_token("client_secret", secret.reveal(), "service principal sign-in")

    def certificate(self, pem: bytes) -> Token:
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes

        try:
            cert = x509.load_pem_x509_certificate(pem)
        except ValueError:
            raise ConfigError("the certificate file holds no PEM certificate",
                              hint="give a PEM file with the certificate and its private key"
                              ) from None
        credential = {"private_key": pem.decode(),
                      "thumbprint": cert.fingerprint(hashes.SHA1()).hex()}  # noqa: S303 - x5t
        return self._app_token("certificate", credential, "certificate sign-in")

    def managed_identity(self, client_id: str | None) -> Token:
        import msal

        what = "managed identity sign-in"
        identity = msal.UserAssignedManagedIdentity(client_id=client_id) if client_id \
            else msal.SystemAssignedManagedIdentity()
        app = msal.ManagedIdentityClient(identity, http_client=_http_client(self.network),
                                         token_cache=self.cache)
        result = _check(self._call(what, lambda: app.acquire_token_for_client(
            resource=AZURE_DEVOPS_RESOURCE)), what)
        # MSAL files managed identity tokens under this realm, keyed by the identity's id.
        self._remember("managed_identity", "", "", tenant=MANAGED_IDENTITY_REALM,
                       client_id=client_id or "")
        return _token(result, "managed identity")

    def silent(self, account: accounts.Account) -> Token:
        """From the cache, refreshing through the network only when the token expired."""
        if account.flow == "managed_identity":  # the machine's identity can always ask again
            return self.managed_identity(account.client_id or None)
        if account.flow in ("client_secret", "certificate"):
            raise SignInRequired("the service principal's token has expired (its secret or "
                                 "key is not kept)",
                                 hint=f"sign in again: azrepos login --org {self.org_url}")
        what = "token refresh"
        app = self._call(what, self._public_app)
        match = [a for a in app.get_accounts() if a["home_account_id"] == account.home_account_id]
        if not match:
            raise SignInRequired(f"no cached sign-in for {self.org_url}",
                                 hint=f"sign in again: azrepos login --org {self.org_url}")
        result = self._call(what, lambda: app.acquire_token_silent_with_error(
            [AZURE_DEVOPS_SCOPE], account=match[0]))
        if result is None:  # nothing usable cached and no refresh token
            raise SignInRequired(f"the sign-in for {self.org_url} has expired",
                                 hint=f"sign in again: azrepos login --org {self.org_url}")
        return _token(_check(result, what), account.username)

    def sign_out(self, account: accounts.Account) -> None:
        """Forget the account's tokens from the local cache (no network, works offline)."""
        sign_out(self.cache, account)


def sign_out(cache: Any, account: accounts.Account) -> None:
    from msal.token_cache import TokenCache

    kinds = TokenCache.CredentialType
    if account.home_account_id:
        query: dict[str, str] = {"home_account_id": account.home_account_id}
    else:  # app-only tokens carry no account: match the app and tenant
        query = {"client_id": account.client_id, "realm": account.tenant}
    removers = ((kinds.ACCESS_TOKEN, cache.remove_at), (kinds.REFRESH_TOKEN, cache.remove_rt),
                (kinds.ID_TOKEN, cache.remove_idt), (kinds.ACCOUNT, cache.remove_account))
    for kind, remove in removers:
        for item in list(cache.search(kind, query=query)):
            remove(item)


def pasted_reply(text: str, state: str) -> dict[str, str]:
    """The query of the address the browser ended on, checked: ours (``state``), with a
    code or an error."""
    from urllib.parse import parse_qsl, urlsplit

    address = text.strip()
    parts = urlsplit(address)
    fields = dict(parse_qsl(parts.query, keep_blank_values=True))
    if parts.scheme not in ("http", "https") or not fields:
        raise UsageError("that is not the address the browser ended on",
                         hint="paste the whole address from the address bar: it starts with "
                         "http://localhost/?code= (or ?error=)")
    if fields.get("state") != state:
        raise UsageError("the pasted address belongs to another sign-in (its state does not "
                         "match this one)", hint="paste the address of the sign-in this "
                         "command printed, or start again")
    if fields.get("error"):
        _check(fields, "browser sign-in")
    if not fields.get("code"):
        raise UsageError("the pasted address holds no code",
                         hint="finish the sign-in in the browser, then paste the address it "
                         "ended on")
    return fields


def sign_in_interactively(signin: EntraSignIn, flow: str, show: Callable[[str], None],
                          how: BrowserSignIn) -> Token:
    """A user's sign-in by ``flow``; when Conditional Access blocks the device code, the
    browser takes over where one can open, else the error names the paste-back flow."""
    if flow == "browser":
        return signin.browser(how)
    try:
        return signin.device_code(show)
    except DeviceCodeBlocked as blocked:
        if not has_display():
            raise DeviceCodeBlocked(blocked.message, hint=f"sign in through a browser on any "
                                    f"machine: azrepos login --org {signin.org_url} --browser "
                                    "--no-launch") from None
        show(f"{blocked.message}; opening the browser instead")
        return signin.browser(how)
