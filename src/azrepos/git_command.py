"""The one way the core runs git: found on PATH, never prompting, bounded in time."""

from __future__ import annotations

import os
import shutil
import subprocess

from .errors import ConfigError


def run_git(*args: str, timeout: float = 30) -> subprocess.CompletedProcess[str]:
    """``git ARGS`` with its output captured; a missing git is a ConfigError that says so."""
    git = shutil.which("git")
    if git is None:
        raise ConfigError("git is not installed", hint="install git, then run again")
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "GCM_INTERACTIVE": "never"}
    return subprocess.run([git, *args], capture_output=True, text=True, timeout=timeout, env=env,
                          check=False, stdin=subprocess.DEVNULL)


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
