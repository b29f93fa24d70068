"""Azure DevOps' side: Entra access tokens for git and REST, and every way one is refused."""

from __future__ import annotations

import json
import subprocess
import time

import msal
import pytest
from tests.sandbox_fixture import (
    ADO_RESOURCE,
    ADO_SCOPE,
    GCM_CLIENT_ID,
    device_code_sign_in,
    git_env,
)

from azrepos_sandbox.entra import jws
from azrepos_sandbox.entra.certs import new_rsa_key
from azrepos_sandbox.entra.signing import ensure_signing_key

# The token comes from the environment, never from argv or the URL. Git 2.39 has no
# authtype=Bearer, so it goes as the Basic password, which Azure DevOps accepts.
HELPER = ("!f() { test \"$1\" = get && echo username=azrepos && "
          "echo password=$SANDBOX_TOKEN; }; f")


def _challenges(response) -> list[str]:
    return response.raw.headers.getlist("WWW-Authenticate")


def _assert_refused(sandbox, token: str) -> None:
    response = sandbox.bearer("GET", "/_apis/connectionData", token)
    assert response.status_code == 401, response.text
    tenant = sandbox.info["tenant_id"]
    assert _challenges(response)[0] == f"Bearer authorization_uri={sandbox.authority}"
    assert response.headers["X-VSS-ResourceTenant"] == tenant
    assert sandbox.api("GET", "/_apis/connectionData", pat=token).status_code == 401


@pytest.fixture(scope="module")
def user_token(sandbox) -> str:
    app = msal.PublicClientApplication(GCM_CLIENT_ID, authority=sandbox.authority,
                                       instance_discovery=False,
                                       http_client=sandbox.http_client())
    return device_code_sign_in(sandbox, app)["access_token"]


@pytest.fixture(scope="module")
def signing_key(sandbox):
    # The sandbox's own key, read from its state directory, to forge near-miss tokens.
    return ensure_signing_key(sandbox.state_dir / "entra")


def _app_token(sandbox) -> str:
    app = msal.ConfidentialClientApplication(
        sandbox.info["sp_client_id"], client_credential=sandbox.info["sp_client_secret"],
        authority=sandbox.authority, instance_discovery=False,
        http_client=sandbox.http_client())
    return app.acquire_token_for_client(scopes=[ADO_SCOPE])["access_token"]


def test_clone_with_an_entra_token(sandbox, user_token, tmp_path):
    env = git_env(SANDBOX_TOKEN=user_token)
    result = subprocess.run(
        ["git", "-c", "credential.helper=", "-c", f"credential.helper={HELPER}",
         "-c", f"http.sslCAInfo={sandbox.ca_file}", "clone", sandbox.info["https_clone_url"],
         str(tmp_path / "c")], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "c" / "README.md").exists()
    assert user_token not in result.stderr + result.stdout


def test_clone_with_an_app_token(sandbox, tmp_path):
    result = subprocess.run(
        ["git", "-c", "credential.helper=", "-c", f"credential.helper={HELPER}",
         "-c", f"http.sslCAInfo={sandbox.ca_file}", "ls-remote",
         sandbox.info["https_clone_url"]], env=git_env(SANDBOX_TOKEN=_app_token(sandbox)),
        capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "refs/heads/main" in result.stdout


def test_tampered_token_is_401(sandbox, user_token):
    header, payload, signature = user_token.split(".")
    claims = jws.parse(user_token).claims
    claims["upn"] = "dev2@fabrikam.example"
    forged = jws.b64url(json.dumps(claims).encode())
    _assert_refused(sandbox, f"{header}.{forged}.{signature}")
    _assert_refused(sandbox, f"{header}.{payload}.{signature[:-4]}AAAA")
    _assert_refused(sandbox, "eyJhbGciOiJub25lIn0.e30.")  # alg none, no signature
    _assert_refused(sandbox, "not-a-jwt")


def test_wrong_audience_is_401(sandbox, user_token, signing_key):
    claims = jws.parse(user_token).claims
    assert sandbox.bearer("GET", "/_apis/connectionData",
                          signing_key.sign(claims)).status_code == 200  # the control
    _assert_refused(sandbox, signing_key.sign({**claims, "aud": "https://graph.microsoft.com"}))
    _assert_refused(sandbox, signing_key.sign(
        {**claims, "iss": "https://sts.windows.net/00000000-0000-0000-0000-000000000001/"}))


def test_other_key_with_the_right_kid_is_401(sandbox, user_token, signing_key):
    claims = jws.parse(user_token).claims
    _assert_refused(sandbox, jws.sign_rs256(claims, new_rsa_key(),
                                            {"kid": signing_key.kid, "x5t": signing_key.kid}))


def test_not_yet_valid_and_unknown_identity_are_401(sandbox, user_token, signing_key):
    claims = jws.parse(user_token).claims
    now = int(time.time())
    _assert_refused(sandbox, signing_key.sign({**claims, "nbf": now + 600}))
    _assert_refused(sandbox, signing_key.sign(
        {**claims, "oid": "00000000-0000-0000-0000-00000000beef"}))
    # An app-type token naming a person is not an app the tenant knows.
    _assert_refused(sandbox, signing_key.sign({**claims, "idtyp": "app"}))


def test_expired_token_is_401(sandbox, entra_settings):
    entra_settings(access_token_lifetime=1)
    token = _app_token(sandbox)
    assert jws.parse(token).claims["aud"] == ADO_RESOURCE
    time.sleep(1.2)
    _assert_refused(sandbox, token)
    log = (sandbox.state_dir / "sandbox.log").read_text()
    assert "access token refused: expired" in log
    assert token not in log
