"""Corporate networks: every azrepos call goes through the proxy git uses (``http.proxy``,
then ``HTTPS_PROXY``), honours ``NO_PROXY``, says clearly when the proxy refuses or is not
there, and works through a TLS-inspecting proxy whose CA is trusted. Real proxies from Debian
(squid, mitmproxy) on loopback; their access logs prove the traffic went through them."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from azrepos_sandbox.testing import RunningSandbox
from tests.integration.conftest import User
from tests.proxies import Proxy, mitmdump, squid, tunnels

PROXY_VARS = ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy",
              "ALL_PROXY", "no_proxy", "NO_PROXY")
SECRET = "pr0xy-pa55word"


@pytest.fixture(scope="module")
def plain(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Proxy]:
    with squid(tmp_path_factory.mktemp("squid")) as proxy:
        yield proxy


@pytest.fixture(scope="module")
def guarded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Proxy]:
    with squid(tmp_path_factory.mktemp("squid-auth"), user="alice", password=SECRET) as proxy:
        yield proxy


@pytest.fixture(scope="module")
def inspecting(sandbox: RunningSandbox, tmp_path_factory: pytest.TempPathFactory
               ) -> Iterator[Proxy]:
    with mitmdump(tmp_path_factory.mktemp("mitmdump"), sandbox.ca_file) as proxy:
        yield proxy


@pytest.fixture
def office(pat_user: User) -> User:
    """A user whose environment names no proxy of its own."""
    for name in PROXY_VARS:
        pat_user.env.pop(name, None)
    return pat_user


def sandbox_address(user: User) -> str:
    return user.org.split("/")[2]


def whoami(user: User, *args: str, env: dict[str, str] | None = None):
    return user.azrepos("whoami", "--org", user.org, "--json", *args, env=env)


def test_git_http_proxy_carries_rest_doctor_and_git(office: User, plain: Proxy) -> None:
    office.git("config", "--global", "http.proxy", plain.url(), check=True)
    mark = plain.mark()
    assert whoami(office).returncode == 0
    doctor = office.azrepos("doctor", office.sandbox.info["https_clone_url"], "--org", office.org)
    assert f"via the proxy 127.0.0.1:{plain.port} (from http.proxy)" in doctor.stdout
    done = office.azrepos("exec", "--org", office.org, "--", "git", "ls-remote", "-q",
                          office.sandbox.info["https_clone_url"])
    assert done.returncode == 0, done.stderr
    assert tunnels(plain.since(mark)).count(sandbox_address(office)) >= 3


def test_https_proxy_from_the_environment(office: User, plain: Proxy) -> None:
    mark = plain.mark()
    assert whoami(office, env={"HTTPS_PROXY": plain.url()}).returncode == 0
    assert sandbox_address(office) in tunnels(plain.since(mark))


def test_no_proxy_goes_direct(office: User, plain: Proxy) -> None:
    office.git("config", "--global", "http.proxy", plain.url(), check=True)
    mark = plain.mark()
    done = whoami(office, env={"NO_PROXY": "127.0.0.1"})
    assert done.returncode == 0, done.stderr
    assert tunnels(plain.since(mark)) == []


def test_credentials_in_the_proxy_url_work_and_never_show(office: User, guarded: Proxy) -> None:
    office.git("config", "--global", "http.proxy", guarded.url("alice", SECRET), check=True)
    mark = guarded.mark()
    done = whoami(office, "-vv")
    assert done.returncode == 0, done.stderr
    assert SECRET not in done.stdout + done.stderr
    assert sandbox_address(office) in tunnels(guarded.since(mark))


def test_a_proxy_refusing_the_credentials_says_407(office: User, guarded: Proxy) -> None:
    office.git("config", "--global", "http.proxy", guarded.url("alice", "wrong-" + SECRET),
               check=True)
    mark = guarded.mark()
    done = whoami(office, "-vv")
    assert done.returncode == 1
    assert f"the proxy 127.0.0.1:{guarded.port} refused the credentials (407)" in done.stderr
    assert "fix:" in done.stderr and SECRET not in done.stdout + done.stderr
    log = guarded.since(mark)
    assert tunnels(log, "TCP_DENIED/407") == [sandbox_address(office)] and not tunnels(log)


def test_a_dead_proxy_is_named_with_where_it_came_from(office: User) -> None:
    with socket.socket() as held:  # bound, never listening: nobody answers on that port
        held.bind(("127.0.0.1", 0))
        port = held.getsockname()[1]
        office.git("config", "--global", "http.proxy", f"http://127.0.0.1:{port}", check=True)
        done = whoami(office)
    assert done.returncode == 1
    assert f"cannot reach the proxy 127.0.0.1:{port} (from http.proxy)" in done.stderr


def test_a_tls_inspecting_proxy_works_once_its_ca_is_trusted(office: User, inspecting: Proxy,
                                                             tmp_path: Path) -> None:
    assert inspecting.ca_file is not None
    office.git("config", "--global", "http.proxy", inspecting.url(), check=True)
    untrusted = whoami(office)  # the sandbox's CA alone cannot verify the proxy's re-signing
    assert untrusted.returncode == 1
    assert "CERTIFICATE_VERIFY_FAILED" in untrusted.stderr
    assert "AZREPOS_CA_BUNDLE" in untrusted.stderr and "http.sslCAInfo" in untrusted.stderr
    secret = office.sandbox.info["sp_client_secret"]
    login_args = ("login", "--org", office.org, "--service-principal",
                  office.sandbox.info["sp_client_id"], "--client-secret-stdin")
    refused = office.azrepos(*login_args, stdin=secret + "\n")
    assert refused.returncode == 1 and "AZREPOS_CA_BUNDLE" in refused.stderr
    office.env["AZREPOS_CA_BUNDLE"] = str(inspecting.ca_file)
    mark = inspecting.mark()
    assert whoami(office).returncode == 0
    login = office.azrepos(*login_args, stdin=secret + "\n")
    assert login.returncode == 0, login.stderr
    clone = office.azrepos("exec", "--org", office.org, "--", "git", "clone", "-q",
                           office.sandbox.info["https_clone_url"], str(tmp_path / "clone"))
    assert clone.returncode == 0, clone.stderr
    seen = inspecting.since(mark)  # mitmdump shortens long URLs: match their starts
    address, tenant = sandbox_address(office), office.sandbox.info["authority"].rsplit("/", 1)[1]
    assert f"GET https://{address}/fabrikam/_apis/connectionData" in seen  # REST
    assert f"POST https://{address}/{tenant[:8]}" in seen  # the token endpoint: sign-in
    assert f"GET https://{address}/fabrikam/Fabrikam/_git/hello/in" in seen  # git
    assert secret not in login.stdout + login.stderr


def test_doctor_json_never_holds_the_proxy_password(office: User, guarded: Proxy
                                                              ) -> None:
    office.git("config", "--global", "http.proxy", guarded.url("alice", SECRET), check=True)
    doctor = office.azrepos("doctor", office.sandbox.info["https_clone_url"], "--org",
                            office.org, "--json")
    assert SECRET not in doctor.stdout + doctor.stderr
    assert json.loads(doctor.stdout)
