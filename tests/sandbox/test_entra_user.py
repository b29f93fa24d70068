"""Entra sign-in for people, through real MSAL over TLS: device code, refresh, revocation."""

from __future__ import annotations

import time

import jwt
import requests
from tests.sandbox_fixture import ADO_RESOURCE, ADO_SCOPE, GCM_CLIENT_ID, device_code_sign_in


def _claims(token: str) -> dict:
    return jwt.decode(token, options={"verify_signature": False})


def _jwks_key(sandbox, token: str):
    keys = requests.get(sandbox.authority + "/discovery/v2.0/keys", verify=sandbox.ca_file,
                        timeout=30).json()["keys"]
    kid = jwt.get_unverified_header(token)["kid"]
    return jwt.PyJWK(next(key for key in keys if key["kid"] == kid)).key


def test_openid_configuration_is_what_msal_reads(sandbox):
    tenant = sandbox.info["tenant_id"]
    assert sandbox.authority == f"{sandbox.org_url.rsplit('/', 1)[0]}/{tenant}"
    config = requests.get(sandbox.authority + "/v2.0/.well-known/openid-configuration",
                          verify=sandbox.ca_file, timeout=30).json()
    assert config["issuer"] == f"{sandbox.authority}/v2.0"
    assert config["token_endpoint"] == f"{sandbox.authority}/oauth2/v2.0/token"
    assert config["device_authorization_endpoint"] == \
        f"{sandbox.authority}/oauth2/v2.0/devicecode"
    assert config["authorization_endpoint"] == f"{sandbox.authority}/oauth2/v2.0/authorize"
    assert config["jwks_uri"] == f"{sandbox.authority}/discovery/v2.0/keys"
    keys = requests.get(config["jwks_uri"], verify=sandbox.ca_file, timeout=30).json()["keys"]
    assert [key["kty"] for key in keys] == ["RSA"] and keys[0]["kid"] == keys[0]["x5t"]


def test_device_code_sign_in_then_connection_data(sandbox, public_app):
    result = device_code_sign_in(sandbox, public_app, while_polling=True)
    assert "access_token" in result, result
    assert result["token_type"] == "Bearer" and 3500 < result["expires_in"] <= 3600
    assert result["scope"].split() == [f"{ADO_RESOURCE}/user_impersonation", ADO_SCOPE]

    token = result["access_token"]
    tenant = sandbox.info["tenant_id"]
    # PyJWT, an independent implementation, accepts the signature through the JWKS.
    claims = jwt.decode(token, _jwks_key(sandbox, token), algorithms=["RS256"],
                        audience=ADO_RESOURCE, issuer=f"https://sts.windows.net/{tenant}/")
    assert claims["oid"] == sandbox.info["user_id"]
    assert claims["upn"] == claims["unique_name"] == "dev1@fabrikam.example"
    assert claims["scp"] == "user_impersonation" and claims["appid"] == GCM_CLIENT_ID
    assert claims["tid"] == tenant and claims["ver"] == "1.0"
    assert claims["nbf"] <= time.time() < claims["exp"]

    id_claims = result["id_token_claims"]
    assert id_claims["aud"] == GCM_CLIENT_ID
    assert id_claims["iss"] == f"{sandbox.authority}/v2.0"
    assert id_claims["preferred_username"] == "dev1@fabrikam.example"
    assert id_claims["name"] == "Dev One" and id_claims["oid"] == sandbox.info["user_id"]
    [account] = public_app.get_accounts()
    assert account["home_account_id"] == f"{sandbox.info['user_id']}.{tenant}"
    assert account["username"] == "dev1@fabrikam.example"

    response = sandbox.bearer("GET", "/_apis/connectionData", token)
    assert response.status_code == 200, response.text
    user = response.json()["authenticatedUser"]
    assert user["id"] == sandbox.info["user_id"] and user["providerDisplayName"] == "Dev One"
    # Azure DevOps takes the same token as a Basic password too (what git sends).
    basic = sandbox.api("GET", "/_apis/connectionData", pat=token)
    assert basic.status_code == 200
    # ... and a person's token may manage that person's SSH keys.
    assert sandbox.session_tokens("GET", pat=token).status_code == 200


def test_device_code_for_another_user(sandbox, public_app):
    result = device_code_sign_in(sandbox, public_app, user="dev2")
    assert result["id_token_claims"]["preferred_username"] == "dev2@fabrikam.example"
    user = sandbox.bearer("GET", "/_apis/connectionData",
                          result["access_token"]).json()["authenticatedUser"]
    assert user["providerDisplayName"] == "Dev Two"
    assert user["id"] != sandbox.info["user_id"]


def test_pending_codes_are_listed_until_decided(sandbox, public_app):
    flow = public_app.initiate_device_flow(scopes=[ADO_SCOPE])
    pending = sandbox.entra("GET", "pending").json()["value"]
    mine = [entry for entry in pending if entry["user_code"] == flow["user_code"]]
    assert mine and mine[0]["client_id"] == GCM_CLIENT_ID
    assert flow["interval"] == 1 and flow["expires_in"] == 900
    assert flow["verification_uri"] in flow["message"]
    assert sandbox.entra("POST", "approve", {"user_code": flow["user_code"]}).status_code == 200
    again = sandbox.entra("POST", "approve", {"user_code": flow["user_code"]})
    assert again.status_code == 409
    listed = [entry["user_code"] for entry in sandbox.entra("GET", "pending").json()["value"]]
    assert flow["user_code"] not in listed
    assert sandbox.entra("POST", "approve", {"user_code": "NOSUCHCOD"}).status_code == 404


def test_declined_device_code(sandbox, public_app):
    result = device_code_sign_in(sandbox, public_app, decline=True, while_polling=True)
    assert result["error"] == "authorization_declined"
    assert result["error_description"].startswith("AADSTS65004:")
    assert "access_token" not in result and public_app.get_accounts() == []


def test_expired_device_code(sandbox, public_app, entra_settings):
    entra_settings(device_code_lifetime=1)
    flow = public_app.initiate_device_flow(scopes=[ADO_SCOPE])
    assert flow["expires_in"] == 1
    time.sleep(1.2)
    flow["expires_at"] = time.time() + 60  # let MSAL poll once more than it would
    result = public_app.acquire_token_by_device_flow(flow)
    assert result["error"] == "expired_token"
    assert result["error_codes"] == [70020]
    assert sandbox.entra("POST", "approve", {"user_code": flow["user_code"]}).status_code == 409


def test_silent_refresh_after_the_access_token_expires(sandbox, public_app, entra_settings):
    entra_settings(access_token_lifetime=1)
    first = device_code_sign_in(sandbox, public_app)
    assert first["expires_in"] == 1
    time.sleep(1.1)
    assert sandbox.bearer("GET", "/_apis/connectionData",
                          first["access_token"]).status_code == 401
    # The refreshed token must outlive this test, however slow the machine is.
    entra_settings(access_token_lifetime=3600)
    [account] = public_app.get_accounts()
    # MSAL treats a token with under five minutes left as expired, so this refreshes.
    second = public_app.acquire_token_silent([ADO_SCOPE], account=account)
    assert second and "access_token" in second, second
    assert second["token_source"] == "identity_provider"
    assert second["access_token"] != first["access_token"]
    assert sandbox.bearer("GET", "/_apis/connectionData",
                          second["access_token"]).status_code == 200
    # The rotated refresh token went into the cache and works as well.
    third = public_app.acquire_token_silent([ADO_SCOPE], account=account, force_refresh=True)
    assert third and "access_token" in third, third


def test_a_long_lived_token_comes_from_msal_cache(sandbox, public_app):
    first = device_code_sign_in(sandbox, public_app)
    [account] = public_app.get_accounts()
    again = public_app.acquire_token_silent([ADO_SCOPE], account=account)
    assert again["token_source"] == "cache"
    assert again["access_token"] == first["access_token"]


def test_revoked_refresh_token_needs_a_new_sign_in(sandbox, public_app):
    device_code_sign_in(sandbox, public_app, user="dev2")
    revoked = sandbox.entra("POST", "revoke", {"user": "dev2"}).json()
    assert revoked["revoked"] >= 1
    [account] = public_app.get_accounts()
    result = public_app.acquire_token_silent_with_error([ADO_SCOPE], account=account,
                                                        force_refresh=True)
    assert result["error"] == "invalid_grant"
    assert result["error_description"].startswith("AADSTS50173:")
    fresh = device_code_sign_in(sandbox, public_app, user="dev2")
    assert "access_token" in fresh


def test_expired_refresh_token(sandbox, public_app, entra_settings):
    entra_settings(refresh_token_lifetime=1)
    device_code_sign_in(sandbox, public_app)
    time.sleep(1.2)
    [account] = public_app.get_accounts()
    result = public_app.acquire_token_silent_with_error([ADO_SCOPE], account=account,
                                                        force_refresh=True)
    assert result["error"] == "invalid_grant" and result["error_codes"] == [700082]


def test_token_endpoint_errors_have_entra_shape(sandbox):
    token_url = sandbox.authority + "/oauth2/v2.0/token"

    def post(**form: str) -> requests.Response:
        return requests.post(token_url, data=form, verify=sandbox.ca_file, timeout=30,
                             headers={"client-request-id": "11111111-2222-3333-4444-555555555555"})

    missing = post(client_id=GCM_CLIENT_ID)
    body = missing.json()
    assert missing.status_code == 400 and body["error"] == "invalid_request"
    assert body["error_description"].startswith("AADSTS900144: ")
    assert body["error_codes"] == [900144]
    assert body["correlation_id"] == "11111111-2222-3333-4444-555555555555"
    assert body["trace_id"] and body["timestamp"].endswith("Z")
    assert missing.headers["Cache-Control"] == "no-store, no-cache"

    assert post(grant_type="password", client_id=GCM_CLIENT_ID).json()["error"] == \
        "unsupported_grant_type"
    unknown = post(grant_type="refresh_token", client_id=GCM_CLIENT_ID, refresh_token="1.nope",
                   scope=ADO_SCOPE).json()
    assert unknown["error"] == "invalid_grant" and unknown["error_codes"] == [9002313]
    stranger = requests.post(sandbox.authority + "/oauth2/v2.0/devicecode",
                             data={"client_id": "00000000-1111-2222-3333-444444444444",
                                   "scope": ADO_SCOPE}, verify=sandbox.ca_file, timeout=30)
    assert stranger.json()["error_codes"] == [700016]
    graph = requests.post(sandbox.authority + "/oauth2/v2.0/devicecode",
                          data={"client_id": GCM_CLIENT_ID,
                                "scope": "https://graph.microsoft.com/.default"},
                          verify=sandbox.ca_file, timeout=30)
    assert graph.json()["error"] == "invalid_resource"
