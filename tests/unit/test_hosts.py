"""The light host table and organization key agree with the full URL parser."""

from __future__ import annotations

import pytest

from azrepos.hosts import is_service_host, org_key, org_name
from azrepos.urls import parse_org_url, parse_repo_url, same_remote

URLS = ["https://dev.azure.com/Contoso/", "https://dev.azure.com/contoso/Web/_git/app",
        "https://Fabrikam.visualstudio.com/DefaultCollection/Web/_git/app",
        "https://tfs.example.com:8443/tfs/DefaultCollection/Web/_git/app",
        "https://127.0.0.1:9443/sandbox"]


@pytest.mark.parametrize("url", URLS)
def test_org_name_and_key_agree_with_the_parser(url: str) -> None:
    org = parse_org_url(url)
    assert org_name(org.url) == org.name
    assert org_key(org.url) == org.credential_key == org_key(org.url + "/ ")


def test_service_hosts() -> None:
    assert is_service_host("dev.azure.com") and is_service_host("contoso.visualstudio.com")
    assert not is_service_host("tfs.example.com") and not is_service_host("a.b.visualstudio.com")


def test_remotes_compare_as_git_finds_them_the_same() -> None:
    https = parse_repo_url("https://dev.azure.com/contoso/Web/_git/app").https_url
    assert https is not None
    assert same_remote(https) == same_remote("HTTPS://dev.azure.com/Contoso/Web/_git/app.git/")
