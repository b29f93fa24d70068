"""The one settings resolver: environment, then git config (URL-scoped), then default.

The CLI, the credential helper and the Ansible modules all read settings through here, so a
user can predict any setting from its name.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Setting:
    git_key: str
    env: tuple[str, ...]
    default: str | None = None


SETTINGS: dict[str, Setting] = {
    "secret_store": Setting("azrepos.secretStore", ("AZREPOS_SECRET_STORE",), "auto"),
    "ca_bundle": Setting("azrepos.caBundle", ("AZREPOS_CA_BUNDLE", "REQUESTS_CA_BUNDLE")),
    "vssps_url": Setting("azrepos.vsspsUrl", ("AZREPOS_VSSPS_URL",)),
    "ssh_key": Setting("azrepos.sshKey", ("AZREPOS_SSH_KEY",)),
    "log_level": Setting("azrepos.logLevel", ("AZREPOS_LOG_LEVEL",), "WARNING"),
    "http_timeout": Setting("azrepos.httpTimeout", ("AZREPOS_HTTP_TIMEOUT",), "30"),
    "retry_budget": Setting("azrepos.retryBudget", ("AZREPOS_RETRY_BUDGET",), "120"),
}


def git_config_get(key: str, url: str | None = None) -> str | None:
    """Read one git config value; with ``url``, as git itself would match it for that URL."""
    git = shutil.which("git")
    if git is None:
        return None
    args = [git, "config", "--get-urlmatch", key, url] if url else [git, "config", "--get", key]
    try:
        done = subprocess.run(args, capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    value = done.stdout.strip()
    return value if done.returncode == 0 and value else None


def _azrepos_section(url: str | None) -> dict[str, str]:
    """Every ``azrepos.*`` git config value (keys lower-cased), URL-matched as git matches
    ``http.<url>.*``, read with one git call."""
    git = shutil.which("git")
    if git is None:
        return {}
    args = ([git, "config", "--get-urlmatch", "azrepos", url] if url
            else [git, "config", "--get-regexp", r"^azrepos\."])
    try:
        done = subprocess.run(args, capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return {}
    found = {}
    for line in done.stdout.splitlines():
        key, _, value = line.partition(" ")
        found[key.lower()] = value.strip()
    return found


class Snapshot:
    """All settings for one URL: the environment, then URL-scoped git config (read once, on
    first need), then the defaults."""

    def __init__(self, url: str | None = None, env: Mapping[str, str] | None = None) -> None:
        self.url = url
        self._env = os.environ if env is None else env
        self._git: dict[str, str] | None = None

    def get(self, name: str) -> str | None:
        setting = SETTINGS[name]
        for variable in setting.env:
            value = self._env.get(variable)
            if value:
                return value
        if self._git is None:
            self._git = _azrepos_section(self.url)
        return self._git.get(setting.git_key.lower()) or setting.default

    def seconds(self, name: str) -> float:
        """A duration setting in seconds; a bad value is a usage error naming the setting."""
        from ..errors import UsageError

        raw = self.get(name) or ""
        try:
            value = float(raw)
        except ValueError:
            value = -1.0
        if not 0 < value <= 3600:
            setting = SETTINGS[name]
            raise UsageError(f"{setting.env[0]} / {setting.git_key} must be a number of "
                             f"seconds between 0 and 3600, not {raw!r}",
                             hint=f"unset {setting.env[0]}")
        return value


def resolve(name: str, *, url: str | None = None, env: Mapping[str, str] | None = None
            ) -> str | None:
    return Snapshot(url, env).get(name)
