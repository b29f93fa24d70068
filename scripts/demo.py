"""``scripts/demo``: the whole job, end to end, against a sandbox on this machine.

A driver that lives in the checkout (it uses playbooks/ and molecule/harness.py), not in the
installed product; it runs the product's own commands as a user would.

Modes: ``podman`` runs playbooks/workstation.yml against a fresh Debian 12 container and
clones inside it; ``local`` runs the same playbook on localhost into a temporary HOME;
``cli`` runs each azrepos command by hand in a temporary HOME. Each step is a real command
a user would run; the user's own HOME, gitconfig, ~/.ssh and keyring are never touched.
"""

from __future__ import annotations

import argparse
import functools
import importlib.util
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path
from types import ModuleType
from typing import Any

import azrepos_sandbox.testing as sandbox_launcher
from azrepos.errors import AzreposError

REPO = Path(__file__).resolve().parents[1]
WORKSTATION = REPO / "playbooks" / "workstation.yml"
PREPARE = REPO / "molecule" / "shared" / "prepare.yml"
USER_HOME_VARS = REPO / "playbooks" / "vars" / "user_home.yml"
CONTAINER_USER = "dev"  # azrepos_user in molecule/inventory/group_vars


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="scripts/demo",
                                     description="run the whole job against a local sandbox")
    parser.add_argument("--keep", action="store_true",
                        help="keep the temporary directories (and the container)")
    parser.add_argument("--mode", choices=("auto", "podman", "local", "cli"), default="auto",
                        help="podman: playbooks/workstation.yml against a Debian 12 container; "
                        "local: the same playbook into a temporary HOME here; cli: each azrepos "
                        "command by hand (auto: podman when it is usable as root, else local "
                        "when Ansible and the playbooks are here, else cli)")
    return parser


def _ansible_playbook() -> str | None:
    found = shutil.which("ansible-playbook", path=str(Path(sys.executable).parent))
    return found if found and WORKSTATION.exists() else None


def _podman_usable() -> bool:
    # Root only: rootless podman keeps its images under the HOME this demo leaves alone.
    if os.geteuid() != 0 or not shutil.which("podman"):
        return False
    image = _harness().IMAGE
    present = subprocess.run(["podman", "image", "exists", image], capture_output=True,
                             check=False).returncode == 0
    return present or shutil.which("debootstrap") is not None


def _choose_mode(asked: str) -> str:
    playbook = _ansible_playbook()
    if asked in ("podman", "local") and playbook is None:
        raise AzreposError("ansible-playbook or playbooks/ is missing",
                           hint="run scripts/demo from a checkout (it installs ansible)")
    if asked == "podman" and not _podman_usable():
        raise AzreposError("podman mode needs root, podman, and debootstrap or the image",
                           hint="run scripts/demo as root, or use --mode local")
    if asked != "auto":
        return asked
    if playbook is None:
        return "cli"
    return "podman" if _podman_usable() else "local"


@functools.cache
def _harness() -> ModuleType:
    """molecule/harness.py: the containers, inventory and wheel that Molecule uses too."""
    spec = importlib.util.spec_from_file_location("azrepos_harness",
                                                  REPO / "molecule" / "harness.py")
    if spec is None or spec.loader is None:
        raise AzreposError("molecule/harness.py is missing", hint="run from a checkout")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class _Steps:
    def __init__(self, env: dict[str, str], total: int) -> None:
        self.env, self.total, self.number = env, total, 0

    def say(self, title: str) -> None:
        self.number += 1
        print(f"\n== {self.number}/{self.total} {title}", flush=True)

    def run(self, *argv: str, stdin: str | None = None, shown: str | None = None,
            quiet: bool = False) -> str:
        """Run a step and show its output (``quiet``: only Ansible's task lines and recap)."""
        print(f"   $ {shown or shlex.join(argv)}", flush=True)
        done = subprocess.run(list(argv), input=stdin, capture_output=True, text=True,
                              env=self.env, check=False, timeout=1800, cwd=REPO)
        lines = (done.stdout + done.stderr).strip().splitlines()
        if quiet and done.returncode == 0:
            lines = _changes_and_recap(lines)
        for line in lines:
            print(f"     {line}", flush=True)
        if done.returncode != 0:
            raise AzreposError(f"demo step failed: {shown or shlex.join(argv)}")
        return done.stdout


def _changes_and_recap(lines: list[str]) -> list[str]:
    """Ansible's output cut to the tasks that changed something, their changes, and the recap."""
    kept: list[str] = []
    task = ""
    for line in lines:
        if line.startswith("TASK"):
            task = line.rstrip(" *")
        elif line.startswith("changed:"):
            if task:
                kept.append(task)
                task = ""
            kept.append(line)
        elif ": ok=" in line:
            kept.append(line)
    return kept


def run(args: argparse.Namespace) -> int:
    mode = _choose_mode(args.mode)
    work = Path(tempfile.mkdtemp(prefix="azrepos-demo-"))
    home, state = work / "home", work / "sandbox"
    home.mkdir()
    bindir = str(Path(sys.executable).parent)
    print(f"scripts/demo ({mode}): working in {work} (your own HOME is not touched)")
    running = sandbox_launcher.start(state)
    container: list[str] = []
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "AZREPOS_"))},
        "HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config"),
        "PATH": f"{bindir}:{os.environ.get('PATH', '/usr/bin:/bin')}",
        "GIT_CONFIG_NOSYSTEM": "1", "GIT_TERMINAL_PROMPT": "0",
        "AZREPOS_SECRET_STORE": "file",
        # OpenSSH reads ~/.ssh/config from the passwd entry, not $HOME
        "GIT_SSH_COMMAND": f"ssh -F {home}/.ssh/config",
    }
    env.pop("AZURE_DEVOPS_EXT_PAT", None)
    try:
        info = running.info
        env["AZREPOS_CA_BUNDLE"] = info["ca_file"]
        steps = _Steps(env, {"podman": 7, "local": 5, "cli": 7}[mode])
        steps.say(f"Sandbox running: {info['org_url']} (REST, git over HTTPS, sshd on port "
                  f"{info['ssh_port']})")
        print(f"   state in {state}; HOME for this demo is {home}")
        if mode == "cli":
            _cli_steps(steps, info, work)
        else:
            _ansible_steps(steps, mode, running, work, container)
        print(f"\nDemo complete: {_summary(mode)}")
        return 0
    finally:
        running.stop()
        if args.keep:
            print(f"kept {work}" + (f" and container {container[0]}" if container else ""))
        else:
            if container:
                _harness().remove_containers(container, env)
            shutil.rmtree(work, ignore_errors=True)


def _summary(mode: str) -> str:
    if mode == "podman":
        return ("playbooks/workstation.yml set up the container, and both clones work in it "
                "as its developer.")
    if mode == "local":
        return "playbooks/workstation.yml set up HTTPS and SSH, and both clones work."
    return "HTTPS and SSH clones both work."


def _cli_steps(steps: _Steps, info: dict[str, Any], work: Path) -> None:
    org = info["org_url"]
    azrepos = shutil.which("azrepos", path=steps.env["PATH"]) or "azrepos"
    steps.say("Store the PAT in the secret store (piped on stdin, never on the command line)")
    steps.run(azrepos, "login", "--org", org, "--pat-stdin", stdin=info["pat"] + "\n",
              shown=f"azrepos login --org {org} --pat-stdin < pat")
    steps.say("Who am I?")
    steps.run(azrepos, "whoami", "--org", org)
    steps.say("azrepos setup: point git at git-credential-azrepos, then generate and register "
              "an SSH key, write ~/.ssh/config and pin the host key")
    ssh_args = ["--ssh-host", "127.0.0.1", "--ssh-port", str(info["ssh_port"]),
                "--ssh-user", info["ssh_user"],
                "--ssh-host-key-fingerprint", info["ssh_host_key_fingerprint"]]
    steps.run(azrepos, "setup", "--org", org, "--ssh-key", *ssh_args)
    steps.say("Run it again: nothing changes")
    steps.run(azrepos, "setup", "--org", org, "--ssh-key", *ssh_args)
    _clone_steps(steps, info, [], work)


def _clone_steps(steps: _Steps, info: dict[str, Any], inside: list[str], into: Path) -> None:
    """Clone over HTTPS and SSH, here or (``inside``: a podman exec prefix) in the container."""
    for kind, detail in (("https", "credential from git-credential-azrepos"),
                         ("ssh", "the registered key")):
        target = str(into / f"clone-{kind}")
        steps.say(f"git clone over {kind.upper()} ({detail})")
        steps.run(*inside, "git", "clone", info[f"{kind}_clone_url"], target)
        steps.run(*inside, "git", "-C", target, "log", "--oneline", "-1")


def _ansible_steps(steps: _Steps, mode: str, running: sandbox_launcher.RunningSandbox,
                   work: Path, container: list[str]) -> None:
    harness = _harness()
    info = running.info
    env = steps.env
    env.update(harness.base_environment(env))
    env.update(harness.sandbox_environment(info, harness.build_wheel(work / "wheel", env)))
    env.update({"ANSIBLE_CONFIG": str(REPO / "ansible.cfg"), "ANSIBLE_NOCOLOR": "1"})
    harness.ensure_collection_link()
    playbook = _ansible_playbook() or "ansible-playbook"
    inventory = work / "inventory"
    if mode == "podman":
        name = f"azrepos-demo-{uuid.uuid4().hex[:6]}"
        container.append(name)
        steps.say("A fresh Debian 12 container (podman; the image is built once by debootstrap)")
        harness.build_images(env, "bookworm")
        steps.run(*harness.container_command(name))
        harness.write_inventory(inventory, [name])
        steps.say("Prepare it as Molecule does: a developer account, trust for the sandbox's CA")
        steps.run(playbook, "-i", str(inventory), str(PREPARE), quiet=True)
        where = "on the container; the key is registered from the controller"
    else:
        harness.write_inventory(inventory, ["localhost"], connection="local")
        _local_host_vars(inventory / "host_vars" / "localhost", info)
        env["PATH"] = f"{Path(env['HOME'])}/.local/bin:{env['PATH']}"
        where = "on localhost, into the temporary HOME"
    steps.say("ansible-playbook playbooks/workstation.yml: git, git-credential-azrepos and the "
              f"PAT, gitconfig, SSH key ({where})")
    steps.run(playbook, "-i", str(inventory), str(WORKSTATION), quiet=True)
    steps.say("Run the playbook again: changed=0, and no write to the REST API")
    running.admin("DELETE", "/_sandbox/requests")
    output = steps.run(playbook, "-i", str(inventory), str(WORKSTATION), quiet=True)
    recap = [ln for ln in output.splitlines() if ": ok=" in ln]
    writes = [e for e in running.admin("GET", "/_sandbox/requests")["value"]
              if e["kind"] == "rest" and e["method"] not in ("GET", "HEAD")]
    if not recap or any("changed=0" not in ln for ln in recap) or writes:
        raise AzreposError("the second playbook run changed something or wrote to the REST API")
    print(f"     REST writes on this run: {len(writes)}")
    if mode == "podman":
        inside = ["podman", "exec", "--user", CONTAINER_USER, "--workdir", f"/home/{CONTAINER_USER}",
                  "-e", f"HOME=/home/{CONTAINER_USER}", "-e", "GIT_TERMINAL_PROMPT=0",
                  "-e", "GIT_SSH_COMMAND=ssh -o BatchMode=yes", container[0]]
        _clone_steps(steps, info, inside, Path(f"/home/{CONTAINER_USER}"))
    else:
        _clone_steps(steps, info, [], work)


def _local_host_vars(folder: Path, info: dict[str, Any]) -> None:
    """localhost as the running user, everything in the temporary HOME (no root needed)."""
    folder.mkdir(parents=True)
    (folder / "user_home.yml").symlink_to(USER_HOME_VARS)
    (folder / "demo.yml").write_text(
        "ansible_become: false\n"
        f"ansible_python_interpreter: {sys.executable}\n"
        f"azrepos_sandbox_ca_target: {info['ca_file']}\n"
        "azrepos_host_ca_target: /etc/ssl/certs/ca-certificates.crt\n")


def main(argv: list[str] | None = None) -> int:
    try:
        return run(build_parser().parse_args(argv))
    except AzreposError as exc:
        print(f"scripts/demo: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
