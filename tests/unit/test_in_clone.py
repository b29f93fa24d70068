"""Commands run inside a clone: the fork remotes' names, and sibling URLs in origin's transport
(HTTPS, SSH through the cloud host, an alias or a port); the key registrations record."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from azrepos.onboarding.fork_remotes import remote_name
from azrepos.onboarding.in_clone import CloneOrigin
from azrepos.sshkeys.registrations import record_text
from azrepos.urls import parse_repo_url


def origin(url: str) -> CloneOrigin:
    return CloneOrigin(Path("."), url, parse_repo_url(url), "https://dev.azure.com/contoso")


@pytest.mark.parametrize(("url", "sibling"), [
    ("https://dev.azure.com/contoso/Team%20A/_git/api",
     "https://dev.azure.com/contoso/Team%20B/_git/api-fork"),
    ("git@ssh.dev.azure.com:v3/contoso/Team%20A/api",
     "git@ssh.dev.azure.com:v3/contoso/Team%20B/api-fork"),
    ("azrepos-contoso:v3/contoso/Team%20A/api", "azrepos-contoso:v3/contoso/Team%20B/api-fork"),
    ("ssh://git@127.0.0.1:2222/v3/contoso/Team%20A/api",
     "ssh://git@127.0.0.1:2222/v3/contoso/Team%20B/api-fork"),
])
def test_siblings_go_the_way_origin_goes(url: str, sibling: str) -> None:
    assert origin(url).sibling_url("Team B", "api-fork") == sibling


def test_remote_names_are_valid_git_names() -> None:
    assert remote_name("Team B", "api-fork") == "Team-B-api-fork"
    assert remote_name("Fabrikam", "hello") == "Fabrikam-hello"


def test_a_registration_that_says_the_same_is_not_rewritten() -> None:
    learned = [("https://dev.azure.com/contoso", "SHA256:abc", True, "2027-03-01T00:00:00Z")]
    first = record_text("", learned, datetime(2026, 12, 1, tzinfo=UTC))
    assert record_text(first, learned, datetime(2026, 12, 4, tzinfo=UTC)) == first
    renewed = [(*learned[0][:3], "2027-06-01T00:00:00Z")]
    changed = json.loads(record_text(first, renewed, datetime(2026, 12, 4, tzinfo=UTC)))
    [entry] = changed.values()
    assert entry == {"registered": True, "valid_to": "2027-06-01T00:00:00Z",
                     "checked_at": "2026-12-04T00:00:00Z"}
    assert json.loads(record_text("{damaged", learned)) != {}
