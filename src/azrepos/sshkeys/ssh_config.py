"""``~/.ssh/config`` entries for Azure Repos, rendered from ``templates/ssh_config.j2``."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from pathlib import Path

from ..fileio import ensure_private_dir, write_atomic
from ..hosts import CLOUD_SSH_HOST
from ..rendering.managed_block import replace_block
from ..rendering.templates import render

_ALIAS_SAFE = re.compile(r"[^A-Za-z0-9._-]")


@dataclass(frozen=True)
class SshHost:
    alias: str
    hostname: str
    identity_file: str
    port: int | None = None
    user: str | None = None
    known_hosts_file: str | None = None


def org_alias(org: str) -> str:
    """Host alias for one organization (Azure DevOps takes the first key offered, so each
    organization with its own key needs its own alias)."""
    return "azrepos-" + _ALIAS_SAFE.sub("-", org.lower())


def hosts_for(
    identities: dict[str, Path],
    *,
    hostname: str = CLOUD_SSH_HOST,
    port: int | None = None,
    user: str | None = None,
    known_hosts_file: Path | None = None,
) -> list[SshHost]:
    """Entries for ``{org: private key}``: the plain host name uses the first org's key, and
    each org also gets an alias when there are several, or when the host is not Azure's own
    (Server, the sandbox), so ``git@azrepos-ORG:v3/...`` always works."""
    if not identities:
        return []
    kh = str(known_hosts_file) if known_hosts_file else None
    orgs = list(identities)
    aliases = [
        SshHost(org_alias(o), hostname, str(identities[o]), port, user, kh) for o in orgs
    ] if len(orgs) > 1 or hostname != CLOUD_SSH_HOST else []
    return [*aliases, SshHost(hostname, hostname, str(identities[orgs[0]]), port, user, kh)]


def render_entries(hosts: list[SshHost]) -> str:
    return render("ssh_config.j2", hosts=[asdict(h) for h in hosts])


def write(config_path: Path, hosts: list[SshHost]) -> bool:
    """Write the managed block into ``config_path``; True if the file changed."""
    ensure_private_dir(config_path.parent)
    before = config_path.read_text(encoding="utf-8") if config_path.exists() else ""
    after = replace_block(before, render_entries(hosts) if hosts else "")
    if after == before:
        return False
    write_atomic(config_path, after, mode=0o600, through_symlink=True)
    return True
