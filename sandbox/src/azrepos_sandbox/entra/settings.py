"""Test knobs for token lifetimes and the tenant's Conditional Access, changed through
``POST /_sandbox/entra/settings``.

Kept in memory like faults: a restart goes back to Entra's defaults.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

_LIMIT = 10 * 365 * 86400


@dataclass
class EntraSettings:
    access_token_lifetime: int = 3600  # seconds; Entra's default is 60-90 minutes
    device_code_lifetime: int = 900  # Entra's device codes live 15 minutes
    refresh_token_lifetime: int = 90 * 86400  # Entra's refresh tokens: 90 days
    auth_code_lifetime: int = 600  # Entra's authorization codes: about 10 minutes
    # An "authentication flows" Conditional Access policy that blocks the device code flow.
    block_device_code: bool = False

    def update(self, changes: dict[str, Any]) -> None:
        """Validate every change first, so a bad request changes nothing."""
        names = {item.name for item in fields(self)}
        unknown = set(changes) - names
        if unknown:
            raise ValueError(f"unknown settings {sorted(unknown)}; known: {sorted(names)}")
        for name, value in changes.items():
            if isinstance(getattr(self, name), bool):
                if not isinstance(value, bool):
                    raise ValueError(f"{name} must be true or false")
            elif isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= _LIMIT:
                raise ValueError(f"{name} must be a whole number of seconds, 1 to {_LIMIT}")
        for name, value in changes.items():
            setattr(self, name, value)

    def as_json(self) -> dict[str, int | bool]:
        return {item.name: getattr(self, item.name) for item in fields(self)}
