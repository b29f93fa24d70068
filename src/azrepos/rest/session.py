"""A requests session that goes out the way azrepos decided (``network.Network``), not the way
the environment would steer requests on its own.

requests lets ``REQUESTS_CA_BUNDLE`` win over ``Session.verify`` and reads proxies from the
environment only; azrepos resolves both itself (``AZREPOS_CA_BUNDLE`` first; git's
``http.proxy`` first), so the resolved values are forced on every request. Used by the REST
client, tenant discovery and MSAL.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import requests

from ..network import Network


class PinnedSession(requests.Session):
    def __init__(self, network: Network | None = None) -> None:
        super().__init__()
        self.network = network or Network()
        self.proxy = self.network.proxy_choice()
        self.pinned_verify: str | bool = self.network.ca_bundle or True
        self.trust_env = False  # the environment was read once, into self.network

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any
                ) -> requests.Response:
        kwargs["verify"] = self.pinned_verify
        target = url.decode() if isinstance(url, bytes) else url
        proxy = self.proxy.for_host(urlsplit(target).netloc)
        kwargs["proxies"] = {"http": proxy, "https": proxy} if proxy else {}
        return super().request(method, url, *args, **kwargs)
