"""gitconfig for Azure Repos: a rendered include file, hooked into the user's gitconfig.

The entries live in ``~/.config/azrepos/gitconfig`` (from ``templates/gitconfig.j2``) and the
user's global config only gains one ``include.path``, so removal is clean and nothing else in
the user's gitconfig is rewritten. No secret is ever written here.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .errors import ConfigError
from .fileio import write_atomic
from .git_command import run_git
from .machine.environment import CACHE_TIMEOUT, Machine, gcm_store_for
from .rendering.templates import render


@dataclass(frozen=True)
class OrgEntry:
    url: str  # credential URL scope, e.g. https://dev.azure.com/contoso
    ca_file: str | None = None


@dataclass(frozen=True)
class GitConfigSpec:
    orgs: list[OrgEntry]
    helper: str = "azrepos"
    helper_path: str = "azrepos"
    gcm: dict[str, Any] = field(default_factory=dict)
    ssh_rewrites: list[dict[str, str]] = field(default_factory=list)


# Entra (OAuth) by default: PATs are being retired, and a token is short-lived and scoped.
GCM_CREDENTIAL_TYPES = ("oauth", "pat")
GCM_MSAUTH_FLOWS = ("auto", "embedded", "system", "devicecode")


def gcm_settings(machine: Machine, *, credential_type: str | None = None,
                 msauth_flow: str | None = None, credential_store: str | None = None,
                 cache_options: str | None = None) -> tuple[dict[str, Any], str | None]:
    """GCM settings for this machine, and the helper path where it must differ (WSL). Each
    choice given wins over the machine's rule (``machine.environment.gcm_store_for``)."""
    choice = gcm_store_for(machine)
    flow = msauth_flow or ("auto" if machine.kind == "desktop" else "devicecode")
    store = credential_store or choice.credential_store
    options = (cache_options or f"--timeout {CACHE_TIMEOUT}") if store == "cache" else None
    return ({"credential_type": credential_type or GCM_CREDENTIAL_TYPES[0], "msauth_flow": flow,
             "credential_store": store, "cache_options": options}, choice.helper_path)


def include_path(home: Path) -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(home / ".config")
    return Path(base) / "azrepos" / "gitconfig"


def render_spec(spec: GitConfigSpec) -> str:
    return render("gitconfig.j2", orgs=[asdict(o) for o in spec.orgs], helper=spec.helper,
                  helper_path=spec.helper_path, gcm=spec.gcm, ssh_rewrites=spec.ssh_rewrites)


def install(home: Path, spec: GitConfigSpec) -> bool:
    """Write the include file and make the global gitconfig include it; True if changed."""
    target = include_path(home)
    text = render_spec(spec)
    changed = False
    if not target.exists() or target.read_text(encoding="utf-8") != text:
        write_atomic(target, text, mode=0o644)
        changed = True
    includes = run_git("config", "--global", "--get-all", "include.path").stdout.split("\n")
    if str(target) not in includes:
        done = run_git("config", "--global", "--add", "include.path", str(target))
        if done.returncode != 0:
            raise ConfigError(f"git config failed: {done.stderr.strip()}",
                              hint="check that your ~/.gitconfig is valid")
        changed = True
    return changed


def uninstall(home: Path) -> bool:
    target = include_path(home)
    changed = False
    includes = run_git("config", "--global", "--get-all", "include.path").stdout.split("\n")
    if str(target) in includes:
        run_git("config", "--global", "--fixed-value", "--unset-all", "include.path", str(target))
        changed = True
    if target.exists():
        target.unlink()
        changed = True
    return changed
