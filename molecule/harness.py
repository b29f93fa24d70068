"""What Molecule scenarios, the fleet benchmark and `scripts/demo` share: the collection link,
an azrepos wheel, a sandbox on the host whose whereabouts the inventory reads from the
environment, and podman containers with an inventory that reuses Molecule's group_vars."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
IMAGE = "localhost/debian-bookworm:base"
GROUP_VARS = ROOT / "molecule" / "inventory" / "group_vars"


def ensure_collection_link() -> None:
    link = ROOT / ".collections" / "ansible_collections" / "azrepos" / "devenv"
    if not link.exists():
        link.parent.mkdir(parents=True, exist_ok=True)
        if link.is_symlink():
            link.unlink()
        with contextlib.suppress(FileExistsError):  # another lane of scripts/test made it just now
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


def ssh_image(release: str = "bookworm") -> str:
    """IMAGE (or trixie's) with openssh-server and the rig's sshd as its command."""
    return f"localhost/debian-{release}:sshd-rig"


SSH_IMAGE = ssh_image()
SSH_KEYS_MOUNT = "/etc/azrepos-ssh"  # where the rig's sshd reads authorized_keys (a mount)
SSHD_COMMAND = f"""#!/bin/sh
# The test rig's sshd: root logs in with a key from {SSH_KEYS_MOUNT}/authorized_keys, on
# 127.0.0.1:$SSHD_PORT (the container shares the host's network).
mkdir -p /run/sshd
exec /usr/sbin/sshd -D -e -p "${{SSHD_PORT:?set SSHD_PORT}}" -o ListenAddress=127.0.0.1 \\
  -o AuthorizedKeysFile={SSH_KEYS_MOUNT}/authorized_keys -o PasswordAuthentication=no \\
  -o UsePAM=no -o MaxStartups=100
"""


def build_ssh_image(env: Mapping[str, str], release: str = "bookworm") -> None:
    """ssh_image(release), once: the base image plus openssh-server from the Debian mirror."""
    image = ssh_image(release)
    if subprocess.run(["podman", "image", "exists", image], env=env, check=False).returncode == 0:
        return
    name = f"azrepos-build-sshd-{release}"
    remove_containers([name], env)
    subprocess.run(container_command(name, f"localhost/debian-{release}:base"), env=env, check=True,
                   capture_output=True)
    try:
        subprocess.run(["podman", "exec", "-i", "-e", "DEBIAN_FRONTEND=noninteractive", name, "sh", "-c",
                        "apt-get update -qq && apt-get install -y -qq openssh-server >/dev/null"
                        " && rm -rf /var/lib/apt/lists/* && cat > /usr/local/sbin/azrepos-test-sshd"
                        " && chmod 0755 /usr/local/sbin/azrepos-test-sshd"],
                       input=SSHD_COMMAND.encode(), env=env, check=True)
        subprocess.run(["podman", "commit", "-q", "--change",
                        'CMD ["/usr/local/sbin/azrepos-test-sshd"]', name, image], env=env, check=True,
                       capture_output=True)
    finally:
        remove_containers([name], env)


def ssh_rig(folder: Path) -> Path:
    """The controller's key (returned) and, in folder/sshd, the authorized_keys the rig's sshd
    reads: mount folder/sshd at SSH_KEYS_MOUNT."""
    (folder / "sshd").mkdir(parents=True, exist_ok=True)
    key = folder / "id_ed25519"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "azrepos-rig", "-f", str(key)],
                   check=True)
    (folder / "sshd" / "authorized_keys").write_text(key.with_suffix(".pub").read_text())
    return key


def start_ssh_containers(names: list[str], env: Mapping[str, str], keys: Path,
                         first_port: int) -> dict[str, int]:
    """One SSH_IMAGE container per name, its sshd on its own loopback port, letting root in with
    the key of ssh_rig(keys); returns each name's port."""
    ports = {}
    for offset, name in enumerate(names):
        ports[name] = first_port + offset
        subprocess.run(["podman", "run", "-d", "--name", name, "--network", "host",
                        "-e", f"SSHD_PORT={ports[name]}", "-v", f"{keys / 'sshd'}:{SSH_KEYS_MOUNT}:ro",
                        SSH_IMAGE], env=env, check=True, capture_output=True)
    return ports


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def platforms(scenario: str) -> list[dict[str, Any]]:
    """The containers of a scenario, as its molecule.yml lists them."""
    config = yaml.safe_load((ROOT / "molecule" / scenario / "molecule.yml").read_text())
    return list(config["platforms"])


def molecule_ssh_environment(scenario: str, folder: Path) -> dict[str, str]:
    """For a scenario's hosts in the group ``sshd`` (the rig's sshd image, reached over SSH):
    the key, the authorized_keys folder to mount, and a free port per host, named as
    molecule.yml and inventory/group_vars/sshd.yml read them."""
    hosts = [p["name"] for p in platforms(scenario) if "sshd" in p.get("groups", [])]
    if not hosts:
        return {}
    env = {"AZREPOS_MOLECULE_SSH_KEY": str(ssh_rig(folder)),
           "AZREPOS_MOLECULE_SSH_KEYS": str(folder / "sshd")}
    for host in hosts:
        env["AZREPOS_SSH_PORT_" + host.upper().replace("-", "_")] = str(free_port())
    return env


def write_inventory(folder: Path, hosts: list[str], connection: str = "containers.podman.podman",
                    host_vars: Mapping[str, Mapping[str, object]] | None = None) -> Path:
    """An inventory of ``hosts`` with Molecule's group_vars (sandbox, PAT and roles' settings)."""
    folder.mkdir(parents=True)
    (folder / "group_vars").symlink_to(GROUP_VARS)
    inventory = {"all": {"vars": {"ansible_connection": connection},
                         "hosts": {name: dict((host_vars or {}).get(name, {})) for name in hosts}}}
    (folder / "hosts.yml").write_text(json.dumps(inventory, indent=1))  # JSON is YAML
    return folder


def build_all_images(env: Mapping[str, str] | None = None) -> None:
    """Every image the scenarios and tests use, before parallel lanes could race to build one."""
    env = base_environment(env)
    build_images(env)
    for release in ("bookworm", "trixie"):
        build_ssh_image(env, release)


if __name__ == "__main__":  # scripts/test: python molecule/harness.py images
    import sys

    if sys.argv[1:] != ["images"]:
        raise SystemExit("usage: harness.py images")
    build_all_images()
