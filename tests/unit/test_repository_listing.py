"""Paging, Retry-After and selection rules of the repository list, with only HTTP faked."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
import requests

from azrepos.errors import ApiError, UsageError
from azrepos.onboarding.selection import select
from azrepos.rest.client import AzureDevOpsClient
from azrepos.rest.models import GitRepository
from azrepos.rest.transport import RetryPolicy, Transport
from azrepos.urls import parse_org_url

ORG = parse_org_url("https://dev.azure.com/contoso")


class Credential:
    description = "test credential"

    def authorization(self) -> str:
        return "Basic placeholder"


def answer(status: int, body: Any, headers: dict[str, str] | None = None) -> requests.Response:
    response = requests.Response()
    response.status_code = status
    response._content = json.dumps(body).encode()
    response.headers.update(headers or {})
    return response


class ScriptedSession(requests.Session):
    """Answers each request with the next scripted response and records the query."""

    def __init__(self, answers: list[requests.Response]) -> None:
        super().__init__()
        self.answers = answers
        self.sent: list[dict[str, str]] = []

    def request(self, method: str, url: str, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        self.sent.append(dict(kwargs.get("params") or {}))
        return self.answers.pop(0)


def repo(name: str, project: str = "P", **extra: Any) -> dict[str, Any]:
    return {"id": name, "name": name, "project": {"name": project},
            "defaultBranch": "refs/heads/main", "size": 1, **extra}


def client_with(answers: list[requests.Response], slept: list[float] | None = None
                ) -> tuple[AzureDevOpsClient, ScriptedSession]:
    session = ScriptedSession(answers)
    transport = Transport(session, RetryPolicy(), sleep=(slept if slept is not None else []
                                                         ).append)
    return AzureDevOpsClient(ORG, Credential(), session=session, transport=transport), session


def test_pages_follow_the_continuation_header_until_it_is_absent() -> None:
    client, session = client_with([
        answer(200, {"count": 2, "value": [repo("a"), repo("b")]},
               {"x-ms-continuationtoken": "t1"}),
        answer(200, {"count": 1, "value": [repo("c")]}),
    ])
    names = [r.name for r in client.list_repositories("P")]
    assert names == ["a", "b", "c"]
    assert session.sent[0]["$top"] == "100" and "continuationToken" not in session.sent[0]
    assert session.sent[1]["continuationToken"] == "t1"
    assert session.sent[1]["api-version"] == "7.1"


def test_a_repeated_token_stops_instead_of_looping() -> None:
    page = {"count": 1, "value": [repo("a")]}
    client, _ = client_with([answer(200, page, {"x-ms-continuationtoken": "same"}),
                             answer(200, page, {"x-ms-continuationtoken": "same"})])
    with pytest.raises(ApiError, match="same continuation token twice"):
        client.list_repositories()


def test_retry_after_is_honoured_mid_listing() -> None:
    slept: list[float] = []
    client, _ = client_with([
        answer(200, {"value": [repo("a")]}, {"x-ms-continuationtoken": "t1"}),
        answer(429, {"message": "TF400733: blocked"}, {"Retry-After": "3"}),
        answer(200, {"value": [repo("b")]}),
    ], slept)
    assert [r.name for r in client.list_repositories()] == ["a", "b"]
    assert slept == [3.0]


def test_projects_are_paged_too() -> None:
    client, _ = client_with([
        answer(200, {"value": [{"id": "1", "name": "A", "state": "wellFormed"}]},
               {"x-ms-continuationtoken": "n"}),
        answer(200, {"value": [{"id": "2", "name": "B", "state": "wellFormed"}]}),
    ])
    assert [p.name for p in client.list_projects()] == ["A", "B"]


def test_unknown_project_and_missing_scope_say_what_to_do() -> None:
    client, _ = client_with([answer(404, {"message": "TF200016: The following project does "
                                          "not exist: X."})])
    with pytest.raises(ApiError, match="project 'X' not found") as found:
        client.list_repositories("X")
    assert found.value.hint and "repos list" in found.value.hint
    client, _ = client_with([answer(403, {"message": "VS30063: not authorized"})])
    with pytest.raises(ApiError, match=r"vso\.code") as denied:
        client.list_repositories()
    assert denied.value.status == 403


def test_fork_and_disabled_fields_are_read() -> None:
    fork = GitRepository.from_json(repo("f", isFork=True, parentRepository={
        "name": "base", "project": {"name": "P"}}))
    assert fork.is_fork and fork.parent == "P/base"
    disabled = GitRepository.from_json({"id": "d", "name": "d", "project": {"name": "P"},
                                        "isDisabled": True})
    assert disabled.is_disabled and disabled.default_branch is None


LISTED = [GitRepository.from_json(r) for r in (
    repo("app", "A"), repo("app", "B"), repo("lib", "A"),
    {"id": "old", "name": "old", "project": {"name": "A"}, "isDisabled": True})]


def test_all_skips_disabled_and_says_which() -> None:
    chosen = select(LISTED, [], take_all=True, org_url=ORG.url)
    assert [f"{r.project}/{r.name}" for r in chosen.repos] == ["A/app", "B/app", "A/lib"]
    assert [r.name for r in chosen.skipped] == ["old"]


@pytest.mark.parametrize(("names", "message"), [
    (["old"], "A/old is disabled"),
    (["app"], "in several projects"),
    (["nope"], "no repository named 'nope'"),
])
def test_bad_names_are_refused(names: list[str], message: str) -> None:
    with pytest.raises(UsageError, match=message):
        select(LISTED, names, take_all=False, org_url=ORG.url)


def test_project_slash_name_and_case_insensitive_names() -> None:
    chosen = select(LISTED, ["b/APP", "Lib"], take_all=False, org_url=ORG.url)
    assert [f"{r.project}/{r.name}" for r in chosen.repos] == ["B/app", "A/lib"]


def test_patterns_match_names_or_project_slash_name_and_skip_disabled() -> None:
    chosen = select(LISTED, [], take_all=False, org_url=ORG.url, patterns=["A*", "a/*"])
    assert [f"{r.project}/{r.name}" for r in chosen.repos] == ["A/app", "B/app", "A/lib"]
    assert [r.name for r in chosen.skipped] == ["old"]
    only_b = select(LISTED, ["lib"], take_all=False, org_url=ORG.url, patterns=["b/AP?"])
    assert [f"{r.project}/{r.name}" for r in only_b.repos] == ["A/lib", "B/app"]
    assert only_b.skipped == []


@pytest.mark.parametrize(("names", "patterns", "take_all", "message"), [
    ([], ["zz*"], False, "no repository matches 'zz*'"),
    ([], ["a*"], True, "not both"),
])
def test_bad_patterns_are_refused(names: list[str], patterns: list[str], take_all: bool,
                                  message: str) -> None:
    with pytest.raises(UsageError, match=re.escape(message)):
        select(LISTED, names, take_all=take_all, org_url=ORG.url, patterns=patterns)


def test_writes_are_counted_by_http_method_not_by_label() -> None:
    """The modules' idempotence proof (writes == 0 on a re-run) reads this count, so renaming a
    message cannot change it: reads by GET, writes by POST and DELETE."""
    client, _ = client_with([answer(200, {"value": [repo("one")]}), answer(200, {"value": []}),
                             answer(204, {})])
    client.list_repositories()
    client.list_ssh_keys()
    assert client.writes == 0
    client.revoke_ssh_key("a")
    assert client.writes == 1


def test_a_missing_project_is_named_with_its_fix() -> None:
    client, _ = client_with([answer(404, {"message": "TF200016: project not found"})])
    with pytest.raises(ApiError) as caught:
        client.list_repositories("Nope")
    assert "project 'Nope' not found in https://dev.azure.com/contoso" in str(caught.value)
    assert "azrepos repos list --org" in (caught.value.hint or "")
