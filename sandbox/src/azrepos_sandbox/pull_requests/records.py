"""Pull requests and their reviewers in sandbox.db. Ids count up across the organization,
as the service's do; one active pull request per (repository, source, target)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from azrepos_sandbox.store import Store, utc_now
from azrepos_sandbox.wire_time import from_wire, to_wire

_SCHEMA = """
CREATE TABLE IF NOT EXISTS pull_requests (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    repo_id TEXT NOT NULL,
    source_ref TEXT NOT NULL,
    target_ref TEXT NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    is_draft INTEGER NOT NULL,
    status TEXT NOT NULL,
    created_by TEXT NOT NULL REFERENCES users(id),
    creation_date TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS pull_requests_repo ON pull_requests(repo_id);
CREATE TABLE IF NOT EXISTS pull_request_reviewers (
    pull_request_id INTEGER NOT NULL REFERENCES pull_requests(id),
    user_id TEXT NOT NULL REFERENCES users(id),
    PRIMARY KEY (pull_request_id, user_id)
);
"""

ACTIVE, COMPLETED, ABANDONED = "active", "completed", "abandoned"
STATUSES = (ACTIVE, COMPLETED, ABANDONED)


@dataclass(frozen=True)
class PullRequest:
    id: int
    repo_id: str
    source_ref: str
    target_ref: str
    title: str
    description: str
    is_draft: bool
    status: str
    created_by: str
    creation_date: datetime
    reviewers: tuple[str, ...]  # user ids, in the order given


class DuplicatePullRequest(Exception):
    """An active pull request for the same source and target exists (its id)."""

    def __init__(self, existing_id: int) -> None:
        super().__init__(existing_id)
        self.existing_id = existing_id


class PullRequestRecords:
    def __init__(self, store: Store) -> None:
        store.ensure_schema(_SCHEMA)
        self._store = store

    def add(self, repo_id: str, source_ref: str, target_ref: str, title: str,
            description: str, is_draft: bool, created_by: str, reviewers: list[str]
            ) -> PullRequest:
        """A new active pull request; raises DuplicatePullRequest, checked in the same
        transaction so two racing requests cannot both get in."""
        created = utc_now().replace(microsecond=0)
        with self._store.transaction() as db:
            row = db.execute("SELECT id FROM pull_requests WHERE repo_id = ? AND source_ref = ? "
                             "AND target_ref = ? AND status = ?",
                             (repo_id, source_ref, target_ref, ACTIVE)).fetchone()
            if row is not None:
                raise DuplicatePullRequest(int(row[0]))
            cursor = db.execute(
                "INSERT INTO pull_requests (repo_id, source_ref, target_ref, title, "
                "description, is_draft, status, created_by, creation_date) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (repo_id, source_ref, target_ref, title, description, int(is_draft), ACTIVE,
                 created_by, to_wire(created)))
            pr_id = int(cursor.lastrowid or 0)
            db.executemany("INSERT INTO pull_request_reviewers VALUES (?, ?)",
                           [(pr_id, user_id) for user_id in reviewers])
        return PullRequest(pr_id, repo_id, source_ref, target_ref, title, description,
                           is_draft, ACTIVE, created_by, created, tuple(reviewers))

    def of_repo(self, repo_id: str) -> list[PullRequest]:
        """A repository's pull requests, newest first (the service's order)."""
        rows = self._store.fetch_all("SELECT * FROM pull_requests WHERE repo_id = ? "
                                     "ORDER BY id DESC", (repo_id,))
        reviewers: dict[int, list[str]] = {}
        for pr_id, user_id in self._store.fetch_all(
                "SELECT r.pull_request_id, r.user_id FROM pull_request_reviewers r JOIN "
                "pull_requests p ON p.id = r.pull_request_id WHERE p.repo_id = ? "
                "ORDER BY r.rowid", (repo_id,)):
            reviewers.setdefault(int(pr_id), []).append(str(user_id))
        return [PullRequest(row["id"], row["repo_id"], row["source_ref"], row["target_ref"],
                            row["title"], row["description"], bool(row["is_draft"]),
                            row["status"], row["created_by"],
                            from_wire(row["creation_date"]) or utc_now(),
                            tuple(reviewers.get(row["id"], ())))
                for row in rows]
