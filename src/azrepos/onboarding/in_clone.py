"""What a command run inside a clone learns from it: the repository its ``origin`` names, the
organization (from ``--org``, an https origin, or the SSH key record for an SSH origin), the
current branch, and URLs for sibling repositories in ``origin``'s transport."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from ..errors import UsageError
from ..git_command import run_git
from ..sshkeys import host_setup
from ..urls import RepoRef, parse_repo_url, repo_https_url


@dataclass(frozen=True)
class CloneOrigin:
    path: Path
    url: str  # origin's URL as git has it
    ref: RepoRef
    org_url: str

    @property
    def project(self) -> str:
        return str(self.ref.project)

    @property
    def repo(self) -> str:
        return str(self.ref.repo)

    def sibling_url(self, project: str, repo: str) -> str:
        """Another repository of the organization, reached as ``origin`` is (HTTPS, or SSH
        through the same host, alias or port)."""
        if self.ref.transport == "https":
            return repo_https_url(self.ref.org, project, repo)
        head = self.url[:self.url.rindex("v3/") + 3]
        return f"{head}{quote(self.ref.org.name)}/{quote(project)}/{quote(repo)}"


def _git(path: Path, *args: str) -> str:
    done = run_git("-C", str(path), *args)
    return done.stdout.strip() if done.returncode == 0 else ""


def origin_of(path: Path, org_url: str | None = None, home: Path | None = None) -> CloneOrigin:
    """The clone at ``path`` and its origin; a clear error outside an Azure Repos clone."""
    if not _git(path, "rev-parse", "--git-dir"):
        raise UsageError(f"{path} is not inside a git clone",
                         hint="run this inside a clone of an Azure Repos repository")
    url = _git(path, "remote", "get-url", "origin")
    if not url:
        raise UsageError(f"the clone at {path} has no remote named origin",
                         hint="add it: git remote add origin URL")
    ref = parse_repo_url(url)
    if not (ref.project and ref.repo):
        raise UsageError(f"origin ({url}) does not name an Azure Repos repository",
                         hint="origin must be the repository's clone URL (HTTPS or SSH)")
    if org_url is None and ref.transport == "https":
        org_url = ref.org.url
    if org_url is None:
        entry = host_setup.recorded(home or Path.home()).get(ref.org.name) or {}
        org_url = str(entry.get("org_url") or "") or (
            ref.org.url if ref.org.kind != "server" else None)
    if not org_url:
        raise UsageError(f"cannot tell the organization's URL from origin ({url})",
                         hint="give it: --org https://HOST/ORG")
    return CloneOrigin(path, url, ref, org_url.rstrip("/"))


def current_branch(path: Path) -> str:
    branch = _git(path, "symbolic-ref", "--quiet", "--short", "HEAD")
    if not branch:
        raise UsageError("the clone is not on a branch (detached HEAD)",
                         hint="check out the branch, or give --source BRANCH")
    return branch
