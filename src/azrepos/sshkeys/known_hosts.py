"""Pinning the Azure DevOps SSH host key in known_hosts, checked against its fingerprint."""

from __future__ import annotations

from pathlib import Path

from ..errors import AzreposError, ConfigError
from ..fileio import ensure_private_dir, write_atomic
from .public_key import parse

AZURE_HOST_KEY_FINGERPRINT = "SHA256:ohD8VZEXGWo6Ez8GSEJQ9WpafgLFsOfLOtGGQCQo6Og"
# The published RSA host key of ssh.dev.azure.com and vs-ssh.visualstudio.com.
AZURE_HOST_KEY = (
    "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7Hr1oTWqNqOlzGJOfGJ4NakVyIzf1rXYd4d7wo6jBlkLvCA4odBlL"
    "0mDUyZ0/QUfTTqeu+tm22gOsv+VrVTMk6vwRU75gY/y9ut5Mb3bR5BV58dKXyq9A9UeB5Cakehn5Zgm6x1mKoVyf+FFn"
    "26iYqXJRgzIZZcZ5V6hrE0Qg39kZm4az48o0AUbf6Sp4SLdvnuMa2sVNwHBboS7EJkm57XQPVU3/QpyNLHbWDdzwtrl"
    "S+ez30S3AdYhLKEOxAG8weOnyrtLJAUen9mTkol8oII1edf7mWWbWVf0nBmly21+nZcmCTISQBtdcyPaEno7fFQMDD26"
    "/s0lfKob4Kw8H"
)
AZURE_SSH_HOSTS = ("ssh.dev.azure.com", "vs-ssh.visualstudio.com")


def host_pattern(host: str, port: int | None = None) -> str:
    return f"[{host}]:{port}" if port and port != 22 else host


def names_for(host: str, port: int | None = None) -> list[str]:
    """The known_hosts names to pin a host key under: both of Azure's SSH hosts for either
    (they share one key), else the host (with its port)."""
    return list(AZURE_SSH_HOSTS) if host in AZURE_SSH_HOSTS else [host_pattern(host, port)]


def trusted_offer(offered: list[str], expected_fingerprint: str, host: str) -> str:
    """The ``TYPE BASE64`` key among those a host offered (``ssh-keyscan`` lines, with or
    without the host name first) whose fingerprint is the expected one."""
    for line in offered:
        fields = line.split()
        if not fields or line.startswith("#"):
            continue
        candidate = " ".join(fields[1:3] if not fields[0].startswith(("ssh-", "ecdsa-")) else
                             fields[:2])
        try:
            if parse(candidate).fingerprint == expected_fingerprint:
                return candidate
        except AzreposError:
            continue
    raise ConfigError(
        f"{host} did not offer a host key with fingerprint {expected_fingerprint}; refusing "
        "to trust it",
        hint="check that nothing intercepts SSH traffic, and the fingerprint you were given",
    )


def missing_line(existing: str, hosts: list[str], key_line: str, expected_fingerprint: str,
                 where: str) -> str | None:
    """The known_hosts line that pins ``key_line`` for the hosts not yet pinned in
    ``existing`` (None when all are). The key is checked against the expected fingerprint, and
    a different key already pinned for a host is an error (it could be an attack), never
    silently replaced."""
    key = parse(key_line)
    if key.fingerprint != expected_fingerprint:
        raise ConfigError(
            f"the host key offered has fingerprint {key.fingerprint}, not the published "
            f"{expected_fingerprint}; refusing to trust it",
            hint="check that nothing intercepts SSH traffic, then retry",
        )
    missing = []
    for host in hosts:
        found = False
        for line in existing.splitlines():
            fields = line.split()
            if len(fields) < 3 or line.startswith(("#", "|", "@")):
                continue
            if host not in fields[0].split(",") or fields[1] != key.key_type:
                continue
            if parse(" ".join(fields[1:3])).fingerprint != key.fingerprint:
                raise ConfigError(
                    f"{where} already pins a different {key.key_type} key for {host}",
                    hint=f"if you trust the published key, remove it: ssh-keygen -R '{host}' "
                    f"-f {where}",
                )
            found = True
        if not found:
            missing.append(host)
    return f"{','.join(missing)} {key.key_type} {key.line.split()[1]}" if missing else None


def pin(
    known_hosts: Path,
    hosts: list[str],
    key_line: str = AZURE_HOST_KEY,
    expected_fingerprint: str = AZURE_HOST_KEY_FINGERPRINT,
) -> bool:
    """Make sure ``known_hosts`` trusts ``key_line`` for ``hosts``. Returns True if it wrote."""
    existing = known_hosts.read_text(encoding="utf-8") if known_hosts.exists() else ""
    line = missing_line(existing, hosts, key_line, expected_fingerprint, str(known_hosts))
    if line is None:
        return False
    ensure_private_dir(known_hosts.parent)
    prefix = existing if not existing or existing.endswith("\n") else existing + "\n"
    write_atomic(known_hosts, prefix + line + "\n", mode=0o644)
    return True
