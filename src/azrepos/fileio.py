"""Atomic, permission-aware file writes shared by every part that touches the disk."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def ensure_private_dir(path: Path, mode: int = 0o700) -> None:
    """Create ``path`` (and parents) and force its mode, as ``~/.ssh`` needs 0700."""
    path.mkdir(parents=True, exist_ok=True, mode=mode)
    if (path.stat().st_mode & 0o777) != mode:
        path.chmod(mode)


def _write_temp(path: Path, payload: bytes, mode: int) -> str:
    """Write ``payload`` to a synced temporary file beside ``path``; returns its name."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        os.unlink(tmp)
        raise
    return tmp


def write_atomic(path: Path, data: str | bytes, mode: int = 0o644) -> None:
    """Replace ``path`` with ``data`` in one step: readers see the old or the new file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = _write_temp(path, data.encode() if isinstance(data, str) else data, mode)
    try:
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def create_exclusive(path: Path, data: str | bytes, mode: int = 0o600) -> None:
    """Write a new file atomically, failing with FileExistsError if ``path`` exists.

    Used for private keys: the final ``link`` cannot replace an existing file, so a key that
    appeared meanwhile is never overwritten.
    """
    tmp = _write_temp(path, data.encode() if isinstance(data, str) else data, mode)
    try:
        os.link(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
