"""The full credential helper, loaded when the fast path (``fast.py``) cannot answer.

``get`` answers with the credential of ``auth.chain``, the order every face uses (an Entra
token is refreshed here when needed), and with a new sign-in (the browser on a desktop, else a
device code on the terminal) only when none exists and the user can be prompted. When nothing
answers, ``quit=true`` only for an organization signed in with Entra (nothing else can help
there; stderr says what to run); for any other request no answer, so git asks the next helper.
"""

from __future__ import annotations

import os
from io import TextIOBase

from ..auth import accounts
from ..auth.chain import resolve_credential
from ..auth.credentials import Credential, PatCredential
from ..auth.order import environment_pat, pipeline_token
from ..auth.pat_input import store_key
from ..connection import ConnectionProfile, profile_of, secret_store
from ..errors import AzreposError, CredentialMissing
from ..hosts import org_key
from ..redaction import Secret
from ..secretstore.base import SecretStore
from ..secretstore.selection import pat_org
from ..urls import Organization
from . import pat_details, protocol
from .answers import answer_pat, answer_token, looks_like_jwt, say
from .org_match import request_url
from .organization import organization_for


class LazySecretStore:
    """The one secret store in use (see ``secretstore.selection``), opened on first need."""

    def __init__(self) -> None:
        self._store: SecretStore | None = None

    @property
    def store(self) -> SecretStore:
        if self._store is None:
            self._store = secret_store().store
        return self._store

    def org_urls(self) -> list[str]:
        pat_orgs = [org for org in map(pat_org, self.store.names()) if org]
        return pat_orgs + list(accounts.load_all())

    def find(self, key: str) -> Secret | None:
        return self.store.get(key)


def can_prompt() -> bool:
    if os.environ.get("GIT_TERMINAL_PROMPT") == "0":
        return False
    try:
        with open("/dev/tty"):
            return True
    except OSError:
        return False


def interactive_sign_in(org: Organization, profile: ConnectionProfile
                        ) -> tuple[Secret, int] | None:
    """The sign-in ``azrepos login`` would start here (browser on a desktop, else device
    code, with the Conditional Access rule), spoken on stderr."""
    from ..auth.msal_sign_in import (
        BrowserSignIn,
        EntraSignIn,
        default_flow,
        sign_in_interactively,
    )
    from ..auth.tenant import discover

    try:
        signin = EntraSignIn(org.url, discover(org.url, profile.network), network=profile.network)
        how = BrowserSignIn(profile.settings.seconds("signin_timeout"), say)
        token = sign_in_interactively(signin, default_flow(), say, how)
    except AzreposError as exc:
        say(str(exc))
        return None
    return token.access_token, token.expires_on


def chosen_credential(stores: LazySecretStore, profile: ConnectionProfile) -> Credential | None:
    try:
        return resolve_credential(profile, open_store=lambda: stores.store)
    except CredentialMissing:
        return None
    except AzreposError as exc:  # e.g. the Entra sign-in needs renewing: say it, go on
        say(str(exc))
        return None


def _get(attrs: protocol.Attributes, org: Organization, stores: LazySecretStore,
         stdout: TextIOBase) -> None:
    profile = profile_of(org)  # one settings snapshot (git config read once) for both steps
    credential = chosen_credential(stores, profile)
    if isinstance(credential, PatCredential):
        stored = (pat_details.details_for(pat_details.load_all(), org.url)
                  if credential.saved else None)
        protocol.write(stdout, answer_pat(attrs, org.name, credential.pat.reveal(), stored))
        return
    token = credential.token() if credential is not None else None
    if token is None and can_prompt():
        token = interactive_sign_in(org, profile)
    if token is not None:
        protocol.write(stdout, answer_token(attrs, org.name, token[0].reveal(), token[1]))
        return
    if accounts.find(org.url) is not None:  # our org, and neither refresh nor sign-in helped
        say(f"no usable credential for {org.url}; run: azrepos login --org {org.url}")
        protocol.write(stdout, [("quit", "true")])
    # Otherwise nothing: git asks the next helper (a store, a forwarded editor helper) or the user.


def _erase_pats(attrs: protocol.Attributes, stores: LazySecretStore) -> None:
    """Remove every stored PAT whose organization matches the request, as git's docs ask: the
    org URL and the request URL prefix one another (a host alone matches all its orgs); a
    password (``credential`` on git >= 2.46) only narrows the match."""
    url = request_url(attrs.single)
    if url is None:
        return
    password = attrs.get("password") or attrs.get("credential")
    username = attrs.get("username")
    all_details = pat_details.load_all()
    store = stores.store
    for key in store.names():
        org_url = org_key(pat_org(key) or "")
        if not org_url or not (url == org_url or url.startswith(org_url + "/")
                               or org_url.startswith(url + "/")):
            continue
        stored_user = pat_details.details_for(all_details, org_url).get("username")
        if username and stored_user and username != stored_user:
            continue  # a user name narrows the match, like a password
        secret = store.get(key)
        if secret is not None and (not password or secret.reveal() == password):
            store.delete(key)
            pat_details.forget(org_url)


def handle(operation: str, attrs: protocol.Attributes, stdout: TextIOBase) -> None:
    stores = LazySecretStore()
    if operation == "erase":
        refused = attrs.get("password") or attrs.get("credential")
        if refused and looks_like_jwt(refused):
            from ..auth.token_cache import forget_access_token

            forget_access_token(refused)  # git got a 401 with it: refresh next time
        _erase_pats(attrs, stores)
        return
    org = organization_for(attrs, stores.org_urls())
    if org is None:
        return
    if operation == "get":
        _get(attrs, org, stores, stdout)
        return
    password = attrs.get("password")
    if not password or looks_like_jwt(password):
        return  # tokens are ours and live in the token cache
    if password in (environment_pat(), pipeline_token()):
        return  # given to this run through the environment: not ours to save
    found = stores.find(store_key(org))
    details = pat_details.sent_details(attrs)
    if found is None or found.reveal() != password:
        stores.store.set(store_key(org), Secret(password))
    if pat_details.details_for(pat_details.load_all(), org.url) != details:
        pat_details.save(org.url, details)  # a store replaces: what git did not send goes


def run(operation: str, attrs: protocol.Attributes, stdout: TextIOBase) -> int:
    try:
        handle(operation, attrs, stdout)
    except (protocol.ProtocolError, AzreposError) as exc:
        say(str(exc))
        return 1
    except Exception as exc:  # never a traceback (it could hold a secret) in git's output
        say(f"internal error ({type(exc).__name__})")
        return 1
    return 0
