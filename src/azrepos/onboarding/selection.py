"""Which listed repositories a clone run takes: by name, or all; disabled ones never."""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import UsageError
from ..rest.models import GitRepository


@dataclass(frozen=True)
class Selection:
    repos: list[GitRepository]
    skipped: list[GitRepository]  # disabled repositories left out of --all


def check_request(names: list[str], *, take_all: bool) -> None:
    """Names or all, exactly one of them (checked before anything is listed)."""
    if take_all and names:
        raise UsageError("give either --repo NAME ... or --all, not both",
                         hint="drop --all to clone only the named repositories")
    if not take_all and not names:
        raise UsageError("say which repositories to clone",
                         hint="add --repo NAME (repeatable) or --all")


def select(listed: list[GitRepository], names: list[str], *, take_all: bool, org_url: str
           ) -> Selection:
    """The repositories named (case-insensitively, as Azure DevOps compares names), or every
    enabled one with ``take_all``. A name that is unknown, ambiguous or disabled is an error."""
    check_request(names, take_all=take_all)
    if take_all:
        return Selection([r for r in listed if not r.is_disabled],
                         [r for r in listed if r.is_disabled])
    chosen: list[GitRepository] = []
    for name in names:
        project, _, repo = name.rpartition("/")
        found = [r for r in listed if r.name.lower() == repo.lower()
                 and (not project or r.project.lower() == project.lower())]
        if not found:
            raise UsageError(f"no repository named {name!r} in {org_url}",
                             hint=f"azrepos repos list --org {org_url} shows the names")
        if len(found) > 1:
            raise UsageError(f"{name!r} names a repository in several projects: "
                             + ", ".join(sorted(r.project for r in found)),
                             hint="add --project P, or write the name as PROJECT/REPO")
        repository = found[0]
        if repository.is_disabled:
            raise UsageError(f"{repository.project}/{repository.name} is disabled in Azure "
                             "DevOps; git refuses to clone it",
                             hint="ask a project administrator to enable it, or leave it out")
        if repository not in chosen:
            chosen.append(repository)
    return Selection(chosen, [])
