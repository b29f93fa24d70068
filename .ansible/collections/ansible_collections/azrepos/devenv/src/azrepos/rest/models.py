"""Typed views of the JSON shapes Azure DevOps returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any


def parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def format_time(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class Identity:
    id: str
    display_name: str
    descriptor: str

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Identity:
        return cls(
            id=str(data.get("id", "")),
            display_name=str(data.get("providerDisplayName") or data.get("displayName") or ""),
            descriptor=str(data.get("descriptor", "")),
        )


@dataclass(frozen=True)
class ConnectionData:
    user: Identity
    organization_id: str
    deployment_id: str

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ConnectionData:
        user = data.get("authenticatedUser") or data.get("authorizedUser") or {}
        return cls(
            user=Identity.from_json(user),
            organization_id=str(data.get("instanceId", "")),
            deployment_id=str(data.get("deploymentId", "")),
        )


@dataclass(frozen=True)
class SessionToken:
    """A public session token, which is how Azure DevOps stores an SSH public key."""

    authorization_id: str
    display_name: str
    public_data: str
    valid_to: datetime | None
    valid_from: datetime | None = None
    is_valid: bool = True
    scope: str = "app_token"
    target_accounts: tuple[str, ...] = field(default_factory=tuple)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SessionToken:
        return cls(
            authorization_id=str(data.get("authorizationId", "")),
            display_name=str(data.get("displayName") or ""),
            public_data=str(data.get("publicData") or ""),
            valid_to=parse_time(data.get("validTo")),
            valid_from=parse_time(data.get("validFrom")),
            is_valid=bool(data.get("isValid", True)),
            scope=str(data.get("scope") or "app_token"),
            target_accounts=tuple(data.get("targetAccounts") or ()),
        )
