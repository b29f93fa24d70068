"""The proxy rule, as git and GCM apply it: git's http.proxy first (empty: direct), then the
environment; NO_PROXY per host; a password in the URL never shown."""

from __future__ import annotations

import pytest

from azrepos.network import bypassed, choose, proxy_failure
from azrepos.redaction import scrub


def test_git_beats_the_environment_and_empty_means_direct() -> None:
    env = {"HTTPS_PROXY": "http://env:3128"}
    assert choose("proxy.corp:8080", env).url == "http://proxy.corp:8080"
    assert choose("proxy.corp:8080", env).source == "http.proxy"
    direct = choose("", env)
    assert direct.url is None and direct.describe() == "none (direct)"


@pytest.mark.parametrize(("env", "source"), [
    ({"https_proxy": "http://a:1", "HTTPS_PROXY": "http://b:1"}, "https_proxy"),
    ({"HTTPS_PROXY": "http://b:1", "ALL_PROXY": "http://c:1"}, "HTTPS_PROXY"),
    ({"all_proxy": "http://c:1"}, "all_proxy"),
    ({}, "none"),
])
def test_environment_order(env: dict[str, str], source: str) -> None:
    assert choose(None, env).source == source


@pytest.mark.parametrize(("no_proxy", "host", "direct"), [
    ("*", "dev.azure.com", True),
    ("azure.com", "dev.azure.com", True),
    (".azure.com", "dev.azure.com", True),
    ("127.0.0.1:8443", "127.0.0.1:44321", True),
    ("tfs.corp", "dev.azure.com", False),
    ("zure.com", "dev.azure.com", False),
    ("", "dev.azure.com", False),
])
def test_no_proxy(no_proxy: str, host: str, direct: bool) -> None:
    assert bypassed(host, {"NO_PROXY": no_proxy}) is direct


def test_the_password_is_a_secret_and_the_address_shows_none() -> None:
    choice = choose("http://alice:s3cr3t-pa55@proxy.corp:3128", {})
    assert choice.address == "proxy.corp:3128"
    assert "s3cr3t-pa55" not in scrub(f"failed via {choice.url}")
    refused = proxy_failure("Tunnel connection failed: 407 Proxy Authentication Required", choice)
    assert refused.message == "the proxy proxy.corp:3128 refused the credentials (407)"
    dead = proxy_failure("Connection refused", choice)
    assert dead.message == "cannot reach the proxy proxy.corp:3128 (from http.proxy)"
