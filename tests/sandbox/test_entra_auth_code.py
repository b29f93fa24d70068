"""The sandbox's authorization code grant with PKCE, checked against the facts file's rules
with plain HTTP (no MSAL, no azrepos): the sign-in page, loopback redirects, form_post and
query answers, and the token endpoint's refusals."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import secrets
import time
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from tests.sandbox_fixture import ADO_SCOPE, GCM_CLIENT_ID, SandboxProcess

REDIRECT = "http://localhost:8400/"


def challenge(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(
        b"=").decode()


def authorize_params(**changes: str) -> dict[str, str]:
    verifier = secrets.token_urlsafe(48)
    params = {"client_id": GCM_CLIENT_ID, "response_type": "code", "redirect_uri": REDIRECT,
              "scope": f"{ADO_SCOPE} offline_access openid profile", "state": "s-123",
              "nonce": "n-456", "code_challenge": challenge(verifier),
              "code_challenge_method": "S256", "response_mode": "query",
              "login_hint": "dev1@fabrikam.example", "_verifier": verifier}
    params.update(changes)
    return params


def page(sandbox: SandboxProcess, params: dict[str, str]) -> requests.Response:
    query = {k: v for k, v in params.items() if not k.startswith("_")}
    return requests.get(f"{sandbox.authority}/oauth2/v2.0/authorize", params=query,
                        verify=sandbox.ca_file, allow_redirects=False, timeout=30)


def submit(sandbox: SandboxProcess, params: dict[str, str], action: str = "sign-in",
           login: str = "dev1@fabrikam.example") -> requests.Response:
    shown = page(sandbox, params)
    assert shown.status_code == 200, shown.text
    fields = {unescape(n): unescape(v) for n, v in
              re.findall(r'type=hidden name="([^"]+)" value="([^"]*)"', shown.text)}
    return requests.post(f"{sandbox.authority}/oauth2/v2.0/authorize",
                         data={**fields, "login": login, "action": action},
                         verify=sandbox.ca_file, allow_redirects=False, timeout=30)


def redirected(response: requests.Response) -> dict[str, str]:
    assert response.status_code == 302, response.text
    location = response.headers["Location"]
    assert location.startswith(REDIRECT)
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


def redeem(sandbox: SandboxProcess, code: str, verifier: str, redirect: str = REDIRECT
           ) -> requests.Response:
    return requests.post(f"{sandbox.authority}/oauth2/v2.0/token", data={
        "grant_type": "authorization_code", "client_id": GCM_CLIENT_ID, "code": code,
        "redirect_uri": redirect, "code_verifier": verifier, "scope": ADO_SCOPE,
        "client_info": "1"}, verify=sandbox.ca_file, timeout=30)


def aadsts(response: requests.Response) -> int:
    return response.json()["error_codes"][0]


def test_the_page_is_a_form_without_script_prefilled_from_login_hint(sandbox) -> None:
    shown = page(sandbox, authorize_params())
    assert shown.status_code == 200 and "<form" in shown.text and "<script" not in shown.text
    assert 'value="dev1@fabrikam.example"' in shown.text
    assert "action value=cancel" in shown.text.replace('"', "")


def test_query_answer_echoes_state_and_the_code_redeems_once(sandbox) -> None:
    params = authorize_params()
    answer = redirected(submit(sandbox, params))
    assert answer["state"] == "s-123" and answer["code"]
    tokens = redeem(sandbox, answer["code"], params["_verifier"])
    assert tokens.status_code == 200, tokens.text
    body = tokens.json()
    assert body["access_token"] and body["refresh_token"] and body["id_token"]
    claims = json.loads(base64.urlsafe_b64decode(body["id_token"].split(".")[1] + "=="))
    assert claims["nonce"] == "n-456" and claims["preferred_username"] == "dev1@fabrikam.example"
    again = redeem(sandbox, answer["code"], params["_verifier"])
    assert again.status_code == 400 and aadsts(again) == 54005


def test_form_post_answers_with_a_self_submitting_form_and_noscript(sandbox) -> None:
    response = submit(sandbox, authorize_params(response_mode="form_post"))
    assert response.status_code == 200
    assert f'action="{REDIRECT}"' in response.text and "<noscript>" in response.text
    assert 'name="state" value="s-123"' in response.text and 'name="code"' in response.text


def test_cancel_answers_access_denied(sandbox) -> None:
    answer = redirected(submit(sandbox, authorize_params(), action="cancel"))
    assert answer["error"] == "access_denied" and answer["state"] == "s-123"


def test_an_unknown_account_stays_on_the_page(sandbox) -> None:
    response = submit(sandbox, authorize_params(), login="nobody@example.com")
    assert response.status_code == 200 and "AADSTS50034" in response.text


@pytest.mark.parametrize("redirect", ["https://localhost/", "http://evil.example/",
                                      "http://localhost.evil.example:80/"])
def test_a_redirect_that_is_not_loopback_http_is_never_redirected_to(sandbox, redirect) -> None:
    shown = page(sandbox, authorize_params(redirect_uri=redirect))
    assert shown.status_code == 400 and "AADSTS50011" in shown.text


@pytest.mark.parametrize(("change", "error"), [
    ({"code_challenge": ""}, "invalid_request"),
    ({"code_challenge_method": "plain"}, "invalid_request"),
    ({"response_type": "token"}, "unsupported_response_type"),
])
def test_pkce_s256_is_required(sandbox, change, error) -> None:
    answer = redirected(page(sandbox, authorize_params(**change)))
    assert answer["error"] == error and answer["state"] == "s-123"


def test_the_code_is_bound_to_its_verifier_and_redirect(sandbox) -> None:
    params = authorize_params()
    code = redirected(submit(sandbox, params))["code"]
    wrong_redirect = redeem(sandbox, code, params["_verifier"], "http://localhost:9999/")
    assert wrong_redirect.status_code == 400 and wrong_redirect.json()["error"] == "invalid_grant"
    wrong_verifier = redeem(sandbox, code, secrets.token_urlsafe(48))
    assert wrong_verifier.status_code == 400 and aadsts(wrong_verifier) == 501481


def test_an_old_code_has_expired(sandbox, entra_settings) -> None:
    entra_settings(auth_code_lifetime=1)
    params = authorize_params()
    code = redirected(submit(sandbox, params))["code"]
    time.sleep(1.5)
    late = redeem(sandbox, code, params["_verifier"])
    assert late.status_code == 400 and aadsts(late) == 70008


def test_conditional_access_blocks_the_device_code_flow(sandbox, public_app) -> None:
    sandbox.entra("POST", "settings", {"block_device_code": True})
    try:
        flow = public_app.initiate_device_flow(scopes=[ADO_SCOPE])
        result = public_app.acquire_token_by_device_flow(flow)
    finally:
        sandbox.entra("POST", "settings", {"block_device_code": False})
    assert 53003 in result["error_codes"] and "access_token" not in result
