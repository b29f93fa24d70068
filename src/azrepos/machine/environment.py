"""What kind of machine this is, and which GCM credential store fits it.

This is the one place the rule lives; the CLI, the credential_manager and gitconfig roles
(through the ``azrepos`` module utils) and ``doctor`` all ask here.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

WINDOWS_GCM = "/mnt/c/Program Files/Git/mingw64/bin/git-credential-manager.exe"
CACHE_TIMEOUT = 3600 * 8  # a working day, so a container asks once per day at most


@dataclass(frozen=True)
class Machine:
    kind: str  # desktop, ssh, headless, container, wsl
    pass_initialised: bool


@dataclass(frozen=True)
class GcmStoreChoice:
    credential_store: str | None  # None on WSL: Windows' GCM keeps its own store
    cache_options: str | None
    helper_path: str | None  # set only where the helper must be another binary (WSL)
    reason: str


def _read(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def detect(env: Mapping[str, str] | None = None, root: str = "/") -> Machine:
    environ = os.environ if env is None else env
    home = Path(environ.get("HOME", str(Path.home())))
    store_dir = Path(environ.get("PASSWORD_STORE_DIR") or home / ".password-store")
    pass_ready = (store_dir / ".gpg-id").is_file()
    base = Path(root)
    if environ.get("WSL_DISTRO_NAME") or "microsoft" in _read(
            str(base / "proc/sys/kernel/osrelease")).lower():
        return Machine("wsl", pass_ready)
    if ((base / ".dockerenv").exists() or (base / "run/.containerenv").exists()
            or environ.get("REMOTE_CONTAINERS") or environ.get("CODESPACES")
            or environ.get("container")):
        return Machine("container", pass_ready)
    if environ.get("SSH_CONNECTION") or environ.get("SSH_TTY"):
        return Machine("ssh", pass_ready)
    if (environ.get("DISPLAY") or environ.get("WAYLAND_DISPLAY")) and environ.get(
            "DBUS_SESSION_BUS_ADDRESS"):
        return Machine("desktop", pass_ready)
    return Machine("headless", pass_ready)


def gcm_store_for(machine: Machine) -> GcmStoreChoice:
    cache = f"--timeout {CACHE_TIMEOUT}"
    match machine.kind:
        case "desktop":
            return GcmStoreChoice("secretservice", None, None,
                               "a desktop session with D-Bus: the Secret Service keyring")
        case "wsl":
            return GcmStoreChoice(None, None, WINDOWS_GCM,
                               "WSL: Git for Windows' GCM and the Windows Credential Manager")
        case "container":
            return GcmStoreChoice("cache", cache, None,
                               "a container: in-memory cache, nothing written to the image")
        case _ if machine.pass_initialised:
            return GcmStoreChoice("gpg", None, None, "no display, and `pass` is initialised")
        case _:
            return GcmStoreChoice("cache", cache, None,
                               "no display and no `pass` store: in-memory cache")
