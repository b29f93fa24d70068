import pytest

from azrepos.errors import UsageError
from azrepos.urls import parse_org_url, parse_repo_url


@pytest.mark.parametrize(
    ("url", "name", "base", "vssps", "kind"),
    [
        ("https://dev.azure.com/contoso", "contoso", "https://dev.azure.com/contoso",
         "https://vssps.dev.azure.com/contoso", "cloud"),
        ("https://contoso@dev.azure.com/contoso/Web/_git/site", "contoso",
         "https://dev.azure.com/contoso", "https://vssps.dev.azure.com/contoso", "cloud"),
        ("https://contoso.visualstudio.com/", "contoso", "https://contoso.visualstudio.com",
         "https://contoso.vssps.visualstudio.com", "legacy"),
        ("https://tfs.example.com/tfs/DefaultCollection", "DefaultCollection",
         "https://tfs.example.com/tfs/DefaultCollection",
         "https://tfs.example.com/tfs/DefaultCollection", "server"),
        ("https://127.0.0.1:8443/fabrikam/", "fabrikam", "https://127.0.0.1:8443/fabrikam",
         "https://127.0.0.1:8443/fabrikam", "server"),
        ("https://127.0.0.1:8443/fabrikam/Fabrikam/_git/hello", "fabrikam",
         "https://127.0.0.1:8443/fabrikam", "https://127.0.0.1:8443/fabrikam", "server"),
    ],
)
def test_org_urls(url: str, name: str, base: str, vssps: str, kind: str) -> None:
    org = parse_org_url(url)
    assert (org.name, org.url, org.vssps_url, org.kind) == (name, base, vssps, kind)


def test_vssps_override() -> None:
    org = parse_org_url("https://tfs.example.com/tfs/C", "https://ids.example.com/tfs/C/")
    assert org.vssps_url == "https://ids.example.com/tfs/C"


@pytest.mark.parametrize("url", ["http://dev.azure.com/x", "https://dev.azure.com/",
                                 "https://user:secretpat@dev.azure.com/x",  # azrepos: allow-secret
                                 "dev.azure.com/x",
                                 "https://dev.azure.com/bad name"])
def test_bad_org_urls_say_what_to_do(url: str) -> None:
    with pytest.raises(UsageError) as err:
        parse_org_url(url)
    assert err.value.hint
    assert "secretpat" not in str(err.value)


@pytest.mark.parametrize(
    ("url", "org", "project", "repo", "transport"),
    [
        ("https://dev.azure.com/o/p/_git/r", "o", "p", "r", "https"),
        ("https://dev.azure.com/o/_git/r", "o", "r", "r", "https"),
        ("https://dev.azure.com/o/p", "o", "p", None, "https"),
        ("https://o.visualstudio.com/DefaultCollection/p/_git/r", "o", "p", "r", "https"),
        ("git@ssh.dev.azure.com:v3/o/p/r", "o", "p", "r", "ssh"),
        ("o@vs-ssh.visualstudio.com:v3/o/p/r", "o", "p", "r", "ssh"),
        ("ssh://git@127.0.0.1:2222/v3/fabrikam/Fabrikam/hello", "fabrikam", "Fabrikam", "hello",
         "ssh"),
    ],
)
def test_repo_urls(url: str, org: str, project: str, repo: str | None, transport: str) -> None:
    ref = parse_repo_url(url)
    assert (ref.org.name, ref.project, ref.repo, ref.transport) == (org, project, repo, transport)


def test_ssh_url_without_v3_is_refused() -> None:
    with pytest.raises(UsageError, match="v3"):
        parse_repo_url("git@ssh.dev.azure.com:o/p/r")
