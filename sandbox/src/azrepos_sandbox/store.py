"""The sandbox's state in SQLite: orgs, users, PATs, SSH keys, repositories and pushes.

WAL mode lets the server threads and the per-connection ``ssh_gate`` processes read and write
the same file. One connection per Store, guarded by a lock, serves the server's threads.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from azrepos_sandbox.wire_time import from_wire, to_wire

DEFAULT_BRANCH = "refs/heads/main"  # the catalogue's repositories

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS orgs (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    tenant_id TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS users (
    id TEXT PRIMARY KEY,
    handle TEXT NOT NULL UNIQUE,
    descriptor TEXT NOT NULL,
    display_name TEXT NOT NULL,
    email TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS pats (
    hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id),
    scopes TEXT NOT NULL,
    valid_to TEXT NOT NULL,
    revoked INTEGER NOT NULL DEFAULT 0
);
-- PATs made for all accessible organizations (global): the facts say none work since
-- 2026-12-01. Kept apart so a state directory from before still opens.
CREATE TABLE IF NOT EXISTS global_pats (hash TEXT PRIMARY KEY REFERENCES pats(hash));
CREATE TABLE IF NOT EXISTS ssh_keys (
    authorization_id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id),
    display_name TEXT NOT NULL,
    public_data TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    scope TEXT NOT NULL,
    valid_from TEXT NOT NULL,
    valid_to TEXT NOT NULL,
    target_accounts TEXT NOT NULL,
    client_id TEXT NOT NULL,
    revoked INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS ssh_keys_fingerprint ON ssh_keys(fingerprint);
CREATE TABLE IF NOT EXISTS repos (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES orgs(id),
    project TEXT NOT NULL COLLATE NOCASE,
    name TEXT NOT NULL COLLATE NOCASE,
    rel_path TEXT NOT NULL,
    UNIQUE (org_id, project, name)
);
CREATE TABLE IF NOT EXISTS projects (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES orgs(id),
    name TEXT NOT NULL COLLATE NOCASE,
    description TEXT NOT NULL,
    UNIQUE (org_id, name)
);
CREATE TABLE IF NOT EXISTS repo_details (
    repo_id TEXT PRIMARY KEY REFERENCES repos(id),
    is_disabled INTEGER NOT NULL DEFAULT 0,
    parent_repo_id TEXT REFERENCES repos(id)
);
-- Repositories made through Repositories - Create (forks too): their bare repository exists
-- from the start, and they have no default branch until their first push. Catalogue
-- repositories have no row here and are on refs/heads/main.
CREATE TABLE IF NOT EXISTS created_repos (
    repo_id TEXT PRIMARY KEY REFERENCES repos(id),
    default_branch TEXT
);
-- The recycle bin: a deleted repository leaves `repos` (so its name is free again) and is
-- kept here with its bare repository untouched on disk, as the service keeps it 30 days.
CREATE TABLE IF NOT EXISTS recycled_repos (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL,
    project TEXT NOT NULL,
    name TEXT NOT NULL,
    rel_path TEXT NOT NULL,
    parent_repo_id TEXT,
    deleted_by TEXT NOT NULL,
    deleted_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS pushes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    repo_id TEXT NOT NULL,
    pushed_by TEXT NOT NULL,
    date TEXT NOT NULL
);
"""


def utc_now() -> datetime:
    return datetime.now(UTC)


def new_guid() -> str:
    return str(uuid.uuid4())


@dataclass(frozen=True)
class Org:
    id: str
    name: str
    tenant_id: str


@dataclass(frozen=True)
class User:
    id: str
    handle: str
    descriptor: str
    display_name: str
    email: str


class _Expiring:
    """A credential that works until it is revoked or its valid_to passes (PATs, SSH keys)."""

    revoked: bool
    valid_to: datetime

    def is_valid(self, now: datetime | None = None) -> bool:
        return not self.revoked and self.valid_to > (now or utc_now())


@dataclass(frozen=True)
class Pat(_Expiring):
    hash: str
    user_id: str
    scopes: tuple[str, ...]
    valid_to: datetime
    revoked: bool
    all_orgs: bool = False


@dataclass(frozen=True)
class SshKey(_Expiring):
    authorization_id: str
    user_id: str
    display_name: str
    public_data: str
    fingerprint: str
    scope: str
    valid_from: datetime
    valid_to: datetime
    target_accounts: tuple[str, ...]
    client_id: str
    revoked: bool


@dataclass(frozen=True)
class Repo:
    id: str
    org_id: str
    project: str
    name: str
    rel_path: str
    is_disabled: bool = False
    parent_repo_id: str | None = None
    # None for a created repository before its first push.
    default_branch: str | None = DEFAULT_BRANCH


@dataclass(frozen=True)
class Project:
    id: str
    org_id: str
    name: str
    description: str


_REPO_SELECT = ("SELECT r.id, r.org_id, r.project, r.name, r.rel_path, "
                "COALESCE(d.is_disabled, 0), d.parent_repo_id, "
                # Catalogue repositories (no created_repos row) are on DEFAULT_BRANCH.
                "CASE WHEN c.repo_id IS NULL THEN 'refs/heads/main' ELSE c.default_branch END "
                "FROM repos r LEFT JOIN repo_details d ON d.repo_id = r.id "
                "LEFT JOIN created_repos c ON c.repo_id = r.id")


def _repo(row: sqlite3.Row) -> Repo:
    values = tuple(row)
    return Repo(*values[:5], is_disabled=bool(values[5]), parent_repo_id=values[6],
                default_branch=values[7])


class NameTaken(Exception):
    """A repository of that name (case-insensitively) is already in the project."""


def _time(value: str) -> datetime:
    parsed = from_wire(value)
    if parsed is None:
        raise ValueError("empty time in the database")
    return parsed


def _key(row: sqlite3.Row) -> SshKey:
    return SshKey(
        authorization_id=row["authorization_id"],
        user_id=row["user_id"],
        display_name=row["display_name"],
        public_data=row["public_data"],
        fingerprint=row["fingerprint"],
        scope=row["scope"],
        valid_from=_time(row["valid_from"]),
        valid_to=_time(row["valid_to"]),
        target_accounts=tuple(json.loads(row["target_accounts"])),
        client_id=row["client_id"],
        revoked=bool(row["revoked"]),
    )


class Store:
    """Typed access to sandbox.db. Safe to share between threads of one process."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.RLock()
        self._db = sqlite3.connect(path, timeout=10, check_same_thread=False,
                                   isolation_level=None)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA busy_timeout = 10000")
        if self._db.execute("PRAGMA journal_mode = WAL").fetchone()[0].lower() != "wal":
            raise RuntimeError(f"{path}: SQLite refused WAL mode")
        self._db.execute("PRAGMA foreign_keys = ON")
        self._db.executescript(_SCHEMA)

    def ensure_schema(self, script: str) -> None:
        """Create a companion's tables (e.g. the Entra stand-in's) next to the core ones."""
        with self._lock:
            self._db.executescript(script)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        # IMMEDIATE takes the write lock up front, so check-then-insert sequences are atomic
        # across processes too.
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def fetch_one(self, sql: str, args: tuple[Any, ...] = ()) -> sqlite3.Row | None:
        with self._lock:
            row: sqlite3.Row | None = self._db.execute(sql, args).fetchone()
            return row

    def fetch_all(self, sql: str, args: tuple[Any, ...] = ()) -> list[sqlite3.Row]:
        with self._lock:
            return list(self._db.execute(sql, args).fetchall())

    # meta -----------------------------------------------------------------
    def get_meta(self, key: str) -> str | None:
        row = self.fetch_one("SELECT value FROM meta WHERE key = ?", (key,))
        return None if row is None else str(row["value"])

    def ssh_allowed(self, org_id: str) -> bool:
        """The organization policy "SSH authentication" (on unless an admin turned it off)."""
        return self.get_meta(f"policy.ssh.{org_id}") != "off"

    def set_ssh_allowed(self, org_id: str, allowed: bool) -> None:
        self.set_meta(f"policy.ssh.{org_id}", "on" if allowed else "off")

    def set_meta(self, key: str, value: str) -> None:
        with self.transaction() as db:
            db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    # orgs -----------------------------------------------------------------
    def add_org(self, name: str, tenant_id: str) -> Org:
        org = Org(new_guid(), name, tenant_id)
        with self.transaction() as db:
            db.execute("INSERT INTO orgs VALUES (?, ?, ?)", (org.id, org.name, org.tenant_id))
        return org

    def org_by_name(self, name: str) -> Org | None:
        row = self.fetch_one("SELECT * FROM orgs WHERE name = ?", (name,))
        return None if row is None else Org(row["id"], row["name"], row["tenant_id"])

    # users ----------------------------------------------------------------
    def add_user(self, handle: str, display_name: str, email: str, tenant_id: str, *,
                 user_id: str | None = None, descriptor: str | None = None) -> User:
        user = User(
            id=user_id or new_guid(),
            handle=handle,
            # The shape Azure DevOps uses for an Entra-backed user; apps pass their own.
            descriptor=descriptor
            or f"Microsoft.IdentityModel.Claims.ClaimsIdentity;{tenant_id}\\{email}",
            display_name=display_name,
            email=email,
        )
        with self.transaction() as db:
            db.execute(
                "INSERT INTO users VALUES (?, ?, ?, ?, ?)",
                (user.id, user.handle, user.descriptor, user.display_name, user.email),
            )
        return user

    def user_by_handle(self, handle: str) -> User | None:
        row = self.fetch_one("SELECT * FROM users WHERE handle = ?", (handle,))
        return None if row is None else User(*tuple(row))

    def user_by_id(self, user_id: str) -> User | None:
        row = self.fetch_one("SELECT * FROM users WHERE id = ?", (user_id,))
        return None if row is None else User(*tuple(row))

    def users_by_email(self, email: str) -> list[User]:
        """People (not apps, whose "email" is their client id) with that address."""
        rows = self.fetch_all("SELECT * FROM users WHERE email = ? COLLATE NOCASE AND "
                              "handle NOT LIKE 'app:%' ORDER BY rowid", (email,))
        return [User(*tuple(row)) for row in rows]

    # pats -----------------------------------------------------------------
    def add_pat(self, pat_hash: str, user_id: str, scopes: list[str], valid_to: datetime,
                *, all_orgs: bool = False) -> None:
        with self.transaction() as db:
            db.execute(
                "INSERT INTO pats (hash, user_id, scopes, valid_to) VALUES (?, ?, ?, ?)",
                (pat_hash, user_id, json.dumps(scopes), to_wire(valid_to)),
            )
            if all_orgs:
                db.execute("INSERT INTO global_pats (hash) VALUES (?)", (pat_hash,))

    def pat(self, pat_hash: str) -> Pat | None:
        row = self.fetch_one(
            "SELECT pats.*, global_pats.hash IS NOT NULL AS all_orgs FROM pats "
            "LEFT JOIN global_pats ON global_pats.hash = pats.hash WHERE pats.hash = ?",
            (pat_hash,))
        if row is None:
            return None
        return Pat(row["hash"], row["user_id"], tuple(json.loads(row["scopes"])),
                   _time(row["valid_to"]), bool(row["revoked"]), bool(row["all_orgs"]))

    def revoke_pat(self, pat_hash: str) -> bool:
        with self.transaction() as db:
            return db.execute("UPDATE pats SET revoked = 1 WHERE hash = ?",
                              (pat_hash,)).rowcount > 0

    # ssh keys -------------------------------------------------------------
    def add_key(self, key: SshKey) -> None:
        with self.transaction() as db:
            db.execute(
                "INSERT INTO ssh_keys VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (key.authorization_id, key.user_id, key.display_name, key.public_data,
                 key.fingerprint, key.scope, to_wire(key.valid_from),
                 to_wire(key.valid_to), json.dumps(list(key.target_accounts)),
                 key.client_id, int(key.revoked)),
            )

    def add_key_unless_duplicate(self, key: SshKey) -> SshKey | None:
        """Insert ``key`` unless a live key with its fingerprint exists; return that one."""
        with self.transaction() as db:
            row = db.execute(
                "SELECT * FROM ssh_keys WHERE fingerprint = ? AND revoked = 0",
                (key.fingerprint,),
            ).fetchone()
            if row is not None:
                return _key(row)
            db.execute(
                "INSERT INTO ssh_keys VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (key.authorization_id, key.user_id, key.display_name, key.public_data,
                 key.fingerprint, key.scope, to_wire(key.valid_from),
                 to_wire(key.valid_to), json.dumps(list(key.target_accounts)),
                 key.client_id, int(key.revoked)),
            )
        return None

    def key(self, authorization_id: str) -> SshKey | None:
        row = self.fetch_one("SELECT * FROM ssh_keys WHERE authorization_id = ? COLLATE NOCASE",
                        (authorization_id,))
        return None if row is None else _key(row)

    def keys_of(self, user_id: str) -> list[SshKey]:
        rows = self.fetch_all("SELECT * FROM ssh_keys WHERE user_id = ? AND revoked = 0 "
                         "ORDER BY rowid", (user_id,))
        return [_key(row) for row in rows]

    def all_keys(self, include_revoked: bool = False) -> list[SshKey]:
        sql = "SELECT * FROM ssh_keys"
        if not include_revoked:
            sql += " WHERE revoked = 0"
        return [_key(row) for row in self.fetch_all(sql + " ORDER BY rowid")]

    def keys_with_fingerprint(self, fingerprint: str) -> list[SshKey]:
        rows = self.fetch_all("SELECT * FROM ssh_keys WHERE fingerprint = ? AND revoked = 0",
                         (fingerprint,))
        return [_key(row) for row in rows]

    def update_key(self, authorization_id: str, *, display_name: str | None = None,
                   valid_to: datetime | None = None, scope: str | None = None,
                   target_accounts: list[str] | None = None) -> SshKey | None:
        changes: dict[str, str] = {}
        if display_name is not None:
            changes["display_name"] = display_name
        if valid_to is not None:
            changes["valid_to"] = to_wire(valid_to)
        if scope is not None:
            changes["scope"] = scope
        if target_accounts is not None:
            changes["target_accounts"] = json.dumps(target_accounts)
        if changes:
            assignments = ", ".join(f"{column} = ?" for column in changes)
            with self.transaction() as db:
                db.execute(
                    f"UPDATE ssh_keys SET {assignments} WHERE authorization_id = ?",  # noqa: S608 - column names are fixed above
                    (*changes.values(), authorization_id),
                )
        return self.key(authorization_id)

    def revoke_key(self, authorization_id: str) -> bool:
        with self.transaction() as db:
            return db.execute(
                "UPDATE ssh_keys SET revoked = 1 WHERE authorization_id = ? AND revoked = 0",
                (authorization_id,),
            ).rowcount > 0

    # repos ----------------------------------------------------------------
    def add_repo(self, org_id: str, project: str, name: str, rel_path: str) -> Repo:
        repo = Repo(new_guid(), org_id, project, name, rel_path)
        with self.transaction() as db:
            db.execute("INSERT INTO repos VALUES (?, ?, ?, ?, ?)",
                       (repo.id, org_id, project, name, rel_path))
        return repo

    def repo(self, org_id: str, project: str, name: str) -> Repo | None:
        # Azure DevOps names are case-insensitive; the columns are COLLATE NOCASE.
        row = self.fetch_one(f"{_REPO_SELECT} WHERE r.org_id = ? AND r.project = ? AND r.name = ?",
                             (org_id, project, name))
        return None if row is None else _repo(row)

    def repo_by_id(self, repo_id: str) -> Repo | None:
        row = self.fetch_one(f"{_REPO_SELECT} WHERE r.id = ?", (repo_id,))
        return None if row is None else _repo(row)

    def repos_of(self, org_id: str, project: str | None = None) -> list[Repo]:
        """An organization's repositories (or one project's), by project then name."""
        where, args = ("r.org_id = ?", (org_id,)) if project is None else (
            "r.org_id = ? AND r.project = ?", (org_id, project))
        rows = self.fetch_all(f"{_REPO_SELECT} WHERE {where} "
                              "ORDER BY r.project COLLATE NOCASE, r.name COLLATE NOCASE", args)
        return [_repo(row) for row in rows]

    def add_repos(self, org_id: str, repos: list[tuple[str, str, str, bool, str | None]]
                  ) -> None:
        """Many repositories in one transaction: (project, name, rel_path, disabled, parent
        name in the same project or None). Names already present are left alone."""
        recycled = self.recycled_paths(org_id)  # a deleted catalogue entry stays deleted
        with self.transaction() as db:
            for project, name, rel_path, disabled, parent in repos:
                if rel_path in recycled:
                    continue
                row = db.execute("SELECT id FROM repos WHERE org_id = ? AND project = ? AND "
                                 "name = ?", (org_id, project, name)).fetchone()
                if row is not None:
                    continue
                repo_id = new_guid()
                db.execute("INSERT INTO repos VALUES (?, ?, ?, ?, ?)",
                           (repo_id, org_id, project, name, rel_path))
                parent_id = None
                if parent is not None:
                    found = db.execute("SELECT id FROM repos WHERE org_id = ? AND project = ? "
                                       "AND name = ?", (org_id, project, parent)).fetchone()
                    parent_id = found[0] if found else None
                if disabled or parent_id:
                    db.execute("INSERT INTO repo_details VALUES (?, ?, ?)",
                               (repo_id, int(disabled), parent_id))

    def add_created_repo(self, repo: Repo) -> None:
        """Record a repository made through the API (its bare repository is already on
        disk); raises NameTaken when the project has one of that name."""
        try:
            with self.transaction() as db:
                db.execute("INSERT INTO repos VALUES (?, ?, ?, ?, ?)",
                           (repo.id, repo.org_id, repo.project, repo.name, repo.rel_path))
                db.execute("INSERT INTO created_repos VALUES (?, ?)",
                           (repo.id, repo.default_branch))
                if repo.parent_repo_id is not None:
                    db.execute("INSERT INTO repo_details VALUES (?, 0, ?)",
                               (repo.id, repo.parent_repo_id))
        except sqlite3.IntegrityError:
            raise NameTaken(repo.name) from None

    def set_default_branch(self, repo_id: str, ref: str) -> None:
        """Only a created repository without one gets it (the first push)."""
        with self.transaction() as db:
            db.execute("UPDATE created_repos SET default_branch = ? WHERE repo_id = ? AND "
                       "default_branch IS NULL", (ref, repo_id))

    def recycle_repo(self, repo: Repo, deleted_by: str) -> None:
        """Move a repository to the recycle bin: no longer listed or served, name free.
        Its forks become stand-alone (the link would point at nothing listed)."""
        with self.transaction() as db:
            db.execute("INSERT OR REPLACE INTO recycled_repos VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                       (repo.id, repo.org_id, repo.project, repo.name, repo.rel_path,
                        repo.parent_repo_id, deleted_by, to_wire(utc_now())))
            db.execute("UPDATE repo_details SET parent_repo_id = NULL WHERE parent_repo_id = ?",
                       (repo.id,))
            db.execute("DELETE FROM repo_details WHERE repo_id = ?", (repo.id,))
            db.execute("DELETE FROM created_repos WHERE repo_id = ?", (repo.id,))
            db.execute("DELETE FROM repos WHERE id = ?", (repo.id,))

    def recycled_paths(self, org_id: str) -> set[str]:
        rows = self.fetch_all("SELECT rel_path FROM recycled_repos WHERE org_id = ?", (org_id,))
        return {str(row["rel_path"]) for row in rows}

    def forks_of(self, repo_id: str) -> list[Repo]:
        rows = self.fetch_all(f"{_REPO_SELECT} WHERE d.parent_repo_id = ? "
                              "ORDER BY r.project COLLATE NOCASE, r.name COLLATE NOCASE",
                              (repo_id,))
        return [_repo(row) for row in rows]

    def add_push(self, repo_id: str, pushed_by: str) -> int:
        with self.transaction() as db:
            cursor = db.execute("INSERT INTO pushes (repo_id, pushed_by, date) VALUES (?, ?, ?)",
                                (repo_id, pushed_by, to_wire(utc_now())))
            return int(cursor.lastrowid or 0)

    # projects -------------------------------------------------------------
    def add_project(self, org_id: str, name: str, description: str) -> Project:
        existing = self.project(org_id, name)
        if existing is not None:
            return existing
        project = Project(new_guid(), org_id, name, description)
        with self.transaction() as db:
            db.execute("INSERT INTO projects VALUES (?, ?, ?, ?)",
                       (project.id, org_id, name, description))
        return project

    def project(self, org_id: str, name: str) -> Project | None:
        row = self.fetch_one("SELECT * FROM projects WHERE org_id = ? AND (name = ? OR id = ?)",
                             (org_id, name, name))
        return None if row is None else Project(*tuple(row))

    def projects_of(self, org_id: str) -> list[Project]:
        rows = self.fetch_all("SELECT * FROM projects WHERE org_id = ? "
                              "ORDER BY name COLLATE NOCASE", (org_id,))
        return [Project(*tuple(row)) for row in rows]
