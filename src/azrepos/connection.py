"""The connection profile: what one command connects to an organization with, resolved once
(environment, then URL-scoped git config in one git call, then defaults): the organization and
its identity URL, the CA bundle, timeouts and retry budget, the secret store, and the client.

The CLI, the credential helper's slow path, doctor and the Ansible modules all build it here.
The REST stack loads only when a client is built, so the helper can use the rest without it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from .config.settings import Snapshot
from .errors import ConfigError
from .network import GIT_KEY as PROXY_KEY
from .network import Network, ProxyChoice
from .network import choose as choose_proxy
from .secretstore.selection import StoreChoice, open_store
from .urls import Organization, parse_org_url

if TYPE_CHECKING:
    from .rest.client import AzureDevOpsClient, CredentialSource


@dataclass(frozen=True)
class ConnectionProfile:
    org: Organization
    settings: Snapshot = field(repr=False)
    ca_override: str | None = None  # an explicit CA (a module option) wins over settings

    @property
    def ca_bundle(self) -> str | None:
        """The CA bundle to verify TLS with; one that is not a file is a ConfigError naming the
        variable or git key it came from."""
        found = self.ca_override or self.settings.get("ca_bundle")
        if found and not os.path.isfile(found):
            origin = "the ca_bundle option" if self.ca_override else self.settings.origin(
                "ca_bundle")
            raise ConfigError(f"the CA bundle {found} (from {origin}) is not a file",
                              hint=f"point {origin} at your CA certificates (PEM), or unset it")
        return found

    @cached_property
    def git_ca_bundle(self) -> str | None:
        """The CA azrepos verifies TLS with (REST, doctor, Entra sign-in and refresh): ours,
        else git's own for this URL (``GIT_SSL_CAINFO``, ``http.<url>.sslCAInfo``, which
        configure-git and the gitconfig role write), as GCM does. Read once per profile."""
        return (self.ca_bundle or os.environ.get("GIT_SSL_CAINFO")
                or self.settings.http_config_get("http.sslCAInfo") or None)

    @cached_property
    def proxy(self) -> ProxyChoice:
        """The proxy every call for this organization goes through, as git picks it for the
        organization's URL (``proxy``), read with the same snapshot."""
        return choose_proxy(self.settings.http_config_get(PROXY_KEY))

    @property
    def network(self) -> Network:
        return Network(self.git_ca_bundle, self.proxy)

    def client(self, credential: CredentialSource) -> AzureDevOpsClient:
        from .rest.client import AzureDevOpsClient
        from .rest.transport import RetryPolicy

        policy = RetryPolicy(read_timeout=self.settings.seconds("http_timeout"),
                             total_budget=self.settings.seconds("retry_budget"))
        # git's CA for the URL too: on a machine set up by configure-git or the gitconfig role,
        # http.<url>.sslCAInfo is the only place the organization's CA is named.
        return AzureDevOpsClient(self.org, credential, network=self.network, policy=policy)

    def secret_store(self) -> StoreChoice:
        return open_store(self.settings.get("secret_store") or "auto")


def profile_for(org_url: str, *, vssps_url: str | None = None, ca_bundle: str | None = None
                ) -> ConnectionProfile:
    """The profile of an organization URL as a user gives it (parsed, so bad input says so)."""
    settings = Snapshot(org_url)
    org = parse_org_url(org_url, vssps_url or settings.get("vssps_url"))
    return ConnectionProfile(org, settings, ca_bundle)


def profile_of(org: Organization, *, ca_bundle: str | None = None) -> ConnectionProfile:
    return ConnectionProfile(org, Snapshot(org.url), ca_bundle)


def secret_store(url: str | None = None) -> StoreChoice:
    """The secret store where no single organization is in view (status, the helper's list)."""
    return open_store(Snapshot(url).get("secret_store") or "auto")
