"""git-credential-azrepos: protocol edge cases, answers, and fuzzing. Runs the real entry point."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from azrepos.git_helper import fast, protocol
from tests.seed_state import cache_token, store_pat

HELPER = str(Path(sys.executable).parent / "git-credential-azrepos")
ORG = "https://dev.azure.com/contoso"
PAT = "p" * 52
TOKEN = "eyJhbGciOiJSUzI1NiJ9." + "e" * 200 + ".s" * 1


def helper(home: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {"HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config"), "PATH": "/usr/bin:/bin",
           "GIT_TERMINAL_PROMPT": "0", "AZREPOS_SECRET_STORE": "file"}
    return subprocess.run([HELPER, *args], input=stdin, capture_output=True, text=True, env=env,
                          timeout=60, check=False)


def request(**extra: str) -> str:
    attrs = {"protocol": "https", "host": "dev.azure.com", "path": "contoso/p/_git/r", **extra}
    return "".join(f"{k}={v}\n" for k, v in attrs.items()) + "\n"


def parse(out: str) -> dict[str, str]:
    return dict(line.split("=", 1) for line in out.splitlines() if line)


def test_stored_pat_is_answered(home: Path) -> None:
    store_pat(ORG, PAT)
    done = helper(home, "get", stdin=request())
    assert done.returncode == 0 and done.stderr == ""
    assert parse(done.stdout) == {"username": "contoso", "password": PAT}


def test_org_comes_from_the_user_name_without_use_http_path(home: Path) -> None:
    store_pat(ORG, PAT)
    store_pat("https://dev.azure.com/other", "o" * 52)
    out = helper(home, "get", stdin=request(path="", username="other")).stdout
    assert parse(out)["password"] == "o" * 52


def test_two_orgs_get_their_own_credentials(home: Path) -> None:
    store_pat(ORG, PAT)
    store_pat("https://dev.azure.com/fabrikam", "f" * 52)
    assert parse(helper(home, "get", stdin=request()).stdout)["password"] == PAT
    other = helper(home, "get", stdin=request(path="fabrikam/x/_git/y")).stdout
    assert parse(other)["password"] == "f" * 52


def test_no_credential_and_no_terminal_says_nothing_so_git_asks_the_next_helper(
        home: Path) -> None:
    done = helper(home, "get", stdin=request())
    assert (done.returncode, done.stdout) == (0, "")


@pytest.mark.parametrize("host", ["github.com", "git.example.com"])
def test_a_host_that_is_not_azure_devops_gets_no_answer(home: Path, host: str) -> None:
    store_pat(ORG, PAT)
    done = helper(home, "get", stdin=request(host=host, path="o/r"))
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")


def test_cached_token_without_capabilities_is_a_basic_password(home: Path) -> None:
    expires = cache_token(ORG, TOKEN)
    answer = parse(helper(home, "get", stdin=request()).stdout)
    assert answer == {"username": "contoso", "password": TOKEN,
                      "password_expiry_utc": str(expires)}


def test_cached_token_with_authtype_capability_is_a_bearer(home: Path) -> None:
    expires = cache_token(ORG, TOKEN)
    out = helper(home, "get", stdin=request(**{"capability[]": "authtype"})).stdout
    assert "capability[]=authtype\n" in out
    answer = parse(out)
    assert answer["authtype"] == "Bearer" and answer["credential"] == TOKEN
    assert answer["password_expiry_utc"] == str(expires) and "password" not in answer


def test_cached_token_wins_over_stored_pat(home: Path) -> None:
    store_pat(ORG, PAT)
    cache_token(ORG, TOKEN)
    assert parse(helper(home, "get", stdin=request()).stdout)["password"] == TOKEN


@pytest.mark.parametrize("stdin", ["", "\n", "garbage without equals\n\n", "protocol=http\n\n",
                                   "host=dev.azure.com\n\n"])
def test_odd_input_never_crashes(home: Path, stdin: str) -> None:
    done = helper(home, "get", stdin=stdin)
    assert done.returncode in (0, 1)
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("operation", ["", "list", "GET", "capability"])
def test_unknown_operations_are_ignored_silently(home: Path, operation: str) -> None:
    done = helper(home, *([operation] if operation else []), stdin=request())
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")


def test_nul_in_a_value_is_rejected(home: Path) -> None:
    done = helper(home, "get", stdin="protocol=https\nhost=dev.azure.com\npath=a\0b\n\n")
    assert done.returncode == 1 and "NUL" in done.stderr


def test_store_of_our_own_answer_writes_nothing(home: Path) -> None:
    store_pat(ORG, PAT)
    secrets = home / ".config" / "azrepos" / "secrets.json"
    before = secrets.stat().st_mtime_ns
    assert helper(home, "store", stdin=request(username="x", password=PAT)).returncode == 0
    assert helper(home, "store", stdin=request(username="x", password=TOKEN)).returncode == 0
    assert secrets.stat().st_mtime_ns == before


def test_store_then_erase_a_new_pat(home: Path) -> None:
    assert helper(home, "store", stdin=request(username="x", password=PAT)).returncode == 0
    assert parse(helper(home, "get", stdin=request()).stdout)["password"] == PAT
    assert helper(home, "erase", stdin=request(password=PAT)).returncode == 0
    assert helper(home, "get", stdin=request()).stdout == ""


def test_values_with_newlines_are_never_sent() -> None:
    with pytest.raises(protocol.ProtocolError):
        protocol.write(io.StringIO(), [("password", "a\nb")])


line = st.one_of(
    st.sampled_from(["protocol=https", "host=dev.azure.com", "path=contoso/p/_git/r",
                     "capability[]=authtype", "capability[]=", f"password={PAT}", "username=x",
                     "wwwauth[]=Bearer", "quit=1", "=", "protocol", ""]),
    st.text(alphabet=st.characters(blacklist_characters="\n"), max_size=40),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=st.lists(line, max_size=12), operation=st.sampled_from(["get", "store", "erase"]))
def test_fuzz_helper_never_crashes_nor_leaks(home: Path, monkeypatch: pytest.MonkeyPatch,
                                            lines: list[str], operation: str) -> None:
    monkeypatch.setenv("AZREPOS_SECRET_STORE", "file")
    monkeypatch.setenv("GIT_TERMINAL_PROMPT", "0")
    store_pat(ORG, PAT)
    stdin, stdout, stderr = io.StringIO("\n".join(lines) + "\n\n"), io.StringIO(), io.StringIO()
    monkeypatch.setattr(sys, "stdin", stdin)
    monkeypatch.setattr(sys, "stdout", stdout)
    monkeypatch.setattr(sys, "stderr", stderr)
    assert fast.main([operation]) in (0, 1)
    assert PAT not in stderr.getvalue()
    for out_line in stdout.getvalue().splitlines():
        key, _, value = out_line.partition("=")
        assert key in {"username", "password", "quit", "capability[]", "authtype", "credential",
                       "password_expiry_utc"}
        assert "\n" not in value and "\0" not in value


def test_erase_without_a_password_removes_the_matching_pat(home: Path) -> None:
    store_pat(ORG, PAT)
    store_pat("https://dev.azure.com/fabrikam", "f" * 52)
    assert helper(home, "erase", stdin=request()).returncode == 0
    assert "password" not in parse(helper(home, "get", stdin=request()).stdout)
    other = helper(home, "get", stdin=request(path="fabrikam/x/_git/y")).stdout
    assert parse(other)["password"] == "f" * 52


def test_erase_with_another_password_keeps_the_pat(home: Path) -> None:
    store_pat(ORG, PAT)
    assert helper(home, "erase", stdin=request(password="q" * 52)).returncode == 0
    assert helper(home, "erase", stdin=request(credential="q" * 52)).returncode == 0
    assert parse(helper(home, "get", stdin=request()).stdout)["password"] == PAT


def test_erase_of_a_host_removes_all_its_orgs(home: Path) -> None:
    store_pat(ORG, PAT)
    store_pat("https://dev.azure.com/fabrikam", "f" * 52)
    assert helper(home, "erase", stdin=request(path="")).returncode == 0
    secrets = (home / ".config" / "azrepos" / "secrets.json").read_text()
    assert "pat:" not in secrets


@pytest.mark.parametrize("refusal", [{"password": TOKEN},
                                     {"authtype": "Bearer", "credential": TOKEN}])
def test_erase_of_a_refused_token_stops_it_being_served(home: Path,
                                                        refusal: dict[str, str]) -> None:
    cache_token(ORG, TOKEN)
    assert helper(home, "erase", stdin=request(**refusal)).returncode == 0
    done = helper(home, "get", stdin=request())
    assert TOKEN not in done.stdout and "Traceback" not in done.stderr


def test_erase_of_another_token_keeps_the_cached_one(home: Path) -> None:
    cache_token(ORG, TOKEN)
    other = "eyJhbGciOiJSUzI1NiJ9." + "o" * 200 + ".s"
    assert helper(home, "erase", stdin=request(password=other)).returncode == 0
    assert parse(helper(home, "get", stdin=request()).stdout)["password"] == TOKEN


def test_get_returns_the_stored_username_and_expiry(home: Path) -> None:
    stored = request(username="alice", password=PAT, password_expiry_utc="4102444800")
    assert helper(home, "store", stdin=stored).returncode == 0
    assert parse(helper(home, "get", stdin=request()).stdout) == {
        "username": "alice", "password": PAT, "password_expiry_utc": "4102444800"}


def test_store_overwrites_pat_username_and_expiry(home: Path) -> None:
    first = request(username="alice", password=PAT, password_expiry_utc="4102444800")
    assert helper(home, "store", stdin=first).returncode == 0
    assert helper(home, "store", stdin=request(username="bob", password="n" * 52)).returncode == 0
    assert parse(helper(home, "get", stdin=request()).stdout) == {
        "username": "bob", "password": "n" * 52}


def test_erase_with_another_username_keeps_the_pat(home: Path) -> None:
    assert helper(home, "store", stdin=request(username="alice", password=PAT)).returncode == 0
    assert helper(home, "erase", stdin=request(username="bob")).returncode == 0
    assert parse(helper(home, "get", stdin=request()).stdout)["password"] == PAT
    assert helper(home, "erase", stdin=request(username="alice")).returncode == 0
    assert "password" not in parse(helper(home, "get", stdin=request()).stdout)


def test_own_org_that_cannot_refresh_quits_and_says_what_to_run(home: Path) -> None:
    cache_token(ORG, TOKEN, lifetime=10)  # expired, and the sign-in server is out of reach
    done = helper(home, "get", stdin=request())
    assert parse(done.stdout) == {"quit": "true"}
    assert f"azrepos login --org {ORG}" in done.stderr and "Traceback" not in done.stderr

