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


def _temp_beside(path: Path, mode: int) -> tuple[int, str]:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.fchmod(fd, mode)
    return fd, tmp


def write_atomic(path: Path, data: str | bytes, mode: int = 0o644) -> None:
    """Replace ``path`` with ``data`` in one step: readers see the old or the new file."""
    payload = data.encode() if isinstance(data, str) else data
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = _temp_beside(path, mode)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
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
    payload = data.encode() if isinstance(data, str) else data
    fd, tmp = _temp_beside(path, mode)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.link(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
