"""The client for one organization, built from the resolved settings (timeouts, retry, CA)."""

from __future__ import annotations

from .config.settings import resolve, resolve_seconds
from .rest.client import AzureDevOpsClient, CredentialSource
from .rest.transport import RetryPolicy
from .urls import Organization


def client_for(org: Organization, credential: CredentialSource) -> AzureDevOpsClient:
    policy = RetryPolicy(read_timeout=resolve_seconds("http_timeout", url=org.url),
                         total_budget=resolve_seconds("retry_budget", url=org.url))
    return AzureDevOpsClient(org, credential, ca_bundle=ca_bundle(org.url), policy=policy)


def ca_bundle(url: str) -> str | None:
    return resolve("ca_bundle", url=url)
