"""The onboarding commands' decisions, for the CLI and the Ansible module alike."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..git_command import credential_environment
from ..rest.client import AzureDevOpsClient
from ..rest.models import GitRepository
from ..sshkeys.host_setup import clone_host
from . import clone as cloning
from .selection import check_request, matches, select


def repository_json(repo: GitRepository) -> dict[str, object]:
    """The fields ``repos list --json`` and the Ansible module return for a repository."""
    return {
        "project": repo.project, "projectId": repo.project_id, "name": repo.name, "id": repo.id,
        "remoteUrl": repo.remote_url, "sshUrl": repo.ssh_url, "webUrl": repo.web_url,
        "defaultBranch": repo.default_branch, "size": repo.size,
        "isDisabled": repo.is_disabled, "isFork": repo.is_fork,
        "parentRepository": repo.parent,
    }


def list_repositories(client: AzureDevOpsClient, project: str | None,
                      patterns: Sequence[str] = ()) -> list[GitRepository]:
    """The project's (or organization's) repositories by project and name, only those some
    pattern matches when patterns are given."""
    listed = [r for r in client.list_repositories(project)
              if not patterns or any(matches(r, p) for p in patterns)]
    return sorted(listed, key=lambda r: (r.project.lower(), r.name.lower()))


@dataclass(frozen=True)
class CloneRun:
    results: list[cloning.CloneResult]
    skipped: list[GitRepository]
    transport: str

    @property
    def failed(self) -> list[cloning.CloneResult]:
        return [r for r in self.results if r.status == "failed"]

    @property
    def changed(self) -> bool:
        return any(r.changed for r in self.results)


def clone(client: AzureDevOpsClient, *, project: str | None, names: list[str],
          take_all: bool, dest: Path, transport: str, update: bool, jobs: int, home: Path,
          patterns: Sequence[str] = (),
          progress: Callable[[cloning.CloneResult], None] | None = None) -> CloneRun:
    org = client.org
    host = clone_host(home, org)
    chosen_transport = cloning.choose_transport(transport, host, org)
    cloning.check_jobs(jobs)  # usage errors before any network call
    check_request(names, take_all=take_all, patterns=patterns)
    selection = select(list_repositories(client, project), names, take_all=take_all,
                       org_url=org.url, patterns=patterns)
    plans = cloning.plan(org, selection.repos, dest, chosen_transport, host)
    results = cloning.clone_all(
        plans, update=update, jobs=jobs, org_url=org.url, progress=progress,
        # HTTPS git gets the credential that listed, whether or not a helper is configured
        https_env=lambda: credential_environment(os.environ, org.url, client.authorization(),
                                                 client.network.ca_bundle))
    return CloneRun(results, selection.skipped, chosen_transport)
