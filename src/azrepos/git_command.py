"""The one way the core runs git: found on PATH, never prompting, bounded in time."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Mapping

from .errors import ConfigError


def run_git(*args: str, timeout: float = 30, environ: Mapping[str, str] | None = None,
            input_text: str | None = None) -> subprocess.CompletedProcess[str]:
    """``git ARGS`` with its output captured; a missing git is a ConfigError that says so."""
    git = shutil.which("git")
    if git is None:
        raise ConfigError("git is not installed", hint="install git, then run again")
    env = {**(os.environ if environ is None else environ), "GIT_TERMINAL_PROMPT": "0",
           "GCM_INTERACTIVE": "never"}
    feed: dict[str, object] = ({"input": input_text} if input_text is not None
                               else {"stdin": subprocess.DEVNULL})
    return subprocess.run([git, *args], capture_output=True, text=True, timeout=timeout, env=env,
                          check=False, **feed)  # type: ignore[call-overload]


def read_config(*args: str) -> str:
    """What ``git config ARGS`` prints; empty when nothing matches, or when git is missing or
    hangs (settings then fall back to their defaults)."""
    try:
        done = run_git("config", *args, timeout=10)
    except (ConfigError, OSError, subprocess.TimeoutExpired):
        return ""
    return done.stdout if done.returncode == 0 else ""


def config_get(key: str, url: str | None = None) -> str | None:
    """One git config value; with ``url``, as git itself matches it for that URL."""
    value = read_config(*(["--get-urlmatch", key, url] if url else ["--get", key])).strip()
    return value or None


def credential_environment(environ: Mapping[str, str], org_url: str, authorization: str,
                           ca_bundle: str | None) -> dict[str, str]:
    """``environ`` plus git config, after any ``GIT_CONFIG_COUNT`` entries already there, that
    sends ``authorization`` to the organization's URL only (git 2.31+), with the CA azrepos
    uses: the credential is never on a command line or on disk."""
    scope = f"http.{org_url}/"
    entries = {f"{scope}.extraheader": f"Authorization: {authorization}"}
    env = dict(environ)
    if ca_bundle:
        entries[f"{scope}.sslCAInfo"] = ca_bundle
        # GIT_SSL_CAINFO beats every http.*.sslCAInfo: as the global setting instead, it still
        # serves other hosts while the organization's own CA wins for its URL.
        other = env.pop("GIT_SSL_CAINFO", None)
        if other and other != ca_bundle:
            entries["http.sslCAInfo"] = other
    count = int(environ.get("GIT_CONFIG_COUNT") or 0)
    env["GIT_CONFIG_COUNT"] = str(count + len(entries))
    for n, (key, value) in enumerate(entries.items(), start=count):
        env[f"GIT_CONFIG_KEY_{n}"], env[f"GIT_CONFIG_VALUE_{n}"] = key, value
    return env
