"""The ownership and permission rule sshd applies to an AuthorizedKeysCommand's path."""

from __future__ import annotations

import os
import stat
from pathlib import Path


def is_safe_path(path: Path, uid: int | None = None) -> bool:
    """True if ``path`` and every directory above it pass sshd's checks.

    sshd resolves the path, then requires each component up to ``/`` to be owned by root or
    by the command's user and not writable by group or others (sticky ``/tmp`` fails too).
    A path that does not exist is not safe.
    """
    allowed_owners = {0, os.getuid() if uid is None else uid}
    try:
        current = Path(os.path.realpath(path))
        while True:
            info = current.stat()
            if info.st_uid not in allowed_owners:
                return False
            if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
                return False
            if current.parent == current:
                return True
            current = current.parent
    except OSError:
        return False
