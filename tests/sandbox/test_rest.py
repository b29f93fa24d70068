"""REST behaviour of the sandbox: challenges, connectionData, SessionTokens, admin routes."""

from __future__ import annotations

import os
import stat
from datetime import UTC, datetime, timedelta

import requests

from azrepos_sandbox.identity.pats import PAT_PATTERN


def _challenges(response: requests.Response) -> list[str]:
    # requests folds repeated headers into one comma-joined value; the raw headers keep them.
    return response.raw.headers.getlist("WWW-Authenticate")


def test_sandbox_json_shape_and_mode(sandbox):
    info = sandbox.info
    path = sandbox.state_dir / "sandbox.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    port = int(info["org_url"].split(":")[2].split("/")[0])
    assert info["org_url"] == f"https://127.0.0.1:{port}/fabrikam"
    assert info["org_name"] == "fabrikam"
    assert PAT_PATTERN.match(info["pat"])
    assert info["https_clone_url"] == f"{info['org_url']}/Fabrikam/_git/hello"
    assert info["ssh_clone_url"] == (
        f"ssh://{info['ssh_user']}@127.0.0.1:{info['ssh_port']}/v3/fabrikam/Fabrikam/hello")
    assert info["ssh_host_key"].startswith("ssh-rsa AAAA")
    assert info["ssh_host_key_fingerprint"].startswith("SHA256:")
    assert info["pid"] == sandbox.process.pid
    ca_key = sandbox.state_dir / "tls" / "ca-key.pem"
    assert stat.S_IMODE(ca_key.stat().st_mode) == 0o600
    assert sandbox.started_in < 30


def test_pat_is_stored_only_as_a_hash(sandbox):
    db = (sandbox.state_dir / "sandbox.db").read_bytes()
    wal = sandbox.state_dir / "sandbox.db-wal"
    blob = db + (wal.read_bytes() if wal.exists() else b"")
    assert sandbox.info["pat"].encode() not in blob


def test_unauthenticated_requests_get_azure_challenges(sandbox):
    tenant = sandbox.info["tenant_id"]
    base = sandbox.org_url.rsplit("/", 1)[0]
    for method, path in [("HEAD", ""), ("GET", "/_apis/connectionData"),
                         ("GET", "/_apis/Token/SessionTokens")]:
        response = requests.request(method, sandbox.org_url + path, verify=sandbox.ca_file,
                                    headers={"X-TFS-FedAuthRedirect": "Suppress"},
                                    allow_redirects=False, timeout=30)
        assert response.status_code == 401, (method, path)
        assert _challenges(response) == [
            f"Bearer authorization_uri={base}/{tenant}",
            f'Basic realm="{base}/"',
            "TFS-Federated",
        ]
        assert response.headers["X-VSS-ResourceTenant"] == tenant
        if method == "GET":
            assert response.json()["message"].startswith("TF400813")


def test_bad_and_unknown_pats_are_401(sandbox):
    assert sandbox.api("GET", "/_apis/connectionData", pat="x" * 84).status_code == 401
    expired = sandbox.admin_request("POST", "/_sandbox/pats", {"valid_days": -1}).json()["pat"]
    assert sandbox.api("GET", "/_apis/connectionData", pat=expired).status_code == 401
    revoked = sandbox.admin_request("POST", "/_sandbox/pats", {"valid_days": 1}).json()["pat"]
    assert sandbox.api("GET", "/_apis/connectionData", pat=revoked).status_code == 200
    assert sandbox.admin_request("POST", "/_sandbox/pats/revoke", {"pat": revoked}).status_code == 200
    assert sandbox.api("GET", "/_apis/connectionData", pat=revoked).status_code == 401


def test_unknown_org_is_404(sandbox):
    base = sandbox.org_url.rsplit("/", 1)[0]
    response = requests.get(base + "/contoso/_apis/connectionData", verify=sandbox.ca_file,
                            auth=("", sandbox.info["pat"]), timeout=30)
    assert response.status_code == 404
    assert "TF" in response.json()["message"] and "not found" in response.json()["message"]


def test_connection_data(sandbox):
    response = sandbox.api("GET", "/_apis/connectionData")
    assert response.status_code == 200
    data = response.json()
    assert data["instanceId"] == sandbox.info["org_id"]
    assert data["deploymentId"]
    assert "locationServiceData" in data
    for key in ("authenticatedUser", "authorizedUser"):
        user = data[key]
        assert user["id"] == sandbox.info["user_id"]
        assert user["providerDisplayName"] == "Dev One"
        assert user["descriptor"].endswith("dev1@fabrikam.example")
        assert user["properties"]["Account"]["$value"] == "dev1@fabrikam.example"


def test_connection_data_needs_no_particular_scope(sandbox):
    pat = sandbox.admin_request("POST", "/_sandbox/pats", {"scopes": ["vso.code"]}).json()["pat"]
    assert sandbox.api("GET", "/_apis/connectionData", pat=pat).status_code == 200


def test_session_tokens_add_list_update_delete(sandbox, make_key):
    public = make_key("crud").with_suffix(".pub").read_text()
    created = sandbox.add_key(public, name="laptop")
    assert created.status_code == 200, created.text
    token = created.json()
    for field in ("authorizationId", "displayName", "publicData", "scope", "validFrom",
                  "validTo", "targetAccounts", "isValid", "isPublic", "userId", "clientId"):
        assert field in token
    assert token["displayName"] == "laptop"
    assert token["publicData"].split()[:2] == public.split()[:2]
    assert token["isValid"] is True and token["isPublic"] is True
    assert token["targetAccounts"] == [sandbox.info["org_id"]]
    assert token["userId"] == sandbox.info["user_id"]
    key_id = token["authorizationId"]

    listed = sandbox.session_tokens("GET", includePublicData="true").json()
    assert listed["count"] == len(listed["value"])
    mine = [t for t in listed["value"] if t["authorizationId"] == key_id]
    assert mine and mine[0]["publicData"] == token["publicData"]
    # Without includePublicData the key material is left out, as on Azure DevOps.
    bare = sandbox.session_tokens("GET").json()["value"]
    assert [t["publicData"] for t in bare if t["authorizationId"] == key_id] == [None]

    later = (datetime.now(UTC) + timedelta(days=400)).strftime("%Y-%m-%dT%H:%M:%SZ")
    updated = sandbox.session_tokens("POST", json={
        "authorizationId": key_id, "displayName": "laptop (renamed)", "validTo": later,
        "publicData": public, "scope": "app_token",
        "targetAccounts": [sandbox.info["org_id"]]})
    assert updated.status_code == 200, updated.text
    assert updated.json()["displayName"] == "laptop (renamed)"
    assert updated.json()["validTo"] == later
    assert updated.json()["authorizationId"] == key_id

    assert sandbox.session_tokens("DELETE", f"/{key_id}").status_code == 204
    assert sandbox.session_tokens("DELETE", f"/{key_id}").status_code == 404
    listed = sandbox.session_tokens("GET", includePublicData="true").json()["value"]
    assert key_id not in [t["authorizationId"] for t in listed]


def test_update_and_delete_of_another_users_key_is_404(sandbox, make_key):
    dev2 = sandbox.admin_request("POST", "/_sandbox/pats", {"user": "dev2"}).json()["pat"]
    public = make_key("dev2").with_suffix(".pub").read_text()
    key_id = sandbox.add_key(public, pat=dev2).json()["authorizationId"]
    # dev1 neither sees nor touches it.
    listed = sandbox.session_tokens("GET", includePublicData="true").json()["value"]
    assert key_id not in [t["authorizationId"] for t in listed]
    renamed = sandbox.session_tokens("POST", json={"authorizationId": key_id,
                                                   "displayName": "mine now"})
    assert renamed.status_code == 404
    assert sandbox.session_tokens("DELETE", f"/{key_id}").status_code == 404
    assert sandbox.session_tokens("DELETE", f"/{key_id}", pat=dev2).status_code == 204
    assert sandbox.session_tokens("DELETE", "/00000000-0000-0000-0000-000000000001"
                                  ).status_code == 404


def test_session_tokens_validation(sandbox, make_key):
    ed25519 = make_key("ed", key_type="ed25519").with_suffix(".pub").read_text()
    ecdsa = make_key("ec", key_type="ecdsa").with_suffix(".pub").read_text()
    small = make_key("small", bits=1024).with_suffix(".pub").read_text()
    good = make_key("good").with_suffix(".pub").read_text()

    for public in (ed25519, ecdsa):
        response = sandbox.add_key(public)
        assert response.status_code == 400
        assert "Only RSA" in response.json()["message"]
    response = sandbox.add_key(small)
    assert response.status_code == 400 and "1024" in response.json()["message"]
    for garbage in ("not a key", "ssh-rsa !!!notbase64", ""):
        response = sandbox.add_key(garbage)
        assert response.status_code == 400, garbage
        assert response.json()["message"].startswith("TF")
    response = sandbox.add_key(good, valid_to="2001-01-01T00:00:00Z")
    assert response.status_code == 400 and "future" in response.json()["message"]
    response = sandbox.session_tokens("POST", json={"displayName": "x", "publicData": good})
    assert response.status_code == 400 and "validTo" in response.json()["message"]

    assert sandbox.add_key(good).status_code == 200
    duplicate = sandbox.add_key(good, name="same key again")
    assert duplicate.status_code == 409
    assert "already registered" in duplicate.json()["message"]
    # Not for another user either.
    dev2 = sandbox.admin_request("POST", "/_sandbox/pats", {"user": "dev2"}).json()["pat"]
    assert sandbox.add_key(good, pat=dev2).status_code == 409
    fingerprints = [k["fingerprint"] for k in sandbox.admin_request("GET", "/_sandbox/keys").json()
                    ["value"]]
    assert len(fingerprints) == len(set(fingerprints))


def test_api_version_rules(sandbox):
    url = "/_apis/Token/SessionTokens"
    missing = sandbox.api("GET", url, params={"isPublic": "true"})
    assert missing.status_code == 400
    assert missing.json()["typeKey"] == "VssVersionNotSpecifiedException"
    not_preview = sandbox.api("GET", url, params={"isPublic": "true", "api-version": "7.1"})
    assert not_preview.status_code == 400 and "preview" in not_preview.json()["message"]
    too_new = sandbox.api("GET", url, params={"api-version": "9.0-preview.1"})
    assert too_new.status_code == 400
    in_header = sandbox.api("GET", url, params={"isPublic": "true"},
                            headers={"Accept": "application/json;api-version=7.1-preview.1"})
    assert in_header.status_code == 200


def test_session_tokens_need_vso_tokens_scope(sandbox, make_key):
    pat = sandbox.admin_request("POST", "/_sandbox/pats", {"scopes": ["vso.code"]}).json()["pat"]
    response = sandbox.session_tokens("GET", pat=pat)
    assert response.status_code == 403
    assert "vso.tokens" in response.json()["message"]
    public = make_key("scoped").with_suffix(".pub").read_text()
    assert sandbox.add_key(public, pat=pat).status_code == 403
    scoped = sandbox.admin_request("POST", "/_sandbox/pats", {"scopes": ["vso.tokens"]}).json()["pat"]
    assert sandbox.session_tokens("GET", pat=scoped).status_code == 200


def test_admin_routes_need_the_admin_token(sandbox):
    base = sandbox.org_url.rsplit("/", 1)[0]
    for headers in ({}, {"X-Sandbox-Admin": "wrong"}):
        response = requests.get(base + "/_sandbox/keys", headers=headers,
                                verify=sandbox.ca_file, timeout=30)
        assert response.status_code == 403


def test_request_log_counts_api_calls_without_secrets(sandbox, make_key):
    assert sandbox.admin_request("DELETE", "/_sandbox/requests").status_code == 200
    sandbox.api("GET", "/_apis/connectionData")
    sandbox.add_key(make_key("logged").with_suffix(".pub").read_text())
    entries = sandbox.admin_request("GET", "/_sandbox/requests").json()["value"]
    assert [(e["method"], e["path"], e["status"]) for e in entries] == [
        ("GET", "/fabrikam/_apis/connectionData", 200),
        ("POST", "/fabrikam/_apis/Token/SessionTokens", 200),
    ]
    log = (sandbox.state_dir / "sandbox.log").read_text()
    assert "POST /fabrikam/_apis/Token/SessionTokens 200" in log
    assert sandbox.info["pat"] not in log
    assert sandbox.info["admin_token"] not in log
    assert "ssh-rsa" not in log
    assert os.stat(sandbox.state_dir / "seed-pat").st_mode & 0o077 == 0


PROVIDER = "ms.vss-token-web.personal-access-token-issue-session-token-provider"


def _hierarchy_query(sandbox, properties: dict, accept: str | None = None) -> requests.Response:
    body = {"contributionIds": [PROVIDER], "dataProviderContext": {"properties": properties}}
    return sandbox.api("POST", "/_apis/Contribution/HierarchyQuery", json=body, headers={
        "Accept": accept or "application/json;api-version=5.0-preview.1"})


def test_keys_are_added_through_the_ui_data_provider_too(sandbox, make_key):
    public = make_key("hq").with_suffix(".pub").read_text()
    properties = {"displayName": "via HierarchyQuery", "publicData": public, "scope": "app_token",
                  "validTo": "2099-01-01T00:00:00Z", "isPublic": True,
                  "targetAccounts": [sandbox.info["org_id"]]}
    created = _hierarchy_query(sandbox, properties)
    assert created.status_code == 200, created.text
    token = created.json()["dataProviders"][PROVIDER]
    assert token["displayName"] == "via HierarchyQuery" and token["isPublic"] is True
    listed = sandbox.session_tokens("GET", includePublicData="true").json()["value"]
    assert token["authorizationId"] in [t["authorizationId"] for t in listed]
    again = _hierarchy_query(sandbox, properties)
    assert again.status_code == 409 and "TF1500031" in again.text  # one registration per key
    assert sandbox.session_tokens("DELETE", f"/{token['authorizationId']}").status_code == 204


def test_the_data_provider_checks_its_request(sandbox, make_key):
    public = make_key("hq-bad").with_suffix(".pub").read_text()
    good = {"displayName": "k", "publicData": public, "validTo": "2099-01-01T00:00:00Z",
            "isPublic": True}
    assert _hierarchy_query(sandbox, good, accept="application/json").status_code == 400
    assert _hierarchy_query(sandbox, {**good, "isPublic": False}).status_code == 400
    assert _hierarchy_query(sandbox, {**good, "publicData": "ssh-ed25519 AAAA"}).status_code == 400
    wrong = sandbox.api("POST", "/_apis/Contribution/HierarchyQuery", json={
        "contributionIds": ["ms.other"], "dataProviderContext": {"properties": good}},
        headers={"Accept": "application/json;api-version=5.0-preview.1"})
    assert wrong.status_code == 400 and PROVIDER in wrong.text
