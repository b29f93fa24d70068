"""Clone a selection of repositories into ``DEST/PROJECT/REPO``, a few at a time.

Each clone goes into a staging folder beside its target and is renamed into place only when
git succeeded, so an interrupted or failed run leaves nothing half-cloned. A target that is
already a clone of the repository is left alone (or fetched with ``update``). URLs carry no
credential: HTTPS git gets the credential that listed the repositories through its environment
(``git_command.credential_environment``), SSH goes through the host alias.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass
from pathlib import Path

from ..errors import AzreposError, UsageError
from ..git_command import run_git
from ..network import TRUST_HINT
from ..redaction import scrub
from ..rest.models import GitRepository
from ..urls import Organization, repo_https_url, repo_ssh_url, same_remote

CLONE_TIMEOUT = 900.0
TRANSPORTS = ("auto", "https", "ssh")

GitEnvironment = Callable[[], Mapping[str, str]]  # made per git run: a token may be refreshed


@dataclass(frozen=True)
class ClonePlan:
    repo: GitRepository
    target: Path
    url: str
    transport: str  # "https" or "ssh"
    known_urls: frozenset[str]  # remote URLs that mean "already a clone of this repository"


@dataclass(frozen=True)
class CloneResult:
    project: str
    name: str
    path: str
    transport: str
    status: str  # "cloned", "fetched", "unchanged" or "failed"
    changed: bool
    error: str | None = None
    fix: str | None = None

    def as_json(self) -> dict[str, object]:
        return asdict(self)


def choose_transport(requested: str, ssh_host: str | None, org: Organization) -> str:
    """``auto`` takes SSH when a key is registered for the organization, else HTTPS."""
    if requested not in TRANSPORTS:
        raise UsageError(f"unknown transport {requested!r}", hint="use https, ssh or auto")
    if requested == "ssh" and ssh_host is None:
        raise UsageError(f"no SSH key is registered for {org.url} on this machine",
                         hint=f"azrepos ssh-key add --org {org.url}, or use --transport https")
    if requested == "auto":
        return "ssh" if ssh_host else "https"
    return requested


def plan(org: Organization, repos: list[GitRepository], dest: Path, transport: str,
         ssh_host: str | None) -> list[ClonePlan]:
    plans = []
    for repo in repos:
        https = repo_https_url(org, repo.project, repo.name)
        ssh = repo_ssh_url(org, repo.project, repo.name, ssh_host) if ssh_host else None
        known = {same_remote(u) for u in (https, ssh, repo.remote_url, repo.ssh_url) if u}
        url = ssh if transport == "ssh" and ssh else https
        plans.append(ClonePlan(repo, dest / repo.project / repo.name, url, transport,
                               frozenset(known)))
    return plans


def _failure(item: ClonePlan, error: str, fix: str) -> CloneResult:
    return CloneResult(item.repo.project, item.repo.name, str(item.target), item.transport,
                       "failed", False, scrub(error), scrub(fix))


def _fix_for(stderr: str, item: ClonePlan, org_url: str) -> str:
    text = stderr.lower()
    if "permission denied (publickey)" in text or "host key verification failed" in text:
        return (f"check the key with 'azrepos ssh-key list --org {org_url}' and "
                f"'azrepos doctor --org {org_url}', or use --transport https")
    if "authentication failed" in text or "could not read username" in text:
        return (f"sign in and set up the helper: azrepos login --org {org_url} && "
                f"azrepos configure-git --org {org_url}")
    if "ssl certificate" in text or "certificate problem" in text:
        return TRUST_HINT
    if "disabled" in text:
        return "the repository is disabled; ask a project administrator to enable it"
    if "403" in text:
        return "the credential lacks the scope vso.code (Code: Read) or access to the repository"
    return f"run 'git clone {item.url}' yourself to see the whole error"


def _git_error(done: subprocess.CompletedProcess[str]) -> str:
    lines = [line for line in (done.stderr or "").splitlines() if line.strip()]
    return " / ".join(lines[-3:]) or f"git exited with {done.returncode}"


def _origin_urls(target: Path) -> list[str] | None:
    """The clone's origin URLs, or None if ``target`` is not the top of a git work tree."""
    if not (target / ".git").exists():
        return None
    done = run_git("-C", str(target), "config", "--get-all", "remote.origin.url")
    return done.stdout.split() if done.returncode == 0 else []


def _remote_refs(target: Path) -> str:
    return run_git("-C", str(target), "for-each-ref", "--format=%(objectname) %(refname)",
                   "refs/remotes/origin").stdout


def _environment(item: ClonePlan, https_env: GitEnvironment | None) -> Mapping[str, str] | None:
    return https_env() if https_env is not None and item.transport == "https" else None


def _existing(item: ClonePlan, update: bool, org_url: str,
              https_env: GitEnvironment | None = None) -> CloneResult:
    urls = _origin_urls(item.target)
    if urls is None or not any(same_remote(u) in item.known_urls for u in urls):
        return _failure(item, f"{item.target} exists and is not a clone of "
                        f"{item.repo.project}/{item.repo.name}",
                        "move it away, or choose another --dest")
    done_as = CloneResult(item.repo.project, item.repo.name, str(item.target), item.transport,
                          "unchanged", False)
    if not update:
        return done_as
    before = _remote_refs(item.target)
    fetched = run_git("-C", str(item.target), "fetch", "--prune", "--quiet", "origin",
                      timeout=CLONE_TIMEOUT, environ=_environment(item, https_env))
    if fetched.returncode != 0:
        return _failure(item, f"fetch failed: {_git_error(fetched)}",
                        _fix_for(fetched.stderr, item, org_url))
    changed = _remote_refs(item.target) != before
    return CloneResult(item.repo.project, item.repo.name, str(item.target), item.transport,
                       "fetched" if changed else "unchanged", changed)


def clone_one(item: ClonePlan, *, update: bool, org_url: str,
              https_env: GitEnvironment | None = None) -> CloneResult:
    target = item.target
    if target.is_symlink() or (target.exists() and not target.is_dir()):
        return _failure(item, f"{target} exists and is not a directory",
                        "move it away, or choose another --dest")
    if target.is_dir() and any(target.iterdir()):
        return _existing(item, update, org_url, https_env)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.azrepos-", dir=target.parent))
    try:
        try:
            done = run_git("clone", "--quiet", "--", item.url, str(staging),
                           timeout=CLONE_TIMEOUT, environ=_environment(item, https_env))
        except subprocess.TimeoutExpired:
            return _failure(item, f"git clone took longer than {CLONE_TIMEOUT:g}s",
                            "check the network and try again")
        if done.returncode != 0:
            return _failure(item, _git_error(done), _fix_for(done.stderr, item, org_url))
        try:
            os.rename(staging, target)  # replaces an empty directory, fails on anything else
        except OSError as exc:
            # Another run (an overlapping Ansible play) may have cloned it first: that is fine.
            raced = _existing(item, False, org_url)
            if raced.status != "failed":
                return raced
            return _failure(item, f"{target} appeared while cloning ({exc.strerror})",
                            "run again; the existing folder is left as it is")
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return CloneResult(item.repo.project, item.repo.name, str(target), item.transport,
                       "cloned", True)


def check_jobs(jobs: int) -> None:
    if jobs < 1:
        raise UsageError(f"--jobs must be at least 1, not {jobs}", hint="use --jobs 4")


def clone_all(plans: list[ClonePlan], *, update: bool, jobs: int, org_url: str,
              progress: Callable[[CloneResult], None] | None = None,
              https_env: GitEnvironment | None = None) -> list[CloneResult]:
    """Clone each plan, ``jobs`` git processes at a time; a failure never stops the others.
    Results come back in plan order; ``progress`` sees each as it finishes."""
    check_jobs(jobs)
    results: dict[int, CloneResult] = {}
    with ThreadPoolExecutor(max_workers=min(jobs, max(1, len(plans)))) as pool:
        futures = {pool.submit(_safely, item, update, org_url, https_env): n
                   for n, item in enumerate(plans)}
        for future in as_completed(futures):
            result = future.result()
            results[futures[future]] = result
            if progress is not None:
                progress(result)
    return [results[n] for n in range(len(plans))]


def _safely(item: ClonePlan, update: bool, org_url: str, https_env: GitEnvironment | None
            ) -> CloneResult:
    try:
        return clone_one(item, update=update, org_url=org_url, https_env=https_env)
    except AzreposError as exc:
        return _failure(item, exc.message, exc.hint or "run again with -vv")
    except OSError as exc:
        return _failure(item, f"{exc.strerror or exc} ({exc.filename or item.target})",
                        "check the destination folder's permissions and free space")
