"""The one settings resolver: environment, then git config (URL-scoped), then default.

The CLI, the credential helper and the Ansible modules all read settings through here, so a
user can predict any setting from its name.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from ..errors import UsageError
from ..git_command import config_get as git_config_get
from ..git_command import read_config

__all__ = ["SETTINGS", "Snapshot", "git_config_get", "resolve"]


@dataclass(frozen=True)
class Setting:
    git_key: str
    env: tuple[str, ...]
    default: str | None = None


SETTINGS: dict[str, Setting] = {
    "secret_store": Setting("azrepos.secretStore", ("AZREPOS_SECRET_STORE",), "auto"),
    "ca_bundle": Setting("azrepos.caBundle", ("AZREPOS_CA_BUNDLE", "REQUESTS_CA_BUNDLE")),
    "vssps_url": Setting("azrepos.vsspsUrl", ("AZREPOS_VSSPS_URL",)),
    "log_level": Setting("azrepos.logLevel", ("AZREPOS_LOG_LEVEL",), "WARNING"),
    "http_timeout": Setting("azrepos.httpTimeout", ("AZREPOS_HTTP_TIMEOUT",), "30"),
    "retry_budget": Setting("azrepos.retryBudget", ("AZREPOS_RETRY_BUDGET",), "120"),
    "token_cache": Setting("azrepos.tokenCache", ("AZREPOS_TOKEN_CACHE",), "auto"),
    "signin_timeout": Setting("azrepos.signinTimeout", ("AZREPOS_SIGNIN_TIMEOUT",), "300"),
}


def _azrepos_section(url: str | None) -> dict[str, str]:
    """Every ``azrepos.*`` git config value (keys lower-cased), URL-matched as git matches
    ``http.<url>.*``, read with one git call."""
    found = {}
    for line in read_config(*(["--get-urlmatch", "azrepos", url] if url
                              else ["--get-regexp", r"^azrepos\."])).splitlines():
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
        self._http: dict[str, str] | None = None

    def http_config_get(self, key: str) -> str | None:
        """git's ``http.*`` value for this URL as git matches it (``http.<url>.proxy`` over
        ``http.proxy``); "" when set empty, None when unset. One git call per snapshot."""
        if self._http is None:
            self._http = {}
            if self.url:
                for line in read_config("--get-urlmatch", "http", self.url).splitlines():
                    name, _, value = line.partition(" ")
                    self._http[name.lower()] = value.strip()
        return self._http.get(key.lower())

    def _variable(self, setting: Setting) -> str | None:
        """The first of the setting's environment variables that is set."""
        return next((v for v in setting.env if self._env.get(v)), None)

    def get(self, name: str) -> str | None:
        setting = SETTINGS[name]
        variable = self._variable(setting)
        if variable is not None:
            return self._env[variable]
        if self._git is None:
            self._git = _azrepos_section(self.url)
        return self._git.get(setting.git_key.lower()) or setting.default

    def origin(self, name: str) -> str:
        """Where ``get(name)`` came from, for messages: the variable or the git key."""
        setting = SETTINGS[name]
        return self._variable(setting) or f"git config {setting.git_key}"

    def seconds(self, name: str) -> float:
        """A duration setting in seconds; a bad value is a usage error naming the setting."""
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
