"""Makes SSH to Azure Repos work for a set of organizations: config entries and host keys.

Which organizations use which key is kept in ``~/.config/azrepos/ssh-hosts.json``, so the
managed block always lists every configured organization, not just the last one.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path

from .. import state_files
from ..errors import ConfigError
from ..fileio import write_atomic
from ..hosts import CLOUD_SSH_HOST, LEGACY_SSH_HOST
from ..urls import Organization
from . import known_hosts, ssh_config
from .public_key import fingerprint_of


@dataclass(frozen=True)
class SshTarget:
    """Where an organization's SSH endpoint is, and which host key to trust there."""

    hostname: str
    port: int | None
    user: str
    host_key: str | None  # public key line to pin, None = leave known_hosts alone
    host_key_fingerprint: str | None


def target_for(
    org: Organization,
    *,
    host: str | None = None,
    port: int | None = None,
    user: str | None = None,
    host_key_fingerprint: str | None = None,
) -> SshTarget:
    if host is None and org.kind == "cloud":
        return SshTarget(CLOUD_SSH_HOST, None, user or "git", known_hosts.AZURE_HOST_KEY,
                         known_hosts.AZURE_HOST_KEY_FINGERPRINT)
    if host is None and org.kind == "legacy":
        return SshTarget(LEGACY_SSH_HOST, None, user or org.name, known_hosts.AZURE_HOST_KEY,
                         known_hosts.AZURE_HOST_KEY_FINGERPRINT)
    hostname = host or org.host.split(":")[0]
    key = scan_host_key(hostname, port, host_key_fingerprint) if host_key_fingerprint else None
    return SshTarget(hostname, port, user or "git", key, host_key_fingerprint)


def scan_host_key(host: str, port: int | None, fingerprint: str) -> str:
    """Fetch the RSA host key with ssh-keyscan and keep it only if its fingerprint matches."""
    keyscan = shutil.which("ssh-keyscan")
    if keyscan is None:
        raise ConfigError("ssh-keyscan is not installed", hint="install openssh-client")
    args = [keyscan, "-t", "rsa", "-T", "10"] + (["-p", str(port)] if port else []) + [host]
    done = subprocess.run(args, capture_output=True, text=True, timeout=30, check=False)
    for line in done.stdout.splitlines():
        fields = line.split()
        if len(fields) >= 3 and fingerprint_of(" ".join(fields[1:3])) == fingerprint:
            return " ".join(fields[1:3])
    raise ConfigError(
        f"{host} did not offer an RSA host key with fingerprint {fingerprint}",
        hint="check --ssh-host, --ssh-port and the fingerprint you were given",
    )


def state_path(home: Path, config_home: str | None = None) -> Path:
    """Where the record of configured organizations is, for ``home`` (and its
    ``XDG_CONFIG_HOME``, if set)."""
    return Path(state_files.config_dir_for(str(home), config_home), state_files.SSH_HOSTS)


def _state_path(home: Path) -> Path:
    return state_path(home, os.environ.get("XDG_CONFIG_HOME"))


def _parse(text: str, where: Path | str) -> dict[str, dict[str, object]]:
    if not text.strip():
        return {}
    try:
        data = json.loads(text)
    except ValueError:
        raise ConfigError(f"{where} is damaged", hint=f"remove it and run again: rm {where}"
                          ) from None
    return data if isinstance(data, dict) else {}


def _dump(data: dict[str, dict[str, object]]) -> str:
    return json.dumps(data, indent=1, sort_keys=True) + "\n"


def _entry(target: SshTarget, key_path: Path, org_url: str | None) -> dict[str, object]:
    entry: dict[str, object] = {**asdict(target), "identity_file": str(key_path)}
    if org_url:  # for azrepos status: a Server's SSH host does not say its HTTPS URL
        entry["org_url"] = org_url
    entry.pop("host_key", None)  # pinned in known_hosts; the record only names the endpoint
    return entry


def _load(home: Path) -> dict[str, dict[str, object]]:
    path = _state_path(home)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    return _parse(text, path)


def _save(home: Path, data: dict[str, dict[str, object]]) -> bool:
    path = _state_path(home)
    text = _dump(data)
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    write_atomic(path, text, mode=0o600)
    return True


def record_text(existing: str, *,
                add: Mapping[str, tuple[SshTarget, Path, str | None]] | None = None,
                remove: Iterable[str] = (), where: str = state_files.SSH_HOSTS) -> str:
    """The record's text after recording ``add`` (organization name: endpoint and key) and
    forgetting ``remove``, for a face that writes the file itself (the ssh_key role, on its
    target); other organizations' entries stay. Empty when no organization is left."""
    data = _parse(existing, where)
    for name, (target, key_path, org_url) in (add or {}).items():
        data[name] = _entry(target, key_path, org_url)
    for name in remove:
        data.pop(name, None)
    return _dump(data) if data else ""


def host_entries(entries: list[dict[str, object]], known_hosts_file: Path | None = None
                 ) -> list[ssh_config.SshHost]:
    """``Host`` blocks for ``[{org, hostname, port, user, identity_file}]``: orgs that share an
    SSH endpoint are grouped, so each endpoint gets its plain entry and per-org aliases."""
    by_target: dict[tuple[str, int | None, str | None], dict[str, Path]] = {}
    for entry in entries:
        port = int(str(entry["port"])) if entry.get("port") else None
        target = (str(entry["hostname"]), port, str(entry["user"]) if entry.get("user") else None)
        by_target.setdefault(target, {})[str(entry["org"])] = Path(str(entry["identity_file"]))
    hosts: list[ssh_config.SshHost] = []
    for (hostname, port, user), identities in by_target.items():
        hosts += ssh_config.hosts_for(identities, hostname=hostname, port=port, user=user,
                                      known_hosts_file=known_hosts_file)
    return hosts


def _render(home: Path, data: dict[str, dict[str, object]]) -> bool:
    entries = [{"org": org, **entry} for org, entry in data.items()]
    hosts = host_entries(entries, home / ".ssh" / "known_hosts")
    return ssh_config.write(home / ".ssh" / "config", hosts)


def configure(home: Path, org: Organization, key_path: Path, target: SshTarget) -> bool:
    """Record the org's key, render ``~/.ssh/config`` and pin the host key; True if changed."""
    data = _load(home)
    data[org.name] = _entry(target, key_path, org.url)
    changed = _save(home, data)
    changed |= _render(home, data)
    if target.host_key and target.host_key_fingerprint:
        names = known_hosts.names_for(target.hostname, target.port)
        changed |= known_hosts.pin(home / ".ssh" / "known_hosts", names, target.host_key,
                                   target.host_key_fingerprint)
    return changed


def recorded(home: Path) -> dict[str, dict[str, object]]:
    """Every organization (by name) with an SSH key set up here, and its endpoint and key."""
    return _load(home)


def identity_file(home: Path, org: Organization) -> Path | None:
    entry = _load(home).get(org.name)
    return Path(str(entry["identity_file"])) if entry else None


def clone_host(home: Path, org: Organization) -> str | None:
    """The SSH host to clone the organization's repositories through (``azrepos-ORG`` when
    ``~/.ssh/config`` has that alias, else ``user@host``), or None without a recorded key."""
    data = _load(home)
    entry = data.get(org.name)
    if not entry or not Path(str(entry["identity_file"])).is_file():
        return None
    hosts = host_entries([{"org": name, **value} for name, value in data.items()])
    alias = ssh_config.org_alias(org.name)
    if any(host.alias == alias for host in hosts):
        return alias
    return f"{entry.get('user') or 'git'}@{entry['hostname']}"
