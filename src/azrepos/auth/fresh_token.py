"""Entra tokens for an organization someone signed in to: the cached token first (no msal, no
network), then a silent refresh through MSAL."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..network import Network
from ..redaction import Secret
from . import accounts
from .token_cache import cached_access_token

if TYPE_CHECKING:
    from .msal_sign_in import EntraSignIn


def _sign_in(account: accounts.Account, network: Network) -> EntraSignIn:
    from .msal_sign_in import EntraSignIn  # msal only when a refresh is really needed
    from .tenant import Authority

    return EntraSignIn(account.org_url, Authority(account.authority, account.tenant),
                       client_id=account.client_id, network=network)


def token_for(account: accounts.Account, network: Network) -> tuple[Secret, int]:
    """A valid access token and its expiry (epoch seconds); raises SignInRequired."""
    cached = cached_access_token(account)
    if cached is not None:
        return Secret(cached[0]), cached[1]
    token = _sign_in(account, network).silent(account)
    return token.access_token, token.expires_on

