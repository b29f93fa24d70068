"""What the server saw: an in-memory log for tests and a line per request in sandbox.log.

Only method, path and status are kept; never headers, queries or bodies, which hold secrets.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from typing import Any

LOGGER_NAME = "azrepos_sandbox"
_MAX_ENTRIES = 10_000


class RequestLog:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: deque[dict[str, Any]] = deque(maxlen=_MAX_ENTRIES)
        self._logger = logging.getLogger(LOGGER_NAME)

    def record(self, method: str, path: str, status: int, kind: str,
               fault: str | None = None, auth: str | None = None) -> None:
        """``auth`` is the Authorization scheme alone (Basic, Bearer), never its value."""
        suffix = f" (fault: {fault})" if fault else ""
        self._logger.info("%s %s %d%s", method, path, status, suffix)
        if kind == "admin":
            return  # tests count API calls; their own admin calls would only add noise
        with self._lock:
            self._entries.append({"time": time.time(), "method": method, "path": path,
                                  "status": status, "kind": kind, "fault": fault,
                                  "auth": auth})

    def entries(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._entries)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
