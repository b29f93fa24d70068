"""Start the Azure DevOps sandbox as a real subprocess, for any test module that needs it.

    from sandbox_fixture import start_sandbox
    sandbox = start_sandbox(tmp_path / "state")
    ...
    sandbox.stop()

Note: on machines where REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE are set, requests ignores
``Session.verify``; pass ``verify=`` on every call (these helpers do). Likewise
GIT_SSL_CAINFO overrides ``-c http.sslCAInfo``; use :func:`git_env`.
"""

from __future__ import annotations

import os
import re
import threading
import time
from pathlib import Path
from typing import Any

import requests

from azrepos.network import Network
from azrepos.rest.session import PinnedSession
from azrepos_sandbox.testing import RunningSandbox, start

API_VERSION = "7.1-preview.1"
ADO_RESOURCE = "499b84ac-1321-427f-aa17-267ca6975798"
ADO_SCOPE = f"{ADO_RESOURCE}/.default"
GCM_CLIENT_ID = "872cd9fa-d31f-45e0-9eab-6e460a02d1f1"
_USER_CODE = re.compile(r"enter the code ([A-Z0-9]+) to authenticate")


def device_code_sign_in(sandbox: SandboxProcess, app: Any, user: str = "dev1", *,
                        decline: bool = False, while_polling: bool = False) -> dict[str, Any]:
    """Sign in through MSAL's device flow with the code read from the printed message, the
    way a person would. ``while_polling`` approves from another thread as MSAL polls (as in
    life, but it costs a poll interval); otherwise the code is approved before the first poll.
    """
    flow = app.initiate_device_flow(scopes=[ADO_SCOPE])
    assert "user_code" in flow, flow
    printed = _USER_CODE.search(flow["message"])
    assert printed is not None, flow["message"]
    if while_polling:
        sandbox.approve_in_background(printed.group(1), user, decline=decline)
    else:
        sandbox.approve_device_code(printed.group(1), user, decline=decline)
    return dict(app.acquire_token_by_device_flow(flow))


def git_env(**extra: str) -> dict[str, str]:
    """The environment for git/ssh subprocesses: no user or system config, no CA override."""
    drop = {"GIT_SSL_CAINFO", "GIT_SSL_CAPATH", "GIT_ASKPASS", "SSH_ASKPASS", "GIT_SSH",
            "GIT_SSH_COMMAND", "GIT_DIR", "GIT_WORK_TREE", "SSH_AUTH_SOCK"}
    env = {key: value for key, value in os.environ.items() if key not in drop}
    env.update(GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=os.devnull, GIT_TERMINAL_PROMPT="0")
    env.update(extra)
    return env


class SandboxProcess(RunningSandbox):
    """The launcher's sandbox, plus shortcuts for calling its REST and Entra routes."""

    def api(self, method: str, path: str, pat: str | None = None, *,
            params: dict[str, str] | None = None, json: Any = None,
            timeout: float = 30, **kwargs: Any) -> requests.Response:
        """Call ``{org_url}{path}`` with Basic auth for ``pat`` (the seeded one by default)."""
        token = self.info["pat"] if pat is None else pat
        return requests.request(method, self.org_url + path, params=params, json=json,
                                auth=("", token), verify=self.ca_file, timeout=timeout,
                                **kwargs)

    def session_tokens(self, method: str, suffix: str = "", pat: str | None = None,
                       json: Any = None, **params: str) -> requests.Response:
        query = {"isPublic": "true", "api-version": API_VERSION, **params}
        return self.api(method, "/_apis/Token/SessionTokens" + suffix, pat, params=query,
                        json=json)

    def add_key(self, public_key: str, name: str = "test key",
                valid_to: str = "2099-01-01T00:00:00Z", pat: str | None = None,
                target_accounts: list[str] | None = None) -> requests.Response:
        body = {"displayName": name, "publicData": public_key, "scope": "app_token",
                "validTo": valid_to,
                "targetAccounts": [self.info["org_id"]] if target_accounts is None
                else target_accounts}
        return self.session_tokens("POST", pat=pat, json=body)

    # Entra ------------------------------------------------------------------
    @property
    def authority(self) -> str:
        return str(self.info["authority"])

    def http_client(self) -> PinnedSession:
        """For MSAL's ``http_client=``: trusts the sandbox CA whatever REQUESTS_CA_BUNDLE says."""
        return PinnedSession(Network(self.ca_file))

    def entra(self, method: str, route: str, json: Any = None) -> requests.Response:
        """An Entra admin route, e.g. ``entra("POST", "settings", {...})``."""
        return self.admin_request(method, f"/_sandbox/entra/{route}", json)

    def approve_device_code(self, user_code: str | None = None, user: str = "dev1", *,
                            decline: bool = False, timeout: float = 20) -> dict[str, Any]:
        """Approve (or decline) a device code once it is pending; without ``user_code``, the
        newest pending one (for a sign-in running in another process)."""
        deadline = time.monotonic() + timeout
        while True:
            pending = [entry["user_code"] for entry in self.entra("GET", "pending").json()["value"]]
            code = user_code if user_code in pending else (
                pending[-1] if pending and user_code is None else None)
            if code is not None:
                answer = self.entra("POST", "approve", {"user_code": code, "user": user,
                                                        "decline": decline})
                answer.raise_for_status()
                return dict(answer.json())
            if time.monotonic() > deadline:
                raise TimeoutError(f"no pending device code {user_code or ''} in {timeout} s")
            time.sleep(0.1)

    def approve_in_background(self, user_code: str | None = None, user: str = "dev1", *,
                              decline: bool = False, delay: float = 0.0) -> threading.Thread:
        """Approve from another thread while the caller blocks on the sign-in."""

        def run() -> None:
            time.sleep(delay)
            self.approve_device_code(user_code, user, decline=decline)

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        return thread

    def bearer(self, method: str, path: str, token: str, **kwargs: Any) -> requests.Response:
        """Call ``{org_url}{path}`` with ``Authorization: Bearer``."""
        headers = {"Authorization": f"Bearer {token}", **kwargs.pop("headers", {})}
        return requests.request(method, self.org_url + path, headers=headers,
                                verify=self.ca_file, timeout=30, **kwargs)

    def known_hosts_line(self) -> str:
        return f"[127.0.0.1]:{self.info['ssh_port']} {self.info['ssh_host_key']}\n"


def start_sandbox(state_dir: Path, port: int = 0, ssh_port: int = 0,
                  timeout: float = 30) -> SandboxProcess:
    """Run ``azrepos sandbox`` and wait until it has written sandbox.json."""
    sandbox = start(state_dir, port=port, ssh_port=ssh_port, timeout=timeout,
                    log_path=state_dir.parent / f"{state_dir.name}.process.log", kind=SandboxProcess)
    assert isinstance(sandbox, SandboxProcess)
    return sandbox
