"""``azrepos status --refresh``: ask each organization which keys are registered, and until
when, and keep the answer for the offline status (``sshkeys.registrations``)."""

from __future__ import annotations

from typing import Any

from ..auth.chain import resolve_credential
from ..connection import profile_for
from ..errors import AzreposError
from ..rest.models import format_time
from ..sshkeys import registrations
from ..sshkeys.sync import registered_with


def refresh(organizations: list[dict[str, Any]]) -> list[str]:
    """Refresh the registration of every organization's key; the problems met, a line each."""
    problems = []
    for org in organizations:
        key = org.get("ssh_key")
        if not org.get("org_url") or not key or not key.get("fingerprint"):
            continue
        try:
            profile = profile_for(org["org_url"])
            credential = resolve_credential(profile)
            tokens = registered_with(profile.client(credential).list_ssh_keys(),
                                     key["fingerprint"])
        except AzreposError as exc:
            problems.append(f"{org['org_url']}: refresh-failed ({exc.message})")
            continue
        latest = max((t for t in tokens if t.valid_to), key=lambda t: t.valid_to, default=None)
        registrations.remember(org["org_url"], key["fingerprint"], bool(tokens),
                               format_time(latest.valid_to)
                               if latest and latest.valid_to else None)
    return problems
