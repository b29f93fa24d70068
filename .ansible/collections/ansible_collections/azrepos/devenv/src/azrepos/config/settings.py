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


def resolve(name: str, *, url: str | None = None, env: Mapping[str, str] | None = None
            ) -> str | None:
    setting = SETTINGS[name]
    environ = os.environ if env is None else env
    for variable in setting.env:
        value = environ.get(variable)
        if value:
            return value
    return git_config_get(setting.git_key, url) or setting.default


def resolve_seconds(name: str, *, url: str | None = None) -> float:
    """A duration setting in seconds; a bad value is a usage error naming the setting."""
    from ..errors import UsageError

    raw = resolve(name, url=url) or ""
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0 < value <= 3600:
        setting = SETTINGS[name]
        raise UsageError(f"{setting.env[0]} / {setting.git_key} must be a number of seconds "
                         f"between 0 and 3600, not {raw!r}", hint=f"unset {setting.env[0]}")
    return value
