"""What Molecule scenarios and the fleet benchmark share: the collection link, an azrepos
wheel, and a sandbox on the host whose whereabouts the inventory reads from the environment."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"


def ensure_collection_link() -> None:
    link = ROOT / ".collections" / "ansible_collections" / "azrepos" / "devenv"
    if not link.exists():
        link.parent.mkdir(parents=True, exist_ok=True)
        if link.is_symlink():
            link.unlink()
        link.symlink_to(Path("../../.."))


def build_wheel(out: Path) -> Path:
    subprocess.run([str(VENV_BIN / "python"), "-m", "pip", "wheel", "--no-deps", "-q",
                    "-w", str(out), str(ROOT)], check=True)
    return next(out.glob("azrepos-*.whl"))


def base_environment() -> dict[str, str]:
    env = dict(os.environ)
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
