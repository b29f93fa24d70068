"""A JSON file readable by its owner only: the fallback where no OS keyring works."""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .. import state_files
from ..errors import ConfigError
from ..fileio import ensure_private_dir, write_atomic
from ..redaction import Secret


def default_path() -> Path:
    return Path(state_files.path(state_files.SECRETS))


class FileStore:
    name = "file"

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or default_path()
        self.location = f"{self.path} (mode 0600)"

    def _load(self) -> dict[str, str]:
        try:
            raw = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return {}
        if self.path.stat().st_mode & 0o077:
            raise ConfigError(
                f"{self.path} can be read by other users",
                hint=f"chmod 600 {self.path}, and replace any PAT it held",
            )
        try:
            data = state_files.parse_json(raw)
        except ValueError:
            raise ConfigError(f"{self.path} is damaged (not JSON)",
                              hint=f"remove it and run 'azrepos login' again: rm {self.path}"
                              ) from None
        return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}

    def _save(self, data: dict[str, str]) -> None:
        ensure_private_dir(self.path.parent)
        write_atomic(self.path, json.dumps(data, indent=1, sort_keys=True) + "\n", mode=0o600)

    @contextmanager
    def _locked(self) -> Iterator[None]:
        """Holds an exclusive lock file around read-modify-write, so parallel writers (git
        fetching several organizations at once) do not lose each other's entries."""
        ensure_private_dir(self.path.parent)
        fd = os.open(f"{self.path}.lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)

    def get(self, key: str) -> Secret | None:
        value = self._load().get(key)
        return Secret(value) if value else None

    def set(self, key: str, secret: Secret) -> None:
        with self._locked():
            data = self._load()
            data[key] = secret.reveal()
            self._save(data)

    def delete(self, key: str) -> bool:
        with self._locked():
            data = self._load()
            if key not in data:
                return False
            del data[key]
            self._save(data)
            return True

    def names(self) -> list[str]:
        return sorted(self._load())
