"""Which listed repositories a clone run takes: by name, by glob pattern, or all; disabled
ones never."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase

from ..errors import UsageError
from ..rest.models import GitRepository


@dataclass(frozen=True)
class Selection:
    repos: list[GitRepository]
    skipped: list[GitRepository]  # disabled repositories left out of --all or --match


def check_request(names: Sequence[str], *, take_all: bool, patterns: Sequence[str] = ()
                  ) -> None:
    """Names and patterns, or all (checked before anything is listed)."""
    if take_all and (names or patterns):
        raise UsageError("give either --repo NAME / --match GLOB ... or --all, not both",
                         hint="drop --all to clone only the repositories you name or match")
    if not take_all and not names and not patterns:
        raise UsageError("say which repositories to clone",
                         hint="add --repo NAME or --match GLOB (both repeatable), or --all")


def matches(repo: GitRepository, pattern: str) -> bool:
    """Case-insensitively, as Azure DevOps compares names; a pattern with a slash is matched
    against PROJECT/NAME, one without against the name."""
    pattern = pattern.lower()
    subject = f"{repo.project}/{repo.name}" if "/" in pattern else repo.name
    return fnmatchcase(subject.lower(), pattern)


def _named(listed: list[GitRepository], name: str, org_url: str) -> GitRepository:
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
    return repository


def select(listed: list[GitRepository], names: Sequence[str], *, take_all: bool, org_url: str,
           patterns: Sequence[str] = ()) -> Selection:
    """The repositories named (an unknown, ambiguous or disabled name is an error), those a
    pattern matches (one that matches nothing is an error; disabled matches are skipped), or
    every enabled one with ``take_all``."""
    check_request(names, take_all=take_all, patterns=patterns)
    if take_all:
        return Selection([r for r in listed if not r.is_disabled],
                         [r for r in listed if r.is_disabled])
    chosen = [_named(listed, name, org_url) for name in names]
    skipped: list[GitRepository] = []
    for pattern in patterns:
        matched = [r for r in listed if matches(r, pattern)]
        if not matched:
            raise UsageError(f"no repository matches {pattern!r} in {org_url}",
                             hint=f"azrepos repos list --org {org_url} shows the names; "
                             "quote the pattern so the shell leaves it alone")
        chosen += [r for r in matched if not r.is_disabled]
        skipped += [r for r in matched if r.is_disabled]
    return Selection(list(dict.fromkeys(chosen)), list(dict.fromkeys(skipped)))
