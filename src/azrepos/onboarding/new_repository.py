"""``azrepos repos create`` and ``delete``: a repository with one first commit (``.gitignore``
and ``LICENSE``, pushed through the REST API) so it can be cloned at once, made idempotent.

A repository of that name that is empty (a create whose push failed) gets its first commit; one
whose first commit holds the same files is left alone; any other is a clear error. The first
commit is read with git (a blob-less fetch), as the REST API has no call for it."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from ..errors import ApiError, ConfigError, UsageError
from ..git_command import credential_environment, run_git
from ..rest import git_writes
from ..rest.client import AzureDevOpsClient
from ..rest.models import GitRepository
from ..urls import repo_https_url
from . import starter_files

StarterFiles = Callable[[int], dict[str, str]]  # the year of the first commit → path → text


@dataclass
class RepositoryChange:
    action: str  # created, completed, unchanged, deleted, absent
    project: str
    name: str
    repository: GitRepository | None = None
    files: list[str] = field(default_factory=list)
    commit: str = ""

    @property
    def changed(self) -> bool:
        return self.action in ("created", "completed", "deleted")


def starter(name: str, *, gitignore: str | None, license_id: str | None,
            holder: str) -> StarterFiles:
    """The first commit's files; the text is looked up now, so a bad name fails first."""
    ignore = starter_files.gitignore_text(gitignore) if gitignore else None
    if license_id:
        starter_files.license_text(license_id)  # an unknown id fails before any call

    def files(year: int) -> dict[str, str]:
        found: dict[str, str] = {}
        if ignore is not None:
            found[".gitignore"] = ignore
        if license_id:
            found["LICENSE"] = starter_files.license_text(license_id, year=year, holder=holder)
        return found or {"README.md": f"# {name}\n"}  # a first commit needs one file

    return files


def check_branch(branch: str) -> str:
    done = run_git("check-ref-format", "--branch", branch)
    if done.returncode != 0 or branch.startswith("refs/"):
        raise UsageError(f"{branch!r} is not a valid branch name",
                         hint="give a plain branch name, e.g. --default-branch main")
    return branch


def _first_commit(client: AzureDevOpsClient, repo: GitRepository) -> tuple[int, dict[str, str]]:
    """The year and files (path → blob id) of the default branch's first commit."""
    env = credential_environment(os.environ, client.org.url, client.authorization(),
                                 client.network.ca_bundle)
    with tempfile.TemporaryDirectory(prefix="azrepos-first-commit-") as work:
        git = Path(work)
        steps = [["init", "--bare", "-q", str(git)],
                 ["-C", str(git), "fetch", "-q", "--no-tags", "--filter=blob:none",
                  repo_https_url(client.org, repo.project, repo.name), str(repo.default_branch)]]
        for args in steps:
            done = run_git(*args, timeout=300, environ=env)
            if done.returncode != 0:
                raise ConfigError(f"cannot read the first commit of {repo.project}/{repo.name}: "
                                  f"{done.stderr.strip()[-300:]}",
                                  hint="check that git can reach the organization")
        roots = run_git("-C", str(git), "rev-list", "--max-parents=0", "FETCH_HEAD").stdout.split()
        root = roots[-1]
        year = int(run_git("-C", str(git), "log", "-1", "--format=%cd", "--date=format:%Y",
                           root).stdout.strip() or datetime.now(UTC).year)
        listing = run_git("-C", str(git), "ls-tree", root).stdout
    entries = {}
    for line in listing.splitlines():
        meta, _, path = line.partition("\t")
        entries[path] = meta.split()[2]
    return year, entries


def _blob_ids(files: dict[str, str]) -> dict[str, str]:
    return {path: run_git("hash-object", "--stdin", input_text=text).stdout.strip()
            for path, text in files.items()}


def ensure_present(client: AzureDevOpsClient, project: str, name: str, files: StarterFiles, *,
                   default_branch: str = "main", check_mode: bool = False) -> RepositoryChange:
    check_branch(default_branch)
    listed = client.list_repositories(project)
    existing = git_writes.find_repository(client, project, name, listed)
    if existing is None:
        target = git_writes.find_project(client, project, listed)
        content = files(_year())
        change = RepositoryChange("created", target.name, name, files=sorted(content))
        if check_mode:
            return change
        try:
            existing = git_writes.create_repository(client, target, name)
        except ApiError as exc:
            if not git_writes.conflict(exc, git_writes.NAME_TAKEN):
                raise
            existing = git_writes.find_repository(client, project, name)  # made meanwhile
            if existing is None:
                raise
            return _compare(client, existing, files, default_branch, check_mode)
        change.repository = existing
        try:
            change.commit = _push(client, existing, content, default_branch)
        except ApiError as exc:
            again = "the repository was created empty: run the same command again to push it"
            exc.hint = f"{again}; {exc.hint}" if exc.hint else again
            raise
        change.repository = git_writes.find_repository(client, project, name) or existing
        return change
    return _compare(client, existing, files, default_branch, check_mode)


def _year() -> int:
    return datetime.now(UTC).year


def _push(client: AzureDevOpsClient, repo: GitRepository, content: dict[str, str],
          branch: str) -> str:
    comment = "Add " + " and ".join(sorted(content))
    return git_writes.push_files(client, repo, branch, content, comment)


def _compare(client: AzureDevOpsClient, repo: GitRepository, files: StarterFiles, branch: str,
             check_mode: bool) -> RepositoryChange:
    if not repo.default_branch:  # created, but its first push never happened
        content = files(_year())
        change = RepositoryChange("completed", repo.project, repo.name, repo, sorted(content))
        if not check_mode:
            try:
                change.commit = _push(client, repo, content, branch)
            except ApiError as exc:
                if not git_writes.conflict(exc, git_writes.STALE_REF):
                    raise
                refreshed = git_writes.find_repository(client, repo.project, repo.name) or repo
                return _compare(client, refreshed, files, branch, check_mode)
        return change
    year, tree = _first_commit(client, repo)
    wanted = _blob_ids(files(year))
    if tree == wanted:
        return RepositoryChange("unchanged", repo.project, repo.name, repo, sorted(wanted))
    raise UsageError(
        f"another repository named {repo.name!r} already exists in {repo.project} (its first "
        f"commit holds {', '.join(sorted(tree)) or 'nothing'}, not "
        f"{', '.join(sorted(wanted))})",
        hint="choose another name, or delete that repository first (azrepos repos delete)")


def ensure_absent(client: AzureDevOpsClient, project: str, name: str, *,
                  check_mode: bool = False) -> RepositoryChange:
    existing = git_writes.find_repository(client, project, name)
    if existing is None:
        return RepositoryChange("absent", project, name)
    if not check_mode:
        git_writes.delete_repository(client, existing)
    return RepositoryChange("deleted", existing.project, existing.name, existing)
