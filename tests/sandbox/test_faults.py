"""Fault injection: rate limits, outages, slow answers and timeouts after the write."""

from __future__ import annotations

import time

import pytest
import requests

pytestmark = pytest.mark.usefixtures("clean_faults")


def test_429_with_retry_after_then_success(sandbox):
    fault = {"method": "GET", "path_contains": "SessionTokens", "status": 429,
             "retry_after": 1, "count": 1}
    assert sandbox.admin_request("POST", "/_sandbox/faults", fault).status_code == 201
    limited = sandbox.session_tokens("GET")
    assert limited.status_code == 429
    assert limited.headers["Retry-After"] == "1"
    for header in ("X-RateLimit-Resource", "X-RateLimit-Delay", "X-RateLimit-Limit",
                   "X-RateLimit-Remaining", "X-RateLimit-Reset"):
        assert header in limited.headers
    assert int(limited.headers["X-RateLimit-Reset"]) >= int(time.time())
    assert limited.json()["message"].startswith("TF400733")
    assert sandbox.session_tokens("GET").status_code == 200


def test_faults_match_method_and_path(sandbox):
    fault = {"method": "POST", "path_contains": "SessionTokens", "status": 429, "count": 1}
    sandbox.admin_request("POST", "/_sandbox/faults", fault)
    assert sandbox.session_tokens("GET").status_code == 200
    assert sandbox.api("GET", "/_apis/connectionData").status_code == 200
    assert sandbox.session_tokens("POST", json={}).status_code == 429
    assert len(sandbox.admin_request("GET", "/_sandbox/faults").json()["pending"]) == 0


def test_503_twice_then_recovers(sandbox):
    sandbox.admin_request("POST", "/_sandbox/faults", {"status": 503, "count": 2})
    assert sandbox.api("GET", "/_apis/connectionData").status_code == 503
    assert sandbox.api("GET", "/_apis/connectionData").status_code == 503
    assert sandbox.api("GET", "/_apis/connectionData").status_code == 200


def test_delete_clears_faults(sandbox):
    sandbox.admin_request("POST", "/_sandbox/faults", {"status": 503, "count": 5})
    assert sandbox.admin_request("DELETE", "/_sandbox/faults").status_code == 200
    assert sandbox.api("GET", "/_apis/connectionData").status_code == 200


def test_bad_fault_specs_are_refused(sandbox):
    assert sandbox.admin_request("POST", "/_sandbox/faults", {"count": 1}).status_code == 400
    assert sandbox.admin_request("POST", "/_sandbox/faults", {"status": 200}).status_code == 400


def test_delay_before_processing(sandbox):
    sandbox.admin_request("DELETE", "/_sandbox/requests")
    sandbox.admin_request("POST", "/_sandbox/faults", {"delay": 1.0, "count": 1})
    assert sandbox.api("GET", "/_apis/connectionData").status_code == 200
    assert sandbox.api("GET", "/_apis/connectionData").status_code == 200
    log = sandbox.admin_request("GET", "/_sandbox/requests").json()["value"]
    assert [entry["fault"] for entry in log] == ["delay 1.0s before", None]


def test_timeout_after_the_server_created_the_key(sandbox, make_key):
    public = make_key("slow").with_suffix(".pub").read_text()
    sandbox.admin_request("POST", "/_sandbox/faults", {"method": "POST",
                                               "path_contains": "SessionTokens",
                                               "delay": 3.0, "after_processing": True,
                                               "count": 1})
    body = {"displayName": "slow", "publicData": public, "scope": "app_token",
            "validTo": "2099-01-01T00:00:00Z", "targetAccounts": [sandbox.info["org_id"]]}
    with pytest.raises(requests.exceptions.ReadTimeout):
        sandbox.api("POST", "/_apis/Token/SessionTokens", json=body, timeout=1,
                    params={"isPublic": "true", "api-version": "7.1-preview.1"})
    # The write happened even though the client never saw the answer.
    listed = sandbox.session_tokens("GET", includePublicData="true").json()["value"]
    assert public.split()[1] in [t["publicData"].split()[1] for t in listed]
    retry = sandbox.add_key(public, name="slow")
    assert retry.status_code == 409
