"""Fixtures for the Ansible face: a sandbox, and ansible-playbook run as a user would run it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from harness import ensure_collection_link  # molecule/, on sys.path from tests/conftest.py

from azrepos_sandbox.testing import RunningSandbox, start

REPO_ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent



def ansible_environment(root: Path, home: Path, **extra: str) -> dict[str, str]:
    """ansible-playbook's environment as a user with ``home`` would have it, with Ansible's
    own state under ``root`` and nothing inherited from the caller's Ansible or git setup."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("ANSIBLE_", "AZREPOS_", "AZURE_DEVOPS", "GIT_"))}
    env.update({
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "GIT_CONFIG_NOSYSTEM": "1",
        "PATH": f"{BIN.absolute()}:{env.get('PATH', '/usr/bin:/bin')}",
        "ANSIBLE_CONFIG": str(REPO_ROOT / "ansible.cfg"),
        "ANSIBLE_HOME": str(root / "ansible-home"),
        "ANSIBLE_LOCAL_TEMP": str(root / "ansible-tmp"),
        "ANSIBLE_NOCOLOR": "1",
        "ANSIBLE_LOCALHOST_WARNING": "0",
        "ANSIBLE_INVENTORY_UNPARSED_WARNING": "0",
    })
    env.update(extra)
    return env


@pytest.fixture(scope="session")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningSandbox]:
    running = start(tmp_path_factory.mktemp("ansible-sandbox"))
    yield running
    running.stop()


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr

    def results(self) -> list[dict]:
        """Results of the module tasks (tagged ``probe``), from the json callback."""
        document = json.loads(self.stdout)
        found = []
        for play in document["plays"]:
            for task in play["tasks"]:
                if task["task"]["name"].startswith("probe"):
                    found.append(task["hosts"]["localhost"])
        return found


@dataclass
class Playbooks:
    root: Path
    sandbox: RunningSandbox

    def env(self, **extra: str) -> dict[str, str]:
        home = self.root / "home"
        home.mkdir(exist_ok=True)
        return ansible_environment(self.root, home, **extra)

    def key(self, name: str, key_type: str = "rsa") -> str:
        path = self.root / name
        extra = ["-b", "2048"] if key_type == "rsa" else []
        subprocess.run(["ssh-keygen", "-q", "-t", key_type, *extra, "-N", "", "-C", name,
                        "-f", str(path)], check=True)
        return path.with_name(name + ".pub").read_text().strip()

    def run(self, tasks: list[dict], *args: str, json_output: bool = True,
            env: dict[str, str] | None = None) -> Run:
        playbook = [{"name": "module test", "hosts": "localhost", "gather_facts": False,
                     "vars": {"ansible_python_interpreter": "{{ ansible_playbook_python }}"},
                     "tasks": tasks}]
        path = self.root / "playbook.yml"
        path.write_text(yaml.safe_dump(playbook, sort_keys=False))
        extra_env = {"ANSIBLE_STDOUT_CALLBACK": "ansible.posix.json"} if json_output else {}
        done = subprocess.run([str(BIN / "ansible-playbook"), "-i", "localhost,", "-c", "local",
                               str(path), *args], capture_output=True, text=True, timeout=300,
                              env=self.env(**extra_env, **(env or {})), check=False)
        return Run(done.returncode, done.stdout, done.stderr)

    def ssh_key_task(self, public_key: str | None = None, *, name: str = "probe",
                     pat: bool = True, **options: object) -> dict:
        args: dict[str, object] = {
            "org_url": self.sandbox.org_url,
            "ca_bundle": self.sandbox.ca_file,
            **options,
        }
        if public_key is not None:
            args["public_key"] = public_key
        if pat:
            args["pat"] = "{{ lookup('ansible.builtin.env', 'SANDBOX_PAT') }}"
        return {"name": name, "azrepos.devenv.ssh_key": args,
                "vars": {"ansible_python_interpreter": "{{ ansible_playbook_python }}"}}

    def pat_env(self) -> dict[str, str]:
        return {"SANDBOX_PAT": str(self.sandbox.info["pat"])}

    def registered(self) -> list[str]:
        return [k["fingerprint"] for k in self.sandbox.admin("GET", "/_sandbox/keys")["value"]]

    def clear_requests(self) -> None:
        self.sandbox.admin("DELETE", "/_sandbox/requests")

    def writes(self) -> list[dict]:
        entries = self.sandbox.admin("GET", "/_sandbox/requests")["value"]
        return [e for e in entries if e["kind"] == "rest" and e["method"] != "GET"]


@pytest.fixture
def playbooks(tmp_path: Path, sandbox: RunningSandbox) -> Playbooks:
    ensure_collection_link()
    return Playbooks(tmp_path, sandbox)
