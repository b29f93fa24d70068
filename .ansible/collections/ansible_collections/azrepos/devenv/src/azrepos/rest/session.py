"""A requests session whose CA bundle cannot be overridden by the environment.

requests lets ``REQUESTS_CA_BUNDLE`` win over ``Session.verify``; azrepos resolves the CA itself
(``AZREPOS_CA_BUNDLE`` first), so the resolved value is forced on every request. Used by the REST
client and by MSAL.
"""

from __future__ import annotations

from typing import Any

import requests


class PinnedSession(requests.Session):
    def __init__(self, ca_bundle: str | None) -> None:
        super().__init__()
        self.pinned_verify: str | bool = ca_bundle or True

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any
                ) -> requests.Response:
        kwargs["verify"] = self.pinned_verify
        return super().request(method, url, *args, **kwargs)
