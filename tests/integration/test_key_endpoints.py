"""Key registration through both endpoints the service speaks: the web UI's data provider
(HierarchyQuery) first, the direct SessionTokens POST on 400/404/405, the one that worked
remembered per organization and reported in --json."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import make_key
from tests.integration.conftest import User


@pytest.fixture(autouse=True)
def clear_faults(sandbox):
    sandbox.admin("DELETE", "/_sandbox/faults")
    yield
    sandbox.admin("DELETE", "/_sandbox/faults")


def add(user: User, key: Path) -> dict:
    done = user.azrepos("ssh-key", "add", "--org", user.org, "--json", "--key", str(key),
                        "--no-ssh-config")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def key_posts(user: User) -> list[str]:
    log = user.sandbox.admin("GET", "/_sandbox/requests")["value"]
    return [("HierarchyQuery" if "HierarchyQuery" in r["path"] else "SessionTokens")
            for r in log if r["method"] == "POST" and r["kind"] == "rest"]


def refuse(user: User, endpoint: str, status: int = 404) -> None:
    user.sandbox.admin("POST", "/_sandbox/faults", {"method": "POST", "path_contains": endpoint,
                                                    "status": status, "count": 50})


def test_the_ui_data_provider_is_tried_first(pat_user: User) -> None:
    pat_user.sandbox.admin("DELETE", "/_sandbox/requests")
    result = add(pat_user, make_key(pat_user.home / ".ssh" / "a", bits=2048))
    assert result["action"] == "added" and result["endpoint"] == "HierarchyQuery"
    assert key_posts(pat_user) == ["HierarchyQuery"]


@pytest.mark.parametrize("status", [400, 404, 405])
def test_a_refused_data_provider_falls_back_and_is_remembered(pat_user: User, status: int) -> None:
    user = pat_user
    refuse(user, "HierarchyQuery", status)
    user.sandbox.admin("DELETE", "/_sandbox/requests")
    first = add(user, make_key(user.home / ".ssh" / "a", bits=2048))
    assert first["endpoint"] == "SessionTokens" and key_posts(user) == ["HierarchyQuery",
                                                                        "SessionTokens"]
    remembered = json.loads((user.home / ".config" / "azrepos" / "key_endpoints.json").read_text())
    assert remembered == {user.org.lower(): "SessionTokens"}
    user.sandbox.admin("DELETE", "/_sandbox/requests")
    second = add(user, make_key(user.home / ".ssh" / "b", bits=2048))
    assert second["endpoint"] == "SessionTokens" and key_posts(user) == ["SessionTokens"]


def test_a_refused_direct_post_falls_back_to_the_data_provider(pat_user: User) -> None:
    user = pat_user
    config = user.home / ".config" / "azrepos"
    config.mkdir(parents=True, exist_ok=True)
    (config / "key_endpoints.json").write_text(json.dumps({user.org.lower(): "SessionTokens"}))
    refuse(user, "SessionTokens")
    result = add(user, make_key(user.home / ".ssh" / "a", bits=2048))
    assert result["endpoint"] == "HierarchyQuery"


def test_both_refused_is_a_clear_failure(pat_user: User) -> None:
    refuse(pat_user, "HierarchyQuery")
    refuse(pat_user, "SessionTokens")
    done = pat_user.azrepos("ssh-key", "add", "--org", pat_user.org, "--key",
                            str(make_key(pat_user.home / ".ssh" / "a", bits=2048)),
                            "--no-ssh-config")
    assert done.returncode != 0 and "Traceback" not in done.stderr
    assert "not found" in done.stderr
