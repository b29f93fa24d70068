"""``azrepos demo``: the whole job, end to end, against a sandbox and in a temporary HOME.

Each step is a real command a user would run; the user's own HOME, gitconfig, ~/.ssh and
keyring are never touched.
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from .. import sandbox_launcher
from ..errors import AzreposError

REPO = Path(__file__).resolve().parents[3]  # a checkout: playbooks/ sits beside src/
PLAYBOOK = REPO / "playbooks" / "devcontainer.yml"


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("demo", help="run the whole job against a local sandbox")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directories")
    parser.add_argument("--mode", choices=("auto", "ansible", "cli"), default="auto",
                        help="ansible: the playbook into the temporary HOME; cli: each azrepos "
                        "command by hand (auto: ansible when it and the playbooks are here)")
    parser.set_defaults(handler=run)


def _ansible_playbook() -> str | None:
    found = shutil.which("ansible-playbook", path=str(Path(sys.executable).parent))
    return found if found and PLAYBOOK.exists() else None


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
                              env=self.env, check=False, timeout=900, cwd=REPO)
        lines = (done.stdout + done.stderr).strip().splitlines()
        if quiet and done.returncode == 0:
            lines = [ln for ln in lines if ln.startswith(("TASK", "changed:", "localhost"))]
        for line in lines:
            print(f"     {line}", flush=True)
        if done.returncode != 0:
            raise AzreposError(f"demo step failed: {shown or shlex.join(argv)}")
        return done.stdout


def run(args: argparse.Namespace) -> int:
    playbook = _ansible_playbook()
    if args.mode == "ansible" and playbook is None:
        raise AzreposError("ansible-playbook or playbooks/ is missing",
                           hint="run scripts/demo from a checkout (it installs ansible)")
    use_ansible = args.mode == "ansible" or (args.mode == "auto" and playbook is not None)
    work = Path(tempfile.mkdtemp(prefix="azrepos-demo-"))
    home, state = work / "home", work / "sandbox"
    home.mkdir()
    bindir = str(Path(sys.executable).parent)
    print(f"azrepos demo: working in {work} (your own HOME is not touched)")
    running = sandbox_launcher.start(state)
    try:
        info = running.info
        org = info["org_url"]
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "AZREPOS_"))},
            "HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config"),
            "PATH": f"{bindir}:{os.environ.get('PATH', '/usr/bin:/bin')}",
            "GIT_CONFIG_NOSYSTEM": "1", "GIT_TERMINAL_PROMPT": "0",
            "AZREPOS_SECRET_STORE": "file", "AZREPOS_CA_BUNDLE": info["ca_file"],
            # OpenSSH reads ~/.ssh/config from the passwd entry, not $HOME
            "GIT_SSH_COMMAND": f"ssh -F {home}/.ssh/config",
        }
        env.pop("AZURE_DEVOPS_EXT_PAT", None)
        steps = _Steps(env, 5 if use_ansible else 8)
        azrepos = shutil.which("azrepos", path=env["PATH"]) or "azrepos"
        steps.say(f"Sandbox running: {org} (REST, git over HTTPS, sshd on port {info['ssh_port']})")
        print(f"   state in {state}; HOME for this demo is {home}")
        if use_ansible:
            _ansible_steps(steps, str(playbook), info, work, home)
            print("\nDemo complete: the playbook set up HTTPS and SSH, and both clones work.")
            return 0
        steps.say("Store the PAT in the secret store (piped on stdin, never on the command line)")
        steps.run(azrepos, "login", "--org", org, "--pat-stdin", stdin=info["pat"] + "\n",
                  shown=f"azrepos login --org {org} --pat-stdin < pat")
        steps.say("Who am I?")
        steps.run(azrepos, "whoami", "--org", org)
        steps.say("Generate an SSH key, register it, write ~/.ssh/config and pin the host key")
        ssh_args = ["--ssh-host", "127.0.0.1", "--ssh-port", str(info["ssh_port"]),
                    "--ssh-user", info["ssh_user"],
                    "--ssh-host-key-fingerprint", info["ssh_host_key_fingerprint"]]
        steps.run(azrepos, "ssh-key", "add", "--org", org, *ssh_args)
        steps.say("Run it again: nothing changes")
        steps.run(azrepos, "ssh-key", "add", "--org", org, *ssh_args)
        steps.say("Point git at git-credential-azrepos for this organization")
        steps.run(azrepos, "configure-git", "--org", org)
        _clone_steps(steps, info, work)
        print("\nDemo complete: HTTPS and SSH clones both work.")
        return 0
    finally:
        running.stop()
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


def _clone_steps(steps: _Steps, info: dict[str, str], work: Path) -> None:
    steps.say("git clone over HTTPS (credential from git-credential-azrepos)")
    steps.run("git", "clone", info["https_clone_url"], str(work / "clone-https"))
    steps.run("git", "-C", str(work / "clone-https"), "log", "--oneline", "-1")
    steps.say("git clone over SSH (the key registered above)")
    steps.run("git", "clone", info["ssh_clone_url"], str(work / "clone-ssh"))
    steps.run("git", "-C", str(work / "clone-ssh"), "log", "--oneline", "-1")


def _ansible_steps(steps: _Steps, ansible_playbook: str, info: dict[str, str], work: Path,
                   home: Path) -> None:
    wheels = work / "wheel"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(wheels),
                    str(REPO)], check=True, capture_output=True, env=steps.env)
    steps.env.update({
        "AZREPOS_ORG_URLS": str(info["org_url"]), "AZREPOS_WHEEL": str(next(wheels.glob("*.whl"))),
        "AZREPOS_SSH_HOST": "127.0.0.1", "AZREPOS_SSH_PORT": str(info["ssh_port"]),
        "AZREPOS_SSH_USER": str(info["ssh_user"]),
        "AZREPOS_SSH_HOST_KEY_FINGERPRINT": str(info["ssh_host_key_fingerprint"]),
        "AZURE_DEVOPS_EXT_PAT": str(info["pat"]),  # the environment, as a devcontainer secret
        "ANSIBLE_CONFIG": str(REPO / "ansible.cfg"), "ANSIBLE_NOCOLOR": "1",
        "PATH": f"{home}/.local/bin:{steps.env['PATH']}",
    })
    steps.say("ansible-playbook playbooks/devcontainer.yml into this HOME: helper, PAT, "
              "gitconfig, SSH key")
    steps.run(ansible_playbook, str(PLAYBOOK), quiet=True)
    steps.say("Run the playbook again: changed=0, no write to the REST API")
    recap = steps.run(ansible_playbook, str(PLAYBOOK), quiet=True)
    if "changed=0" not in recap:
        raise AzreposError("the second playbook run changed something")
    _clone_steps(steps, info, work)
    del steps.env["AZURE_DEVOPS_EXT_PAT"]
