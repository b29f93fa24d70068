"""What one command connects with, from the resolved settings: the client for an organization
(timeouts, retry, CA) and the secret store. The REST stack loads only when a client is built,
so the credential helper can use the store choice without it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .config.settings import resolve, resolve_seconds
from .secretstore.selection import StoreChoice, open_store
from .urls import Organization

if TYPE_CHECKING:
    from .rest.client import AzureDevOpsClient, CredentialSource


def client_for(org: Organization, credential: CredentialSource) -> AzureDevOpsClient:
    from .rest.client import AzureDevOpsClient
    from .rest.transport import RetryPolicy

    policy = RetryPolicy(read_timeout=resolve_seconds("http_timeout", url=org.url),
                         total_budget=resolve_seconds("retry_budget", url=org.url))
    return AzureDevOpsClient(org, credential, ca_bundle=ca_bundle(org.url), policy=policy)


def ca_bundle(url: str) -> str | None:
    return resolve("ca_bundle", url=url)


def secret_store(url: str | None = None) -> StoreChoice:
    return open_store(resolve("secret_store", url=url) or "auto")
