"""``azrepos repos list`` and ``azrepos clone``: find the organization's repositories and
clone a selection of them (the decisions live in ``azrepos.onboarding``)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..onboarding import run as onboarding
from ..onboarding.clone import TRANSPORTS, CloneResult
from . import repos_write
from .context import OrgContext, add_org_arguments
from .output import emit

MATCH_HELP = ("repositories whose name (or PROJECT/NAME, when the pattern has a slash) matches "
              "a shell-style pattern, case-insensitively (repeatable)")


def register(commands: argparse._SubParsersAction) -> None:
    repos = commands.add_parser("repos", help="the organization's repositories")
    actions = repos.add_subparsers(dest="repos_command", required=True, metavar="ACTION")
    listing = actions.add_parser("list", help="list repositories (project/name, default "
                                 "branch, size)")
    add_org_arguments(listing)
    listing.add_argument("--project", metavar="P", help="only this project's repositories")
    listing.add_argument("--match", action="append", default=[], metavar="GLOB",
                         help=MATCH_HELP)
    listing.set_defaults(handler=run_list)
    repos_write.register(actions)

    cloning = commands.add_parser(
        "clone", help="clone repositories into DEST/PROJECT/REPO (idempotent)",
        description="Example: azrepos clone --org https://dev.azure.com/ORG --project P --all")
    add_org_arguments(cloning)
    cloning.add_argument("--project", metavar="P", help="only this project's repositories")
    cloning.add_argument("--repo", action="append", default=[], metavar="R",
                         help="a repository to clone (NAME or PROJECT/NAME; repeatable)")
    cloning.add_argument("--match", action="append", default=[], metavar="GLOB",
                         help=MATCH_HELP + "; disabled ones are skipped")
    cloning.add_argument("--all", action="store_true", dest="take_all",
                         help="every repository (of --project, else of the organization); "
                         "disabled ones are skipped")
    cloning.add_argument("--dest", metavar="DIR", default=".",
                         help="where PROJECT/REPO folders go (default: the current directory)")
    cloning.add_argument("--transport", choices=TRANSPORTS, default="auto",
                         help="auto (default): SSH when this machine's record of SSH hosts "
                         "(~/.config/azrepos/ssh-hosts.json, written by ssh-key add) names the "
                         "organization, else HTTPS through the credential helper")
    cloning.add_argument("--update", action="store_true",
                         help="fetch repositories that are already cloned")
    cloning.add_argument("--jobs", type=int, default=4, metavar="N",
                         help="clones at a time (default 4)")
    cloning.set_defaults(handler=run_clone)


def run_list(args: argparse.Namespace) -> int:
    ctx = OrgContext.of(args)
    repos = onboarding.list_repositories(ctx.client, args.project, args.match)
    lines = []
    for repo in repos:
        branch = (repo.default_branch or "-").removeprefix("refs/heads/")
        notes = " (disabled)" if repo.is_disabled else ""
        notes += f" (fork of {repo.parent})" if repo.is_fork and repo.parent else ""
        lines.append(f"{repo.project}/{repo.name}  {branch}  {repo.size}{notes}")
    emit(args.json, {"organization": ctx.org.url, "count": len(repos),
                     "repositories": [onboarding.repository_json(r) for r in repos]},
         "\n".join(lines) if lines else "no repositories")
    return 0


def _progress(result: CloneResult) -> None:
    where = f"{result.project}/{result.name}"
    if result.status == "failed":
        print(f"azrepos: {where}: failed: {result.error}\n  fix: {result.fix}", file=sys.stderr)
    else:
        print(f"azrepos: {where}: {result.status} ({result.transport}) {result.path}",
              file=sys.stderr)


def run_clone(args: argparse.Namespace) -> int:
    ctx = OrgContext.of(args)
    done = onboarding.clone(
        ctx.client, project=args.project, names=args.repo, patterns=args.match,
        take_all=args.take_all, dest=Path(args.dest).expanduser().absolute(),
        transport=args.transport, update=args.update, jobs=args.jobs, home=Path.home(),
        progress=_progress)
    for repo in done.skipped:
        print(f"azrepos: {repo.project}/{repo.name}: skipped: disabled in Azure DevOps",
              file=sys.stderr)
    counts = {status: sum(r.status == status for r in done.results)
              for status in ("cloned", "fetched", "unchanged", "failed")}
    summary = ", ".join(f"{n} {status}" for status, n in counts.items() if n) or "nothing to do"
    emit(args.json, {
        "organization": ctx.org.url, "transport": done.transport, "changed": done.changed,
        "failed": counts["failed"], "results": [r.as_json() for r in done.results],
        "skipped": [f"{r.project}/{r.name}" for r in done.skipped],
    }, summary)
    return 1 if done.failed else 0
