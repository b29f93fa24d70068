"""Integration fixtures: a real sandbox (HTTPS + sshd), the real CLI, real git and ssh."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from azrepos_sandbox.testing import RunningSandbox, start

BIN = Path(sys.executable).parent
USER_CODE = re.compile(r"enter the code ([A-Z0-9]+) to authenticate")


@pytest.fixture(scope="session")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningSandbox]:
    running = start(tmp_path_factory.mktemp("sandbox"))
    yield running
    running.stop()


@dataclass
class User:
    """A developer with their own HOME, talking to the sandbox through the real CLI."""

    home: Path
    sandbox: RunningSandbox
    env: dict[str, str] = field(default_factory=dict)
    transcript: list[str] = field(default_factory=list)

    @property
    def org(self) -> str:
        return self.sandbox.org_url

    def run(self, *argv: str, stdin: str | None = None, env: dict[str, str] | None = None,
            check: bool = False) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(list(argv), input=stdin, capture_output=True, text=True,
                              env={**self.env, **(env or {})}, timeout=180, check=False)
        self.transcript += [done.stdout, done.stderr]
        if check and done.returncode != 0:
            raise AssertionError(f"{argv} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
        return done

    def azrepos(self, *args: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
        return self.run(str(BIN / "azrepos"), *args, **kwargs)  # type: ignore[arg-type]

    def ssh_args(self) -> list[str]:
        info = self.sandbox.info
        return ["--ssh-host", "127.0.0.1", "--ssh-port", str(info["ssh_port"]),
                "--ssh-user", info["ssh_user"],
                "--ssh-host-key-fingerprint", info["ssh_host_key_fingerprint"]]

    def git(self, *args: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
        return self.run("git", *args, **kwargs)  # type: ignore[arg-type]

    def login_device_code(self, as_user: str = "dev1", *, org: str | None = None,
                          sandbox: RunningSandbox | None = None, decline: bool = False
                          ) -> subprocess.CompletedProcess[str]:
        """``azrepos login --device-code``, approved in the sandbox with the code the CLI
        printed, as a person would type it on another device."""
        box = sandbox or self.sandbox
        proc = subprocess.Popen([str(BIN / "azrepos"), "login", "--org", org or box.org_url,
                                 "--device-code"], env=self.env, text=True,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        printed = []
        for line in proc.stderr:  # type: ignore[union-attr]
            printed.append(line)
            match = USER_CODE.search(line)
            if match:
                box.admin("POST", "/_sandbox/entra/approve",
                          {"user_code": match.group(1), "user": as_user, "decline": decline})
                break
        out, err = proc.communicate(timeout=120)
        done = subprocess.CompletedProcess(proc.args, proc.returncode, out, "".join(printed) + err)
        self.transcript += [done.stdout, done.stderr]
        return done


def make_user(root: Path, sandbox: RunningSandbox) -> User:
    home = root / "home"
    home.mkdir(parents=True)
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("GIT_", "AZREPOS_", "AZURE_DEVOPS", "SSH_"))}
    env.update({
        "HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config"),
        "PATH": f"{BIN}:{env.get('PATH', '/usr/bin:/bin')}",
        "GIT_CONFIG_NOSYSTEM": "1", "GIT_TERMINAL_PROMPT": "0",
        "AZREPOS_SECRET_STORE": "file", "AZREPOS_CA_BUNDLE": sandbox.ca_file,
        "GIT_SSH_COMMAND": f"ssh -F {home}/.ssh/config -o BatchMode=yes",
    })
    return User(home, sandbox, env)


@pytest.fixture
def user(tmp_path: Path, sandbox: RunningSandbox) -> User:
    return make_user(tmp_path, sandbox)


@pytest.fixture
def pat_user(user: User) -> User:
    user.env["AZURE_DEVOPS_EXT_PAT"] = user.sandbox.info["pat"]
    return user
