"""Injected faults end with exactly one key registered."""

from __future__ import annotations

import json

import pytest

from tests.integration.conftest import User


def registered(user: User, fingerprint: str) -> list[dict]:
    keys = user.sandbox.admin("GET", "/_sandbox/keys")["value"]
    return [k for k in keys if k["fingerprint"] == fingerprint]


@pytest.fixture(autouse=True)
def clear_faults(sandbox):
    sandbox.admin("DELETE", "/_sandbox/faults")
    yield
    sandbox.admin("DELETE", "/_sandbox/faults")


def add(user: User, **env: str) -> dict:
    done = user.azrepos("ssh-key", "add", "--org", user.org, "--json", "--bits", "2048",
                        "--no-ssh-config", env=env)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_429_then_success(pat_user: User) -> None:
    pat_user.sandbox.admin("POST", "/_sandbox/faults", {
        "method": "POST", "path_contains": "HierarchyQuery", "status": 429, "retry_after": 1,
        "count": 1})
    result = add(pat_user)
    assert len(registered(pat_user, result["fingerprint"])) == 1


def test_503_twice_then_success(pat_user: User) -> None:
    pat_user.sandbox.admin("POST", "/_sandbox/faults", {
        "method": "POST", "path_contains": "HierarchyQuery", "status": 503, "count": 2})
    result = add(pat_user)
    assert len(registered(pat_user, result["fingerprint"])) == 1


def test_timeout_after_the_server_created_the_key(pat_user: User) -> None:
    pat_user.sandbox.admin("POST", "/_sandbox/faults", {
        "method": "POST", "path_contains": "HierarchyQuery", "delay": 4, "after_processing": True,
        "count": 1})
    done = pat_user.azrepos("ssh-key", "add", "--org", pat_user.org, "--json", "--bits", "2048",
                            "--no-ssh-config", "-v", env={"AZREPOS_HTTP_TIMEOUT": "1.5"})
    assert done.returncode == 0, done.stderr
    assert "checking whether the key was registered" in done.stderr
    result = json.loads(done.stdout)
    assert len(registered(pat_user, result["fingerprint"])) == 1


def test_429_beyond_the_budget_fails_clearly(pat_user: User) -> None:
    pat_user.sandbox.admin("POST", "/_sandbox/faults", {
        "method": "GET", "path_contains": "connectionData", "status": 429, "retry_after": 30,
        "count": 5})
    done = pat_user.azrepos("whoami", "--org", pat_user.org, env={"AZREPOS_RETRY_BUDGET": "3"})
    assert done.returncode == 1
    assert "rate-limited" in done.stderr and "TF400733" in done.stderr
