"""Reconciling a local key with the keys registered in Azure DevOps, by fingerprint."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from ..errors import AmbiguousWrite, ApiError, ConfigError, UsageError
from ..rest.client import AzureDevOpsClient
from ..rest.models import SessionToken, days_until, format_time
from . import key_files, rotation
from .public_key import PublicKey, fingerprint_of, require_azure_compatible

log = logging.getLogger(__name__)

DEFAULT_VALID_DAYS = 90
DEFAULT_RENEW_WITHIN_DAYS = 14
MAX_DAYS = 3650  # ten years: the longest validity or renewal window azrepos asks for


def checked_days(value: int, what: str) -> int:
    """``value`` if it is a whole number of days azrepos accepts for ``what``."""
    if not 1 <= value <= MAX_DAYS:
        raise UsageError(f"{what} must be between 1 and {MAX_DAYS} days, not {value}",
                         hint=f"give {what} as a number of days from 1 to {MAX_DAYS}")
    return value


@dataclass
class SyncResult:
    action: str  # added, extended, unchanged, revoked, absent, rotated
    fingerprint: str
    token: SessionToken | None = None
    revoked: list[str] = field(default_factory=list)
    key_path: Path | None = None
    key_created: bool = False
    endpoint: str | None = None  # which endpoint registered or extended the key

    @property
    def changed(self) -> bool:
        return self.action in {"added", "extended", "revoked", "rotated"} or self.key_created

    def to_json(self) -> dict[str, Any]:
        token = self.token
        return {
            "changed": self.changed,
            "action": self.action,
            "fingerprint": self.fingerprint,
            "name": token.display_name if token else None,
            "valid_to": format_time(token.valid_to) if token and token.valid_to else None,
            "id": token.authorization_id if token else None,
            "revoked_ids": self.revoked,
            "key_path": str(self.key_path) if self.key_path else None,
            "endpoint": self.endpoint,
        }


def days_left(token: SessionToken, now: datetime | None = None) -> int | None:
    """Whole days until the registration ends (negative once it has); None without an end."""
    return days_until(token.valid_to, now or datetime.now(UTC))


def registered_with(tokens: list[SessionToken], fingerprint: str) -> list[SessionToken]:
    return [t for t in tokens if fingerprint_of(t.public_data) == fingerprint]


class KeySync:
    """Present / absent / rotate for one organization. ``check_mode`` computes, never writes."""

    def __init__(
        self,
        client: AzureDevOpsClient,
        *,
        now: datetime | None = None,
        check_mode: bool = False,
    ) -> None:
        self.client = client
        self.now = now or datetime.now(UTC)
        self.check_mode = check_mode

    def _tokens(self) -> list[SessionToken]:
        return self.client.list_ssh_keys()

    def present(
        self,
        key: PublicKey,
        *,
        name: str,
        valid_days: int = DEFAULT_VALID_DAYS,
        renew_within_days: int = DEFAULT_RENEW_WITHIN_DAYS,
        tokens: list[SessionToken] | None = None,
    ) -> SyncResult:
        require_azure_compatible(key)
        valid_to = self.now + timedelta(days=valid_days)
        matches = registered_with(tokens if tokens is not None else self._tokens(), key.fingerprint)
        if not matches:
            if self.check_mode:
                return SyncResult("added", key.fingerprint)
            token, added = self._add_once(key, name, valid_to)
            return SyncResult("added" if added else "unchanged", key.fingerprint, token,
                              endpoint=self.client.key_endpoint)
        current = max(matches, key=lambda t: t.valid_to or self.now)
        renew_at = self.now + timedelta(days=renew_within_days)
        if current.valid_to is None or current.valid_to > renew_at:
            return SyncResult("unchanged", key.fingerprint, current)
        if self.check_mode:
            return SyncResult("extended", key.fingerprint, current)
        token = self.client.update_ssh_key(current, valid_to=valid_to)
        return SyncResult("extended", key.fingerprint, token, endpoint=self.client.key_endpoint)

    def _add_once(self, key: PublicKey, name: str, valid_to: datetime
                  ) -> tuple[SessionToken, bool]:
        """Add the key (the token, and whether this call added it). If the answer is lost
        after sending, list the keys before any retry, so the key is never registered twice;
        a 409 because another run registered this very key meanwhile (overlapping Ansible runs,
        a retried job) is that run's key, unchanged."""
        for _ in range(self.client.write_attempts):
            try:
                return self.client.add_ssh_key(name, key.line, valid_to), True
            except AmbiguousWrite as exc:
                log.warning("%s; checking whether the key was registered", exc.message)
                registered = registered_with(self._tokens(), key.fingerprint)
                if registered:
                    return registered[0], True
            except ApiError as exc:
                registered = registered_with(self._tokens(), key.fingerprint) if (
                    exc.status == 409) else []
                if not registered:
                    raise
                return registered[0], False
        raise AmbiguousWrite(
            "adding the SSH key kept failing after it was sent, and it is not registered",
            hint="try again later",
        )

    def absent(self, fingerprint: str, tokens: list[SessionToken] | None = None) -> SyncResult:
        matches = registered_with(tokens if tokens is not None else self._tokens(), fingerprint)
        if not matches:
            return SyncResult("absent", fingerprint)
        if not self.check_mode:
            for token in matches:
                self.client.revoke_ssh_key(token.authorization_id)
        return SyncResult("revoked", fingerprint, matches[0],
                          revoked=[t.authorization_id for t in matches])

    def expiring(self, fingerprint: str, within_days: int) -> tuple[bool, SessionToken | None]:
        """Whether the key's latest registration ends within ``within_days`` (and that
        registration); a key that is not registered is not expiring (``add`` registers it)."""
        matches = [t for t in registered_with(self._tokens(), fingerprint) if t.valid_to]
        latest = max(matches, key=lambda t: t.valid_to, default=None)  # type: ignore[arg-type]
        due = latest is not None and latest.valid_to <= self.now + timedelta(days=within_days)
        return due, latest

    def add_local(
        self,
        key_path: Path,
        *,
        name: str,
        bits: int = key_files.DEFAULT_BITS,
        valid_days: int = DEFAULT_VALID_DAYS,
        renew_within_days: int = DEFAULT_RENEW_WITHIN_DAYS,
        on_switch: Callable[[Path], object] | None = None,
    ) -> SyncResult:
        """The key at ``key_path`` made if missing (never replaced) and registered, or renewed.

        A rotation left unfinished is finished instead (never a third key registered); one
        running now is waited for.
        """
        result = None
        if rotation.read_journal(key_path) is not None:
            result = self.rotate(key_path, name=name, bits=bits, valid_days=valid_days,
                                 on_switch=on_switch, resume_only=True)
        if result is not None:
            return result
        with rotation.lock(key_path, shared=True):
            if rotation.read_journal(key_path) is not None:
                raise ConfigError(f"a rotation of {key_path} was interrupted just now",
                                  hint="finish it: azrepos ssh-key rotate (same --org and --key)")
            local = key_files.ensure(key_path, bits=bits)
            result = self.present(local.public, name=name, valid_days=valid_days,
                                  renew_within_days=renew_within_days)
        result.key_path, result.key_created = key_path, local.created
        return result

    def rotate(
        self,
        key_path: Path,
        *,
        name: str,
        bits: int = key_files.DEFAULT_BITS,
        valid_days: int = DEFAULT_VALID_DAYS,
        on_switch: Callable[[Path], object] | None = None,
        resume_only: bool = False,
    ) -> SyncResult | None:
        """New key, register it, switch files (and config via ``on_switch``), revoke the old.

        The disk steps are ``rotation``'s; each step here is idempotent, so a run interrupted at
        any point is finished by the next one (``resume_only``: finish one, start none; None
        when none is under way).
        """
        if self.check_mode:
            old = key_files.load(key_path)
            return SyncResult("rotated", old.public.fingerprint, key_path=key_path)
        with rotation.lock(key_path):
            if resume_only and rotation.read_journal(key_path) is None:
                return None
            if rotation.read_journal(key_path) is not None:
                log.warning("finishing the rotation of %s that was interrupted", key_path)
            under_way = rotation.begin(key_path, bits=bits)
            added = self.present(under_way.new, name=name, valid_days=valid_days)
            rotation.crash_point("registered")
            retired = rotation.switch(under_way, now=self.now)
            log.info("old key kept as %s", retired)
            if on_switch is not None:
                on_switch(key_path)
            rotation.crash_point("configured")
            revoked = self.absent(under_way.old.fingerprint)
            rotation.crash_point("revoked")
            rotation.finish(key_path)
        return SyncResult(
            "rotated",
            under_way.new.fingerprint,
            added.token,
            revoked=revoked.revoked,
            key_path=key_path,
            key_created=True,
        )
