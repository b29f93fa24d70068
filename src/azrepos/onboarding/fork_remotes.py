"""``azrepos remote add-forks``: one git remote per fork of the clone's repository, named after
the fork's project and repository, in origin's transport. Remotes it adds are marked
(``remote.NAME.azreposFork``) so ``--prune`` only ever removes its own; origin is never touched."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..errors import ConfigError
from ..git_command import run_git
from ..rest import git_writes
from ..rest.client import AzureDevOpsClient
from .in_clone import CloneOrigin

MARK = "azreposFork"  # remote.<name>.azreposFork = the fork's repository id


@dataclass
class ForkRemotes:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    pruned: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # a remote of that name that is not ours

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.pruned)


def remote_name(project: str, repo: str) -> str:
    """A git remote name from the fork's project and repository (``Team-A-hello``)."""
    return re.sub(r"[^A-Za-z0-9._-]+", "-", f"{project}-{repo}").strip("-.")


def _git(origin: CloneOrigin, *args: str) -> str:
    done = run_git("-C", str(origin.path), *args)
    if done.returncode != 0:
        raise ConfigError(f"git {' '.join(args[:2])} failed: {done.stderr.strip()}",
                          hint=f"check the clone at {origin.path} (git remote -v)")
    return done.stdout


def _remotes(origin: CloneOrigin) -> dict[str, tuple[str, str | None]]:
    """Every remote: its URL and our mark (None for remotes azrepos did not add)."""
    found: dict[str, tuple[str, str | None]] = {}
    listing = run_git("-C", str(origin.path), "config", "--get-regexp", r"^remote\..*\.(url|" +
                      MARK.lower() + ")$").stdout
    for line in listing.splitlines():
        key, _, value = line.partition(" ")
        name, setting = key[len("remote."):].rsplit(".", 1)
        url, mark = found.get(name, ("", None))
        found[name] = (value, mark) if setting == "url" else (url, value)
    return found


def sync(client: AzureDevOpsClient, origin: CloneOrigin, *, prune: bool = False) -> ForkRemotes:
    repo = git_writes.get_repository(client, origin.project, origin.repo)
    forks = [f for f in git_writes.list_forks(client, repo) if f.id != repo.id]
    remotes, outcome = _remotes(origin), ForkRemotes()
    wanted = set()
    for fork in sorted(forks, key=lambda f: (f.project.casefold(), f.name.casefold())):
        name, url = remote_name(fork.project, fork.name), origin.sibling_url(fork.project, fork.name)
        wanted.add(name)
        current = remotes.get(name)
        if name == "origin" or (current and current[1] is None):
            outcome.skipped.append(name)
        elif current is None:
            _git(origin, "remote", "add", name, url)
            _git(origin, "config", f"remote.{name}.{MARK}", fork.id)
            outcome.added.append(name)
        elif current[0] != url:
            _git(origin, "remote", "set-url", name, url)
            outcome.updated.append(name)
        else:
            outcome.unchanged.append(name)
    if prune:
        for name, (_, mark) in remotes.items():
            if mark is not None and name not in wanted and name != "origin":
                _git(origin, "remote", "remove", name)
                outcome.pruned.append(name)
    return outcome
