"""The seeded projects and repositories: enough to need paging, and the odd cases.

Bare repositories are not made here: git serving creates each one the first time it is
fetched (``seed.ensure_bare_repo``), so a hundred catalogue entries cost one transaction.
"""

from __future__ import annotations

from azrepos_sandbox.constants import (
    DISABLED_REPO_NAME,
    FORK_REPO_NAME,
    LARGE_PROJECT_NAME,
    LARGE_PROJECT_REPOS,
    PROJECT_NAME,
    REPO_NAME,
    TOOLS_PROJECT_NAME,
    TOOLS_REPOS,
)
from azrepos_sandbox.store import Org, Store


def rel_path(org: str, project: str, name: str) -> str:
    return f"{org}/{project}/{name}.git"


def seed_catalog(store: Store, org: Org) -> None:
    """At least three projects: the sample one (with a fork of ``hello`` and a disabled
    repository), one with many repositories, and a small one. Idempotent."""
    store.add_project(org.id, PROJECT_NAME, "The sample project")
    store.add_project(org.id, LARGE_PROJECT_NAME, "Many services: listing it takes pages")
    store.add_project(org.id, TOOLS_PROJECT_NAME, "Developer tools")
    entries: list[tuple[str, str, str, bool, str | None]] = [
        (PROJECT_NAME, FORK_REPO_NAME, rel_path(org.name, PROJECT_NAME, FORK_REPO_NAME),
         False, REPO_NAME),
        (PROJECT_NAME, DISABLED_REPO_NAME, rel_path(org.name, PROJECT_NAME, DISABLED_REPO_NAME),
         True, None),
    ]
    entries += [(LARGE_PROJECT_NAME, name, rel_path(org.name, LARGE_PROJECT_NAME, name),
                 False, None) for name in large_project_repos()]
    entries += [(TOOLS_PROJECT_NAME, name, rel_path(org.name, TOOLS_PROJECT_NAME, name),
                 False, None) for name in TOOLS_REPOS]
    store.add_repos(org.id, entries)


def large_project_repos() -> list[str]:
    return [f"service-{n:03d}" for n in range(1, LARGE_PROJECT_REPOS + 1)]
