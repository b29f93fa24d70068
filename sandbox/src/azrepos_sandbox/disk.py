"""How the sandbox writes its state files: whole files swapped in by rename, private folders."""

from __future__ import annotations

import os
import threading
from pathlib import Path


def private_folder(folder: Path) -> None:
    os.makedirs(folder, mode=0o700, exist_ok=True)
    os.chmod(folder, 0o700)  # makedirs' mode passes through the umask


def replace_file(target: Path, content: str | bytes, mode: int = 0o644) -> None:
    """Write beside ``target``, then rename over it, so readers never see half a file."""
    payload = content.encode() if isinstance(content, str) else content
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.with_name(f".{target.name}.{os.getpid()}.{threading.get_ident()}.new")
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW
    descriptor = os.open(staging, flags, mode)
    try:
        os.fchmod(descriptor, mode)
        written = 0
        while written < len(payload):
            written += os.write(descriptor, payload[written:])
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
    try:
        os.rename(staging, target)
    except OSError:
        staging.unlink(missing_ok=True)
        raise
