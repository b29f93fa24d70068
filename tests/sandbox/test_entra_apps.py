"""Entra sign-in for apps, through real MSAL: client secret, certificate, managed identity;
and what Azure DevOps lets an app token do."""

from __future__ import annotations

import stat
from pathlib import Path

import jwt
import msal
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from tests.sandbox_fixture import ADO_RESOURCE, ADO_SCOPE

from azrepos_sandbox.entra.certs import self_signed


def _claims(token: str) -> dict:
    return jwt.decode(token, options={"verify_signature": False})


def _confidential(sandbox, credential):
    return msal.ConfidentialClientApplication(
        sandbox.info["sp_client_id"], client_credential=credential,
        authority=sandbox.authority, instance_discovery=False,
        http_client=sandbox.http_client())


def _certificate_pem(sandbox) -> str:
    return Path(sandbox.info["sp_certificate_file"]).read_text()


def _sha1_thumbprint(pem: str) -> str:
    cert = x509.load_pem_x509_certificate(pem.encode())
    return cert.fingerprint(hashes.SHA1()).hex()


def test_sandbox_json_names_the_apps(sandbox):
    info = sandbox.info
    assert info["authority"].endswith("/" + info["tenant_id"])
    assert "8Q~" in info["sp_client_secret"]
    path = Path(info["sp_certificate_file"])
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    pem = path.read_text()
    assert "BEGIN CERTIFICATE" in pem and "BEGIN PRIVATE KEY" in pem
    assert info["identity_endpoint"].endswith("/msi/token")
    assert len(info["identity_header"]) >= 32
    signing_key = sandbox.state_dir / "entra" / "signing-key.pem"
    assert stat.S_IMODE(signing_key.stat().st_mode) == 0o600


def test_client_secret(sandbox):
    result = _confidential(sandbox, sandbox.info["sp_client_secret"]).acquire_token_for_client(
        scopes=[ADO_SCOPE])
    assert "access_token" in result, result
    claims = _claims(result["access_token"])
    assert claims["idtyp"] == "app" and claims["appidacr"] == "1"
    assert claims["appid"] == sandbox.info["sp_client_id"]
    assert claims["oid"] == claims["sub"] == sandbox.info["sp_object_id"]
    assert claims["aud"] == ADO_RESOURCE and "scp" not in claims and "upn" not in claims

    response = sandbox.bearer("GET", "/_apis/connectionData", result["access_token"])
    assert response.status_code == 200, response.text
    user = response.json()["authenticatedUser"]
    assert user["id"] == sandbox.info["sp_object_id"]
    assert user["providerDisplayName"] == "fabrikam-automation"
    assert user["subjectDescriptor"].startswith("aadsp.")
    assert "AadServicePrincipal" in user["descriptor"]


def test_wrong_client_secret(sandbox):
    result = _confidential(sandbox, "not-the-secret").acquire_token_for_client(
        scopes=[ADO_SCOPE])
    assert result["error"] == "invalid_client"
    assert result["error_description"].startswith("AADSTS7000215:")
    assert result["error_codes"] == [7000215]


def test_client_credentials_need_a_default_scope(sandbox):
    result = _confidential(sandbox, sandbox.info["sp_client_secret"]).acquire_token_for_client(
        scopes=[f"{ADO_RESOURCE}/user_impersonation"])
    assert result["error"] == "invalid_scope" and result["error_codes"] == [1002012]


def test_certificate_with_sha1_thumbprint(sandbox):
    # The shape azrepos login --certificate uses: the one-file PEM and a SHA-1 thumbprint,
    # which makes MSAL sign an RS256 assertion with an x5t header.
    pem = _certificate_pem(sandbox)
    result = _confidential(sandbox, {"private_key": pem, "thumbprint": _sha1_thumbprint(pem)}
                           ).acquire_token_for_client(scopes=[ADO_SCOPE])
    assert "access_token" in result, result
    claims = _claims(result["access_token"])
    assert claims["appidacr"] == "2" and claims["appid"] == sandbox.info["sp_client_id"]
    assert sandbox.bearer("GET", "/_apis/connectionData",
                          result["access_token"]).status_code == 200


def test_certificate_with_public_certificate(sandbox):
    # Given the certificate itself, MSAL 1.39 signs PS256 with x5t#S256 instead.
    pem = _certificate_pem(sandbox)
    result = _confidential(sandbox, {"private_key": pem, "public_certificate": pem}
                           ).acquire_token_for_client(scopes=[ADO_SCOPE])
    assert "access_token" in result, result


def test_unregistered_certificate_is_refused(sandbox):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    cert = self_signed(key, "not registered", days=1)
    key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
    thumbprint = cert.fingerprint(hashes.SHA1()).hex()
    result = _confidential(sandbox, {"private_key": key_pem, "thumbprint": thumbprint}
                           ).acquire_token_for_client(scopes=[ADO_SCOPE])
    assert result["error"] == "invalid_client" and result["error_codes"] == [700027]


def test_registered_thumbprint_with_the_wrong_key_is_refused(sandbox):
    # Names the registered certificate but signs with another key: the signature fails.
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    other_pem = other.private_bytes(serialization.Encoding.PEM,
                                    serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption()).decode()
    thumbprint = _sha1_thumbprint(_certificate_pem(sandbox))
    result = _confidential(sandbox, {"private_key": other_pem, "thumbprint": thumbprint}
                           ).acquire_token_for_client(scopes=[ADO_SCOPE])
    assert result["error"] == "invalid_client"
    assert "signature validation" in result["error_description"]


@pytest.fixture
def identity_env(sandbox, monkeypatch):
    """What App Service sets for its apps; MSAL reads it on each call."""
    monkeypatch.setenv("IDENTITY_ENDPOINT", sandbox.info["identity_endpoint"])
    monkeypatch.setenv("IDENTITY_HEADER", sandbox.info["identity_header"])
    for name in ("IDENTITY_SERVER_THUMBPRINT", "MSI_ENDPOINT", "MSI_SECRET", "IMDS_ENDPOINT"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def _identity_client(sandbox, identity):
    return msal.ManagedIdentityClient(identity, http_client=sandbox.http_client())


def test_system_assigned_managed_identity(sandbox, identity_env):
    from msal.managed_identity import APP_SERVICE, get_managed_identity_source

    assert get_managed_identity_source() is APP_SERVICE
    result = _identity_client(sandbox, msal.SystemAssignedManagedIdentity()
                              ).acquire_token_for_client(resource=ADO_RESOURCE)
    assert "access_token" in result, result
    assert 3500 < result["expires_in"] <= 3600
    claims = _claims(result["access_token"])
    assert claims["appid"] == sandbox.info["managed_identity_client_id"]
    assert claims["idtyp"] == "app"
    assert claims["xms_mirid"].endswith("/Microsoft.Web/sites/fabrikam-app")
    user = sandbox.bearer("GET", "/_apis/connectionData",
                          result["access_token"]).json()["authenticatedUser"]
    assert user["providerDisplayName"] == "fabrikam-app"


def test_user_assigned_managed_identity(sandbox, identity_env):
    client_id = sandbox.info["user_assigned_identity_client_id"]
    result = _identity_client(sandbox, msal.UserAssignedManagedIdentity(client_id=client_id)
                              ).acquire_token_for_client(resource=ADO_RESOURCE)
    assert _claims(result["access_token"])["appid"] == client_id
    unknown = _identity_client(
        sandbox, msal.UserAssignedManagedIdentity(client_id="00000000-0000-0000-0000-00000000000a")
    ).acquire_token_for_client(resource=ADO_RESOURCE)
    assert unknown["error"] == "invalid_scope" and "400" in unknown["error_description"]


def test_managed_identity_needs_the_identity_header(sandbox, identity_env):
    identity_env.setenv("IDENTITY_HEADER", "wrong")
    result = _identity_client(sandbox, msal.SystemAssignedManagedIdentity()
                              ).acquire_token_for_client(resource=ADO_RESOURCE)
    assert "access_token" not in result and "401" in result["error_description"]


def test_app_tokens_clone_but_cannot_manage_ssh_keys(sandbox, tmp_path):
    token = _confidential(sandbox, sandbox.info["sp_client_secret"]).acquire_token_for_client(
        scopes=[ADO_SCOPE])["access_token"]
    refused = sandbox.session_tokens("GET", pat=token)
    assert refused.status_code == 403
    assert "Service principals" in refused.json()["message"]
    assert "RestrictAadServicePrincipals" in refused.json()["message"]
    refs = sandbox.api("GET", "/Fabrikam/_git/hello/info/refs", pat=token,
                       params={"service": "git-upload-pack"})
    assert refs.status_code == 200 and b"refs/heads/main" in refs.content


def test_faults_apply_to_entra_endpoints(sandbox, clean_faults):
    added = sandbox.admin_request("POST", "/_sandbox/faults", {"path_contains": "/oauth2/v2.0/token",
                                                       "status": 503, "retry_after": 1})
    assert added.status_code == 201
    form = {"grant_type": "client_credentials", "client_id": sandbox.info["sp_client_id"],
            "client_secret": sandbox.info["sp_client_secret"], "scope": ADO_SCOPE}
    token_url = sandbox.authority + "/oauth2/v2.0/token"
    first = sandbox.http_client().post(token_url, data=form, timeout=30)
    assert first.status_code == 503 and first.headers["Retry-After"] == "1"
    second = sandbox.http_client().post(token_url, data=form, timeout=30)
    assert second.status_code == 200 and "access_token" in second.json()


def test_device_login_page_and_unknown_routes(sandbox):
    page = sandbox.http_client().get(sandbox.authority + "/devicelogin", timeout=30)
    assert page.status_code == 200 and "/_sandbox/entra/approve" in page.text
    unknown = sandbox.http_client().get(sandbox.authority + "/oauth2/v2.0/nope", timeout=30)
    assert unknown.status_code == 404 and unknown.json()["error"] == "invalid_request"
