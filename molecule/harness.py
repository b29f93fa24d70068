"""What Molecule scenarios, the fleet benchmark and `scripts/demo` share: the collection link,
an azrepos wheel, a sandbox on the host whose whereabouts the inventory reads from the
environment, and podman containers with an inventory that reuses Molecule's group_vars."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
IMAGE = "localhost/debian-bookworm:base"
SSH_IMAGE = "localhost/debian-bookworm:sshd"  # IMAGE with openssh-server, for SSH-connected fleets
GROUP_VARS = ROOT / "molecule" / "inventory" / "group_vars"


def ensure_collection_link() -> None:
    link = ROOT / ".collections" / "ansible_collections" / "azrepos" / "devenv"
    if not link.exists():
        link.parent.mkdir(parents=True, exist_ok=True)
        if link.is_symlink():
            link.unlink()
        link.symlink_to(Path("../../.."))


def build_wheel(out: Path, env: Mapping[str, str] | None = None) -> Path:
    subprocess.run([str(VENV_BIN / "python"), "-m", "pip", "wheel", "--no-deps", "-q",
                    "-w", str(out), str(ROOT)], check=True, env=env)
    return next(out.glob("azrepos-*.whl"))


def base_environment(env: Mapping[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ if env is None else env)
    env["CONTAINERS_CONF"] = env.get("CONTAINERS_CONF") or str(ROOT / "molecule" / "containers.conf")
    env["PATH"] = f"{VENV_BIN}:{env.get('PATH', '/usr/bin:/bin')}"
    env["ANSIBLE_COLLECTIONS_PATH"] = str(ROOT / ".collections")
    env.pop("AZURE_DEVOPS_EXT_PAT", None)
    return env


def sandbox_environment(info: dict[str, Any], wheel: Path) -> dict[str, str]:
    """The AZREPOS_SANDBOX_* variables molecule/inventory/group_vars/all/sandbox.yml reads."""
    return {
        "AZREPOS_WHEEL": str(wheel),
        "AZREPOS_SANDBOX_ORG_URL": info["org_url"],
        "AZREPOS_SANDBOX_CA": info["ca_file"],
        "AZREPOS_SANDBOX_PAT": info["pat"],
        "AZREPOS_SANDBOX_SSH_PORT": str(info["ssh_port"]),
        "AZREPOS_SANDBOX_SSH_USER": info["ssh_user"],
        "AZREPOS_SANDBOX_SSH_HOST_KEY": info["ssh_host_key"],
        "AZREPOS_SANDBOX_SSH_HOST_KEY_FINGERPRINT": info["ssh_host_key_fingerprint"],
        "AZREPOS_SANDBOX_HTTPS_CLONE_URL": info["https_clone_url"],
        "AZREPOS_SANDBOX_SSH_CLONE_URL": info["ssh_clone_url"],
        "AZREPOS_SANDBOX_ADMIN_TOKEN": info["admin_token"],
    }


def build_images(env: Mapping[str, str], releases: str = "bookworm trixie") -> None:
    """scripts/build-images: debootstrap the Debian images unless podman already has them."""
    subprocess.run([str(ROOT / "scripts" / "build-images")], env={**env, "AZREPOS_IMAGES": releases},
                   check=True)


def container_command(name: str, image: str = IMAGE, options: Sequence[str] = ()) -> list[str]:
    """podman run for one target: host network, so it reaches the sandbox on loopback."""
    return ["podman", "run", "-d", "--name", name, "--network", "host", *options, image,
            "sleep", "infinity"]


def start_containers(names: list[str], env: Mapping[str, str], image: str = IMAGE) -> None:
    for name in names:
        subprocess.run(container_command(name, image), env=env, check=True, capture_output=True)


def remove_containers(names: list[str], env: Mapping[str, str]) -> None:
    if names:
        subprocess.run(["podman", "rm", "-f", "-t", "0", *names], env=env, capture_output=True,
                       check=False)


def build_ssh_image(env: Mapping[str, str]) -> None:
    """SSH_IMAGE, once: IMAGE plus openssh-server from the Debian mirror (apt over host network)."""
    if subprocess.run(["podman", "image", "exists", SSH_IMAGE], env=env, check=False).returncode == 0:
        return
    name = "azrepos-build-sshd"
    remove_containers([name], env)
    subprocess.run(container_command(name), env=env, check=True, capture_output=True)
    try:
        subprocess.run(["podman", "exec", "-e", "DEBIAN_FRONTEND=noninteractive", name, "sh", "-c",
                        "apt-get update -qq && apt-get install -y -qq openssh-server >/dev/null"
                        " && rm -rf /var/lib/apt/lists/*"], env=env, check=True)
        subprocess.run(["podman", "commit", "-q", name, SSH_IMAGE], env=env, check=True,
                       capture_output=True)
    finally:
        remove_containers([name], env)


def start_ssh_containers(names: list[str], env: Mapping[str, str], public_key: str,
                         first_port: int) -> dict[str, int]:
    """One SSH_IMAGE container per name, its sshd on its own loopback port and letting root in
    with ``public_key`` only; returns each name's port."""
    ports = {}
    for offset, name in enumerate(names):
        port = first_port + offset
        script = ("mkdir -p /run/sshd /root/.ssh && chmod 700 /root/.ssh"
                  f" && echo '{public_key}' > /root/.ssh/authorized_keys"
                  f" && exec /usr/sbin/sshd -D -e -p {port} -o ListenAddress=127.0.0.1"
                  " -o PasswordAuthentication=no -o UsePAM=no -o MaxStartups=100")
        subprocess.run(["podman", "run", "-d", "--name", name, "--network", "host", SSH_IMAGE,
                        "sh", "-c", script], env=env, check=True, capture_output=True)
        ports[name] = port
    return ports


def write_inventory(folder: Path, hosts: list[str], connection: str = "containers.podman.podman",
                    host_vars: Mapping[str, Mapping[str, object]] | None = None) -> Path:
    """An inventory of ``hosts`` with Molecule's group_vars (sandbox, PAT and roles' settings)."""
    folder.mkdir(parents=True)
    (folder / "group_vars").symlink_to(GROUP_VARS)
    inventory = {"all": {"vars": {"ansible_connection": connection},
                         "hosts": {name: dict((host_vars or {}).get(name, {})) for name in hosts}}}
    (folder / "hosts.yml").write_text(json.dumps(inventory, indent=1))  # JSON is YAML
    return folder
