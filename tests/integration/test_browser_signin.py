"""``azrepos login --browser`` in a real browser: Debian's Chromium, trusting the sandbox's CA
through NSS, signs in on the sandbox's page (authorization code + PKCE, form_post); then git
clones with the token through the helper. Also: cancel, timeout, no browser, the paste-back
flow for SSH sessions, Conditional Access blocking the device code, and a second login."""

from __future__ import annotations

import json
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from selenium.webdriver.common.by import By

from azrepos.auth.msal_sign_in import GCM_CLIENT_ID
from azrepos_sandbox.testing import RunningSandbox
from tests.browser import artifacts, browser_script, chromium, nss_home, wait_for
from tests.integration.conftest import BIN, User

DONE = "You can close this window"


@pytest.fixture(scope="module")
def browser(sandbox: RunningSandbox, tmp_path_factory: pytest.TempPathFactory) -> Iterator:
    home = nss_home(tmp_path_factory.mktemp("chromium"), sandbox.ca_file)
    with chromium(home) as driver:
        yield driver


@pytest.fixture
def ca_blocks_device_code(sandbox: RunningSandbox) -> Iterator[None]:
    sandbox.admin("POST", "/_sandbox/entra/settings", {"block_device_code": True})
    yield
    sandbox.admin("POST", "/_sandbox/entra/settings", {"block_device_code": False})


def desktop_env(user: User, browser_cmd: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in user.env.items() if not k.startswith(("SSH_", "DISPLAY", "WAYLAND"))}
    return {**env, "BROWSER": browser_cmd, **extra}


def start_login(user: User, *args: str, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen([str(BIN / "azrepos"), "login", "--org", user.org, *args],
                            env=env, text=True, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def sign_in_on_page(driver, url: str, *, cancel: bool = False, shot: str | None = None) -> None:
    driver.get(url)
    field = wait_for(lambda: driver.find_elements(By.ID, "login"), "the sign-in page")[0]
    field.clear()
    field.send_keys("dev1@fabrikam.example")
    if shot:
        driver.save_screenshot(str(artifacts() / f"{shot}.png"))
    driver.find_element(By.ID, "cancel" if cancel else "submit").click()


def finish(proc: subprocess.Popen[str], timeout: float = 120) -> tuple[int, str, str]:
    out, err = proc.communicate(timeout=timeout)
    return proc.returncode, out, err


def not_signed_in(user: User) -> None:
    status = json.loads(user.azrepos("status", "--json", check=True).stdout)
    assert status["signed_in"] == [], status


def test_browser_sign_in_then_clone_through_the_helper(user: User, browser, tmp_path: Path,
                                                      newer_git: Path) -> None:
    script, handed = browser_script(tmp_path)
    proc = start_login(user, "--browser", env=desktop_env(user, str(script)))
    url = wait_for(lambda: handed.exists() and handed.read_text(), "the browser to be opened")
    query = parse_qs(urlsplit(str(url)).query)
    assert query["code_challenge_method"] == ["S256"] and query["response_mode"] == ["form_post"]
    sign_in_on_page(browser, str(url), shot="sign-in-page")
    wait_for(lambda: DONE in browser.page_source, "the done page")
    browser.save_screenshot(str(artifacts() / "signed-in-page.png"))
    code, out, err = finish(proc)
    assert code == 0, err
    assert "signed in to" in out and "Dev One" in out and "Traceback" not in err

    user.azrepos("configure-git", "--org", user.org, check=True)
    for git_prefix, scheme in ((None, "Basic"), (newer_git, "Bearer")):
        env = {"PATH": f"{git_prefix}/bin:{user.env['PATH']}"} if git_prefix else None
        user.sandbox.admin("DELETE", "/_sandbox/requests")
        target = user.home / f"repo-{scheme}"
        clone = user.git("clone", user.sandbox.info["https_clone_url"], str(target), env=env)
        assert clone.returncode == 0, clone.stderr
        schemes = {e["auth"] for e in user.sandbox.admin("GET", "/_sandbox/requests")["value"]
                   if "/_git/" in e["path"] and e["auth"]}
        assert schemes == {scheme}

    # A second login reuses the cached account: no browser, no prompt.
    again = user.azrepos("login", "--org", user.org, "--browser", "--json",
                         env=desktop_env(user, "/bin/false", AZREPOS_SIGNIN_TIMEOUT="5"))
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["changed"] is False


def test_cancel_in_the_browser_is_one_clear_line(user: User, browser, tmp_path: Path) -> None:
    script, handed = browser_script(tmp_path)
    proc = start_login(user, "--browser", env=desktop_env(user, str(script)))
    url = wait_for(lambda: handed.exists() and handed.read_text(), "the browser to be opened")
    sign_in_on_page(browser, str(url), cancel=True)
    code, _, err = finish(proc)
    assert code == 1 and "was cancelled or declined (access_denied)" in err
    assert "Traceback" not in err and "check the tenant" not in err
    not_signed_in(user)


def test_no_browser_prints_the_address_and_keeps_waiting(user: User, browser) -> None:
    proc = start_login(user, "--browser", env=desktop_env(user, "/bin/false"))
    assert proc.stderr is not None
    for line in proc.stderr:
        if line.startswith("https://"):
            break
    else:
        raise AssertionError("no address printed")
    sign_in_on_page(browser, line.strip())
    wait_for(lambda: DONE in browser.page_source, "the done page")
    code, out, err = finish(proc)
    assert code == 0 and "signed in to" in out, err


def test_nobody_signs_in_gives_up_and_names_the_other_flows(user: User, tmp_path: Path) -> None:
    script, _ = browser_script(tmp_path)
    done = user.azrepos("login", "--org", user.org, "--browser",
                        env=desktop_env(user, str(script), AZREPOS_SIGNIN_TIMEOUT="2"))
    assert done.returncode == 1
    assert "nobody finished the browser sign-in within 2 s" in done.stderr
    assert "--device-code" in done.stderr and "--no-launch" in done.stderr
    not_signed_in(user)


def test_a_taken_port_is_a_clear_usage_error(user: User) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = user.azrepos("login", "--org", user.org, "--browser", "--port", str(port),
                            env=desktop_env(user, "/bin/false", AZREPOS_SIGNIN_TIMEOUT="5"))
    assert done.returncode == 2 and f"cannot listen on localhost port {port}" in done.stderr
    not_signed_in(user)


def paste_back(user: User, reply: str | None, browser=None) -> tuple[int, str, str]:
    """``--browser --no-launch``: the address is printed; ``reply`` (or, with ``browser``, the
    address the browser ended on) is pasted back."""
    proc = start_login(user, "--browser", "--no-launch", env=desktop_env(user, "/bin/false"))
    assert proc.stderr is not None and proc.stdin is not None
    for line in proc.stderr:
        if line.startswith("https://"):
            break
    else:
        raise AssertionError("no address printed")
    state = parse_qs(urlsplit(line.strip()).query)["state"][0]
    if browser is not None:
        sign_in_on_page(browser, line.strip())
        reply = str(wait_for(lambda: "code=" in browser.current_url and browser.current_url,
                             "the redirect to localhost"))
    proc.stdin.write((reply or "").replace("STATE", state) + "\n")
    proc.stdin.flush()
    return finish(proc)


def test_paste_back_signs_in_from_an_ssh_session(user: User, browser) -> None:
    code, out, err = paste_back(user, None, browser)
    assert code == 0 and "signed in to" in out, err
    assert json.loads(user.azrepos("status", "--json", check=True).stdout)["signed_in"]


@pytest.mark.parametrize(("reply", "exit_code", "message"), [
    ("http://localhost/?code=abc&state=not-this-one", 2, "belongs to another sign-in"),
    ("localhost code please", 2, "not the address the browser ended on"),
    ("http://localhost/?state=STATE", 2, "holds no code"),
    ("http://localhost/?error=access_denied&error_description=AADSTS65004&state=STATE", 1,
     "was cancelled or declined"),
    ("http://localhost/?code=forged&state=STATE", 1, "the sign-in server refused the code"),
])
def test_paste_back_refuses_what_is_not_its_answer(user: User, reply: str, exit_code: int,
                                                   message: str) -> None:
    code, _, err = paste_back(user, reply)
    assert code == exit_code and message in err and "Traceback" not in err, err
    not_signed_in(user)


def test_blocked_device_code_switches_to_the_browser_on_a_desktop(
        user: User, browser, tmp_path: Path, ca_blocks_device_code: None) -> None:
    script, handed = browser_script(tmp_path)
    proc = start_login(user, "--device-code",
                       env=desktop_env(user, str(script), DISPLAY=":0"))
    url = wait_for(lambda: handed.exists() and handed.read_text(), "the browser to be opened")
    sign_in_on_page(browser, str(url))
    code, out, err = finish(proc)
    assert code == 0 and "signed in to" in out, err
    assert "Conditional Access in this tenant blocks the device code sign-in (AADSTS53003)" in err


def test_blocked_device_code_without_a_display_names_the_paste_back(
        user: User, ca_blocks_device_code: None) -> None:
    env = desktop_env(user, "/bin/false", SSH_CONNECTION="10.0.0.1 22 10.0.0.2 22")
    done = user.azrepos("login", "--org", user.org, env=env)
    assert done.returncode == 1 and "AADSTS53003" in done.stderr
    assert "--browser --no-launch" in done.stderr and "Traceback" not in done.stderr
    # The helper's own sign-in follows the same rule, on stderr, without a traceback: an
    # Entra sign-in whose tokens are gone, and a terminal (script's pty) to prompt on.
    user.azrepos("configure-git", "--org", user.org, check=True)
    (user.home / ".config/azrepos/accounts.json").write_text(json.dumps({user.org.lower(): {
        "org_url": user.org, "authority": user.sandbox.info["authority"],
        "tenant": user.sandbox.info["authority"].rsplit("/", 1)[-1], "client_id": GCM_CLIENT_ID,
        "username": "dev1@fabrikam.example", "home_account_id": "gone", "flow": "devicecode"}}))
    host = user.org.split("/")[2]
    helper = subprocess.run(
        ["script", "-qec", f"{BIN}/git-credential-azrepos get", "/dev/null"],
        input=f"protocol=https\nhost={host}\npath={user.org.split('/', 3)[3]}\n\n",
        capture_output=True, text=True, env={**env, "GIT_TERMINAL_PROMPT": "1"}, timeout=120,
        check=False)
    assert "AADSTS53003" in helper.stdout + helper.stderr
    assert "--browser --no-launch" in helper.stdout + helper.stderr
    assert "Traceback" not in helper.stdout + helper.stderr
