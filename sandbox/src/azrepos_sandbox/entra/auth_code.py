"""The authorization code grant with PKCE (RFC 6749 section 4.1, RFC 7636) as Entra runs it
for public clients: ``/authorize`` serves a sign-in page, and its answer goes back to the
loopback redirect URI, by ``form_post`` (an auto-submitting form) or ``query`` (a redirect).

The page is the stand-in's "browser": a plain HTML form, usable without JavaScript, with the
account (prefilled from ``login_hint``), a submit button and a Cancel button.
"""

from __future__ import annotations

import base64
import hashlib
import html
import secrets
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

from azrepos_sandbox.constants import KNOWN_USERS
from azrepos_sandbox.entra.errors import EntraError, already_redeemed, unknown_user
from azrepos_sandbox.entra.records import PUBLIC, AuthCode, EntraRecords, token_hash
from azrepos_sandbox.entra.scopes import parse_user_scope
from azrepos_sandbox.entra.settings import EntraSettings
from azrepos_sandbox.http_types import Response
from azrepos_sandbox.seed import ensure_user
from azrepos_sandbox.store import Store, User

LOOPBACK_HOSTS = ("localhost", "127.0.0.1")
RESPONSE_MODES = ("query", "form_post")
# The authorize request's fields the page carries through its form.
CARRIED = ("client_id", "response_type", "redirect_uri", "scope", "state", "nonce",
           "code_challenge", "code_challenge_method", "response_mode", "prompt", "login_hint",
           "domain_hint", "client_info")


class PageError(Exception):
    """Wrong before the redirect URI can be trusted: shown on a page, never redirected."""


@dataclass(frozen=True)
class AuthorizeRequest:
    fields: dict[str, str]

    def get(self, name: str) -> str:
        return self.fields.get(name, "")

    @property
    def redirect_uri(self) -> str:
        return self.get("redirect_uri")

    @property
    def response_mode(self) -> str:
        return self.get("response_mode") or "query"


def s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def _loopback(uri: str) -> bool:
    parts = urlsplit(uri)
    try:
        _ = parts.port
    except ValueError:
        return False
    return parts.scheme == "http" and (parts.hostname or "") in LOOPBACK_HOSTS


def _page(title: str, body: str, status: int = 200) -> Response:
    text = (f"<!doctype html><html lang=en><head><meta charset=utf-8><title>{html.escape(title)}"
            "</title><style>body{font-family:sans-serif;max-width:28em;margin:4em auto}"
            "input,button{font-size:1em;padding:.4em;margin:.3em 0}"
            ".error{color:#a00}</style></head>"
            f"<body><h1>{html.escape(title)}</h1>{body}</body></html>")
    return Response(status, text.encode(), [("Content-Type", "text/html; charset=utf-8"),
                                             ("Cache-Control", "no-store")], kind="entra")


def _hidden(fields: dict[str, str]) -> str:
    return "".join(f'<input type=hidden name="{html.escape(k)}" value="{html.escape(v)}">'
                   for k, v in fields.items())


def answer_to_client(request: AuthorizeRequest, params: dict[str, str]) -> Response:
    """``params`` (a code, or an error) sent back to the redirect URI, with ``state``."""
    if request.get("state"):
        params = {**params, "state": request.get("state")}
    if request.response_mode == "form_post":
        body = (f'<form method=post action="{html.escape(request.redirect_uri)}">'
                f"{_hidden(params)}<noscript><p>Script is off: press the button to go on."
                "</p><button type=submit>Continue</button></noscript></form>"
                "<script>document.forms[0].submit()</script>")
        return _page("Signing you in", body)
    separator = "&" if urlsplit(request.redirect_uri).query else "?"
    return Response(302, b"", [("Location", request.redirect_uri + separator + urlencode(params)),
                               ("Cache-Control", "no-store")], kind="entra")


def _error(request: AuthorizeRequest, error: str, code: int, message: str) -> Response:
    return answer_to_client(request, {"error": error,
                                      "error_description": f"AADSTS{code}: {message}"})


class AuthorizationCodes:
    def __init__(self, store: Store, records: EntraRecords, settings: EntraSettings,
                 tenant_id: str, authorize_url: str) -> None:
        self.store = store
        self.records = records
        self.settings = settings
        self.tenant_id = tenant_id
        self.authorize_url = authorize_url

    # the page ---------------------------------------------------------------
    def _trusted(self, request: AuthorizeRequest) -> None:
        """Raise PageError unless the client and redirect URI are known good."""
        client_id = request.get("client_id")
        app = self.records.app(client_id) if client_id else None
        if app is None or app.kind != PUBLIC:
            raise PageError(f"AADSTS700016: Application with identifier '{client_id}' was not "
                            f"found in the directory '{self.tenant_id}' as a public client.")
        if not _loopback(request.redirect_uri):
            raise PageError("AADSTS50011: The redirect URI specified in the request does not "
                            "match the redirect URIs configured for the application: a public "
                            "client redirects to http://localhost or http://127.0.0.1 (any "
                            "port).")

    def _problem(self, request: AuthorizeRequest) -> Response | None:
        """An error to send back to the client, once the redirect URI is trusted."""
        if request.response_mode not in RESPONSE_MODES:
            return _error(request, "invalid_request", 900144, f"response_mode "
                          f"'{request.response_mode}' is not supported: use query or form_post.")
        if request.get("response_type") != "code":
            return _error(request, "unsupported_response_type", 700054,
                          "response_type must be 'code' for a public client.")
        if not request.get("code_challenge"):
            return _error(request, "invalid_request", 9002325, "Proof Key for Code Exchange "
                          "is required for cross-origin authorization code redemption.")
        if request.get("code_challenge_method") != "S256":
            return _error(request, "invalid_request", 5000, "code_challenge_method must be "
                          "S256; plain is not accepted.")
        try:
            parse_user_scope(request.get("scope"), self.tenant_id)
        except EntraError as exc:
            return _error(request, exc.error, exc.code, exc.message)
        return None

    def _refusal(self, request: AuthorizeRequest) -> Response | None:
        """The page or redirect that refuses ``request``; None when it may go on."""
        try:
            self._trusted(request)
        except PageError as exc:
            return _page("Sign-in error", f"<p class=error>{html.escape(str(exc))}</p>", 400)
        return self._problem(request)

    def sign_in_page(self, request: AuthorizeRequest, notice: str = "") -> Response:
        refusal = self._refusal(request)
        if refusal is not None:
            return refusal
        carried = {k: request.get(k) for k in CARRIED if request.get(k) and k != "login_hint"}
        account = request.get("login") or request.get("login_hint")
        warning = f"<p class=error>{html.escape(notice)}</p>" if notice else ""
        body = (f"<p>Sign in to Azure DevOps (sandbox tenant {html.escape(self.tenant_id)}).</p>"
                f"{warning}<form method=post action=\"{html.escape(self.authorize_url)}\">"
                f"{_hidden(carried)}<label>Account<br><input name=login id=login "
                f"type=email autocomplete=username value=\"{html.escape(account)}\" "
                "required></label><br><button type=submit name=action value=sign-in "
                "id=submit>Sign in</button> <button type=submit name=action value=cancel "
                "id=cancel formnovalidate>Cancel</button></form>")
        return _page("Sign in", body)

    def submit(self, form: dict[str, str], now: int) -> Response:
        request = AuthorizeRequest(form)
        refusal = self._refusal(request)
        if refusal is not None:
            return refusal
        if form.get("action") == "cancel":
            return _error(request, "access_denied", 65004, "User declined to consent to "
                          "access the app.")
        user = self._user(form.get("login", ""))
        if user is None:
            return self.sign_in_page(request, "AADSTS50034: This account does not exist in the "
                                     "sandbox tenant. Use dev1@fabrikam.example or "
                                     "dev2@fabrikam.example.")
        code = secrets.token_urlsafe(48)
        scope = parse_user_scope(request.get("scope"), self.tenant_id)
        self.records.add_auth_code(AuthCode(
            token_hash(code), request.get("client_id"), request.redirect_uri,
            request.get("code_challenge"), scope.granted, request.get("nonce"), user.id,
            now + self.settings.auth_code_lifetime, False), now)
        params = {"code": code}
        if request.get("client_info") == "1":
            from azrepos_sandbox.entra.tokens import client_info

            params["client_info"] = client_info(user.id, self.tenant_id)
        return answer_to_client(request, params)

    def _user(self, login: str) -> User | None:
        wanted = login.strip().lower()
        for handle, (_, email) in KNOWN_USERS.items():
            if wanted in (handle, email.lower()):
                return ensure_user(self.store, handle, self.tenant_id)
        return None

    # the token endpoint's side --------------------------------------------
    def redeem(self, form: dict[str, str], client_id: str, now: int) -> tuple[AuthCode, User]:
        code = self.records.auth_code(token_hash(form.get("code", "")))
        if code is None or code.client_id != client_id:
            raise EntraError("invalid_grant", 70000, "The provided value for the input "
                             "parameter 'code' is not valid.")
        if code.redeemed:
            raise already_redeemed()
        if code.expires_at <= now:
            raise EntraError("invalid_grant", 70008, "The provided authorization code or "
                             "refresh token has expired due to inactivity. Send a new "
                             "interactive authorization request for this user and resource.")
        if form.get("redirect_uri") != code.redirect_uri:
            # Sandbox-chosen code: Entra refuses a redirect_uri other than the authorize one.
            raise EntraError("invalid_grant", 70000, "The provided value for the input "
                             "parameter 'redirect_uri' is not valid: it must equal the one "
                             "of the authorization request.")
        if s256(form.get("code_verifier", "")) != code.challenge:
            raise EntraError("invalid_grant", 501481, "The Code_Verifier does not match the "
                             "code_challenge supplied in the authorization request.")
        if not self.records.redeem_auth_code(code.code_hash):
            raise already_redeemed()
        user = self.store.user_by_id(code.user_id)
        if user is None:
            raise unknown_user(self.tenant_id)
        return code, user

