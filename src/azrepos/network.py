"""How azrepos reaches a service (``Network``): the CA it trusts, and the proxy it goes
through, decided as git and GCM decide it, so one setting serves every tool: git's
``http.<url>.proxy`` / ``http.proxy`` (an empty value means direct), then ``https_proxy``,
``HTTPS_PROXY``, ``all_proxy``, ``ALL_PROXY``; ``no_proxy`` / ``NO_PROXY`` exempts hosts. A
password in the proxy URL is registered as a secret, so it is never shown.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from .errors import ConfigError
from .redaction import Secret

GIT_KEY = "http.proxy"
# How to trust a CA, for every certificate failure (a TLS-inspecting proxy re-signs with its own).
TRUST_HINT = ("trust its CA with AZREPOS_CA_BUNDLE or git's http.sslCAInfo (a TLS-inspecting "
              "proxy's CA too)")
ENV_ORDER = ("https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY")
NO_PROXY_ENV = ("no_proxy", "NO_PROXY")


@dataclass(frozen=True)
class ProxyChoice:
    url: str | None  # None: straight to the service
    source: str  # where it came from: "http.proxy", "HTTPS_PROXY", ... or "none"

    @property
    def address(self) -> str:
        """``HOST:PORT`` of the proxy, never its credentials; "" when direct."""
        if not self.url:
            return ""
        parts = urlsplit(self.url)
        default = 1080 if parts.scheme.startswith("socks") else 80
        return f"{parts.hostname}:{parts.port or default}"

    def describe(self) -> str:
        return f"{self.address} (from {self.source})" if self.url else "none (direct)"

    def for_host(self, host: str, environ: Mapping[str, str] | None = None) -> str | None:
        """The proxy URL for a request to ``host``, or None when it goes direct."""
        return None if not self.url or bypassed(host, environ) else self.url


@dataclass(frozen=True)
class Network:
    """Everything a connection needs besides the URL; one per organization and process."""

    ca_bundle: str | None = None  # None: the system's CAs
    proxy: ProxyChoice | None = None  # None: from the environment alone, as requests would

    def proxy_choice(self) -> ProxyChoice:
        return self.proxy if self.proxy is not None else choose(None)


def _with_scheme(value: str) -> str:
    value = value.strip()
    return value if "://" in value else f"http://{value}"  # curl's default, as git's


def _register_password(url: str) -> None:
    password = urlsplit(url).password
    if password:
        Secret(unquote(password))
        Secret(password)


def choose(git_value: str | None, environ: Mapping[str, str] | None = None) -> ProxyChoice:
    """``git_value`` is git's ``http.proxy`` for the URL (``--get-urlmatch``): None when unset,
    "" when set empty (direct)."""
    env = os.environ if environ is None else environ
    if git_value is not None:
        url = _with_scheme(git_value) if git_value.strip() else None
        if url:
            _register_password(url)
        return ProxyChoice(url, GIT_KEY)
    for name in ENV_ORDER:
        if env.get(name, "").strip():
            url = _with_scheme(env[name])
            _register_password(url)
            return ProxyChoice(url, name)
    return ProxyChoice(None, "none")


def bypassed(host: str, environ: Mapping[str, str] | None = None) -> bool:
    """Whether ``no_proxy``/``NO_PROXY`` exempts ``host`` (curl's rules: ``*``, a host, or a
    domain suffix with or without its leading dot; a port in an entry is ignored)."""
    env = os.environ if environ is None else environ
    raw = next((env[name] for name in NO_PROXY_ENV if env.get(name, "").strip()), "")
    name = host.lower().rsplit(":", 1)[0] if host.count(":") == 1 else host.lower()
    name = name.strip("[]")
    for entry in raw.replace(" ", ",").split(","):
        entry = entry.strip().lower()
        if not entry:
            continue
        if entry == "*":
            return True
        if entry.count(":") == 1:
            entry = entry.rsplit(":", 1)[0]
        entry = entry.strip("[]").lstrip(".")
        if name == entry or name.endswith("." + entry):
            return True
    return False


def proxy_failure(detail: str, proxy: ProxyChoice) -> ConfigError:
    """What a failure through the proxy means: refused credentials (407), or no proxy there."""
    where = proxy.source if proxy.source != GIT_KEY else f"git config {GIT_KEY}"
    # 407 is the standard answer; some proxies (tinyproxy) answer a CONNECT with 401 instead.
    code = next((c for c in ("407", "401") if c in detail), None)
    if code:
        return ConfigError(f"the proxy {proxy.address} refused the credentials ({code})",
                           hint=f"fix the user and password in the proxy URL ({where}); a "
                           "password with @ or : must be percent-encoded")
    return ConfigError(f"cannot reach the proxy {proxy.address} (from {proxy.source})",
                       hint=f"check that the proxy runs and the address is right ({where}), "
                       "or unset it to connect directly")
