"""Tenant discovery the way GCM does it: an anonymous request to the org URL, then the
``WWW-Authenticate: Bearer authorization_uri=...`` and ``X-VSS-ResourceTenant`` headers."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from ..errors import ConfigError
from ..network import TRUST_HINT, Network, proxy_failure

MICROSOFT_LOGIN = "https://login.microsoftonline.com"
MSA_TENANT = "00000000-0000-0000-0000-000000000000"
_AUTH_URI = re.compile(r'authorization_uri="?(https://[^",\s]+)"?', re.IGNORECASE)


@dataclass(frozen=True)
class Authority:
    url: str  # e.g. https://login.microsoftonline.com/{tenant}
    tenant: str

    @property
    def is_microsoft(self) -> bool:
        return self.url.startswith(MICROSOFT_LOGIN)


def authority_from_tenant(tenant: str, base: str = MICROSOFT_LOGIN) -> Authority:
    """``--tenant``: a GUID or domain; the all-zero GUID means a Microsoft-account org."""
    name = "organizations" if tenant == MSA_TENANT else tenant
    return Authority(f"{base.rstrip('/')}/{name}", name)


def authority_from_headers(headers: Mapping[str, str], www_authenticate: list[str]) -> Authority:
    """Read the authority from a 401 answer's headers."""
    for value in www_authenticate:
        match = _AUTH_URI.search(value)
        if match:
            url = match.group(1).rstrip("/")
            tenant = url.rsplit("/", 1)[-1]
            if tenant == MSA_TENANT:
                return authority_from_tenant(tenant, url.rsplit("/", 1)[0])
            return Authority(url, tenant)
    tenants = [t.strip() for t in headers.get("X-VSS-ResourceTenant", "").split(",") if t.strip()]
    if tenants:
        return authority_from_tenant(tenants[0])
    raise ConfigError(
        "the organization did not say which Entra tenant signs its users in",
        hint="pass --tenant TENANT_ID_OR_DOMAIN",
    )


def discover(org_url: str, network: Network) -> Authority:
    import requests

    from ..rest.session import PinnedSession

    try:
        response = PinnedSession(network).head(org_url, timeout=15,
                                 headers={"X-TFS-FedAuthRedirect": "Suppress"},
                                 allow_redirects=False)
    except requests.exceptions.ProxyError as exc:
        raise proxy_failure(str(exc), network.proxy_choice()) from None
    except requests.exceptions.SSLError:
        raise ConfigError(f"cannot verify the TLS certificate of {org_url} "
                          "(CERTIFICATE_VERIFY_FAILED)",
                          hint=TRUST_HINT) from None
    except requests.RequestException as exc:
        raise ConfigError(f"cannot reach {org_url} to find its tenant: {type(exc).__name__}",
                          hint="check the URL and network, or pass --tenant") from None
    raw = getattr(response.raw, "headers", None)
    values = raw.getlist("WWW-Authenticate") if raw is not None and hasattr(raw, "getlist") \
        else [response.headers.get("WWW-Authenticate", "")]
    return authority_from_headers(response.headers, values)
