"""What kind of machine this is, and which GCM credential store fits it.

This is the one place the rule lives: the CLI and ``doctor`` ask ``detect`` here, and the
gitconfig role asks ``from_probe`` through the ``gcm_settings`` filter.
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


CONTAINER_MARKERS = ("/.dockerenv", "/run/.containerenv")
KERNEL_RELEASE = "/proc/sys/kernel/osrelease"
DEFAULT_TARGET = "/etc/systemd/system/default.target"  # a link to graphical.target on desktops


def pass_marker(home: str, environ: Mapping[str, str] | None = None) -> str:
    """The file that says ``pass`` is initialised for that home."""
    store_dir = (environ or {}).get("PASSWORD_STORE_DIR") or f"{home}/.password-store"
    return f"{store_dir}/.gpg-id"


def classify(*, wsl: bool, container: bool, ssh_session: bool, desktop: bool,
             pass_initialised: bool) -> Machine:
    """The one precedence: WSL, then a container, an SSH session, a desktop, else headless."""
    kind = ("wsl" if wsl else "container" if container else "ssh" if ssh_session
            else "desktop" if desktop else "headless")
    return Machine(kind, pass_initialised)


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def _under(root: str, path: str) -> Path:
    return Path(root) / path.lstrip("/")


def detect(env: Mapping[str, str] | None = None, root: str = "/") -> Machine:
    """This process's machine, from its environment (the session it runs in)."""
    environ = os.environ if env is None else env
    home = environ.get("HOME", str(Path.home()))
    return classify(
        wsl=bool(environ.get("WSL_DISTRO_NAME"))
        or "microsoft" in _read(_under(root, KERNEL_RELEASE)).lower(),
        container=any(_under(root, m).exists() for m in CONTAINER_MARKERS)
        or bool(environ.get("REMOTE_CONTAINERS") or environ.get("CODESPACES")
                 or environ.get("container")),
        ssh_session=bool(environ.get("SSH_CONNECTION") or environ.get("SSH_TTY")),
        desktop=bool((environ.get("DISPLAY") or environ.get("WAYLAND_DISPLAY"))
                     and environ.get("DBUS_SESSION_BUS_ADDRESS")),
        pass_initialised=Path(pass_marker(home, environ)).is_file(),
    )


def probe_paths(home: str) -> list[str]:
    """What a remote provisioner (the gitconfig role) stats on the target for ``from_probe``."""
    paths = [*CONTAINER_MARKERS, DEFAULT_TARGET]
    return [*paths, pass_marker(home)] if home else paths


def from_probe(*, kernel_release: str, present: list[str], default_target: str,
               home: str) -> Machine:
    """The machine as seen from outside any session (Ansible over SSH): the connection's own
    SSH session says nothing of the user's, so a graphical default target means a desktop."""
    return classify(wsl="microsoft" in kernel_release.lower(),
                    container=any(m in present for m in CONTAINER_MARKERS),
                    ssh_session=False,
                    desktop=default_target.endswith("graphical.target"),
                    pass_initialised=bool(home) and pass_marker(home) in present)


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
