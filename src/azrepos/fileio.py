"""Atomic, permission-aware file writes shared by every part that touches the disk."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from .errors import ConfigError


def refuse_symlink(path: Path) -> None:
    """A key, ``~/.ssh`` or a state file that is a symbolic link is refused, never followed:
    run as root (Ansible's become), a planted link would aim a chmod or a write anywhere."""
    if path.is_symlink():
        raise ConfigError(
            f"{path} is a symbolic link (to {os.readlink(path)}); azrepos does not follow links "
            "for keys, ~/.ssh or its own files",
            hint=f"replace the link with the real file or directory, then run again: "
            f"ls -l {path}",
        )


def ensure_private_dir(path: Path, mode: int = 0o700) -> None:
    """Create ``path`` (and parents) and force its mode, as ``~/.ssh`` needs 0700."""
    refuse_symlink(path)
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


def write_atomic(path: Path, data: str | bytes, mode: int = 0o644, *,
                 through_symlink: bool = False) -> None:
    """Replace ``path`` with ``data`` in one step: readers see the old or the new file. A
    symbolic link is refused, or (``through_symlink``, for a dotfiles-managed ~/.ssh/config)
    its target is replaced instead, so the link stays a link."""
    if through_symlink and path.is_symlink():
        path = path.resolve()
    refuse_symlink(path)
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

    Used for private keys: the final ``link`` cannot replace an existing file (nor a link),
    so a key that appeared meanwhile is never overwritten.
    """
    tmp = _write_temp(path, data.encode() if isinstance(data, str) else data, mode)
    try:
        os.link(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


@contextlib.contextmanager
def locked(path: Path, *, shared: bool = False, wait: bool = True) -> Iterator[bool]:
    """Hold an fcntl lock on ``path`` (created 0600, never through a link) for the block; yields
    False at once when ``wait`` is off and another process holds a conflicting lock."""
    import fcntl

    refuse_symlink(path)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
    try:
        mode = (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | (0 if wait else fcntl.LOCK_NB)
        try:
            fcntl.flock(fd, mode)
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        os.close(fd)  # closing releases the lock
