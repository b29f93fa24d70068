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


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("demo", help="run the whole job against a local sandbox")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directories")
    parser.set_defaults(handler=run)


class _Steps:
    def __init__(self, env: dict[str, str], total: int) -> None:
        self.env, self.total, self.number = env, total, 0

    def say(self, title: str) -> None:
        self.number += 1
        print(f"\n== {self.number}/{self.total} {title}", flush=True)

    def run(self, *argv: str, stdin: str | None = None, shown: str | None = None) -> str:
        print(f"   $ {shown or shlex.join(argv)}", flush=True)
        done = subprocess.run(list(argv), input=stdin, capture_output=True, text=True,
                              env=self.env, check=False, timeout=300)
        for line in (done.stdout + done.stderr).strip().splitlines():
            print(f"     {line}", flush=True)
        if done.returncode != 0:
            raise AzreposError(f"demo step failed: {shown or shlex.join(argv)}")
        return done.stdout


def run(args: argparse.Namespace) -> int:
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
        steps = _Steps(env, 8)
        azrepos = shutil.which("azrepos", path=env["PATH"]) or "azrepos"
        steps.say(f"Sandbox running: {org} (REST, git over HTTPS, sshd on port {info['ssh_port']})")
        print(f"   state in {state}; HOME for this demo is {home}")
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
        steps.say("git clone over HTTPS (credential from git-credential-azrepos)")
        steps.run("git", "clone", info["https_clone_url"], str(work / "clone-https"))
        steps.run("git", "-C", str(work / "clone-https"), "log", "--oneline", "-1")
        steps.say("git clone over SSH (the key registered above)")
        steps.run("git", "clone", info["ssh_clone_url"], str(work / "clone-ssh"))
        steps.run("git", "-C", str(work / "clone-ssh"), "log", "--oneline", "-1")
        print("\nDemo complete: HTTPS and SSH clones both work.")
        return 0
    finally:
        running.stop()
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
