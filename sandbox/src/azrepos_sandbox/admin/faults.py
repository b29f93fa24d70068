"""Test-only fault injection: canned errors and delays for matching requests."""

from __future__ import annotations

import math
import threading
import time
from dataclasses import asdict, dataclass
from typing import Any

from azrepos_sandbox.http_types import Response, tf_error


class FaultSpecError(ValueError):
    """The admin route was given a fault it cannot apply."""


@dataclass
class Fault:
    method: str | None
    path_contains: str
    status: int | None
    retry_after: float | None
    delay: float
    after_processing: bool
    remaining: int

    @classmethod
    def from_json(cls, spec: Any) -> Fault:
        if not isinstance(spec, dict):
            raise FaultSpecError("a fault is a JSON object")
        try:
            fault = cls(
                method=str(spec["method"]).upper() if spec.get("method") else None,
                path_contains=str(spec.get("path_contains") or ""),
                status=int(spec["status"]) if spec.get("status") is not None else None,
                retry_after=(float(spec["retry_after"])
                             if spec.get("retry_after") is not None else None),
                delay=float(spec.get("delay") or 0),
                after_processing=bool(spec.get("after_processing", False)),
                remaining=int(spec.get("count", 1)),
            )
        except (TypeError, ValueError) as exc:
            raise FaultSpecError(f"bad fault: {exc}") from None
        if fault.status is None and fault.delay <= 0:
            raise FaultSpecError("a fault needs a status, a delay, or both")
        if fault.status is not None and not 400 <= fault.status <= 599:
            raise FaultSpecError("status must be 4xx or 5xx")
        if fault.after_processing and fault.status is not None:
            raise FaultSpecError("after_processing faults delay the real answer; drop status")
        return fault

    def describe(self) -> str:
        parts = [f"status {self.status}"] if self.status is not None else []
        if self.delay > 0:
            when = "after" if self.after_processing else "before"
            parts.append(f"delay {self.delay}s {when}")
        return ", ".join(parts)

    def matches(self, method: str, path: str) -> bool:
        if self.method and self.method != method.upper():
            return False
        return self.path_contains in path


class Faults:
    """Pending faults, consulted in order; each counts down and disappears at zero."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []

    def add(self, fault: Fault) -> None:
        with self._lock:
            self._faults.append(fault)

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def pending(self) -> list[dict[str, Any]]:
        with self._lock:
            return [asdict(fault) for fault in self._faults]

    def take(self, method: str, path: str) -> Fault | None:
        with self._lock:
            for fault in self._faults:
                if fault.matches(method, path):
                    fault.remaining -= 1
                    if fault.remaining <= 0:
                        self._faults.remove(fault)
                    return fault
        return None


def fault_response(fault: Fault) -> Response:
    """The error a fault with a status answers with."""
    status = fault.status or 500
    retry_after = fault.retry_after
    headers: list[tuple[str, str]] = []
    if status == 429:
        retry_after = 1.0 if retry_after is None else retry_after
        headers += [
            ("X-RateLimit-Resource", "Core"),
            ("X-RateLimit-Delay", f"{retry_after:.3f}"),
            ("X-RateLimit-Limit", "200"),
            ("X-RateLimit-Remaining", "0"),
            ("X-RateLimit-Reset", str(int(time.time() + retry_after))),
        ]
    if retry_after is not None:
        headers.append(("Retry-After", str(math.ceil(retry_after))))
    if status == 429:
        return tf_error(
            429,
            "TF400733: The request has been canceled: Request was blocked due to exceeding "
            "usage of resource 'Core' in namespace 'User'.",
            "RequestBlockedException", headers,
        )
    return tf_error(status, f"Sandbox fault: the service answered {status} as instructed.",
                    "VssServiceException", headers)
