"""Commands run inside a clone: ``azrepos remote add-forks``, ``azrepos pr create`` and
``azrepos pr list``. The repository and organization come from the clone's ``origin``."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..errors import UsageError
from ..onboarding import fork_remotes, pull_requests
from ..onboarding.in_clone import CloneOrigin, current_branch, origin_of
from ..rest import git_writes
from ..rest.models import GitRepository
from .context import OrgContext
from .output import emit


def _clone_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--org", metavar="URL",
                        help="organization URL (default: from origin; needed for an SSH origin "
                        "azrepos has no record of)")
    parser.add_argument("--vssps-url", metavar="URL", help=argparse.SUPPRESS)
    parser.add_argument("--pat-stdin", action="store_true",
                        help="read a PAT from standard input")
    parser.add_argument("-C", dest="clone", default=".", metavar="PATH",
                        help="the clone (default: the current directory)")
    parser.add_argument("--json", action="store_true", help="print one JSON document")


def register(commands: argparse._SubParsersAction) -> None:
    remote = commands.add_parser("remote", help="git remotes for the clone's repository")
    actions = remote.add_subparsers(dest="remote_command", required=True, metavar="ACTION")
    forks = actions.add_parser("add-forks", help="add one remote per fork of the repository "
                               "(idempotent; origin is never changed)")
    _clone_arguments(forks)
    forks.add_argument("--prune", action="store_true",
                       help="remove the remotes it added for forks that are gone")
    forks.set_defaults(handler=run_add_forks)

    pr = commands.add_parser("pr", help="pull requests of the clone's repository")
    actions = pr.add_subparsers(dest="pr_command", required=True, metavar="ACTION")
    create = actions.add_parser("create", help="open a pull request, or report the active one "
                                "for the same branches")
    _clone_arguments(create)
    create.add_argument("--source", metavar="BRANCH", help="default: the current branch")
    create.add_argument("--target", metavar="BRANCH",
                        help="default: the repository's default branch")
    create.add_argument("--title", required=True, metavar="T")
    create.add_argument("--description-file", metavar="F", type=Path)
    create.add_argument("--reviewer", action="append", default=[], metavar="EMAIL",
                        help="a reviewer by e-mail (repeatable)")
    create.add_argument("--draft", action="store_true")
    create.set_defaults(handler=run_pr_create)
    listing = actions.add_parser("list", help="active pull requests")
    _clone_arguments(listing)
    who = listing.add_mutually_exclusive_group()
    who.add_argument("--mine", action="store_true", help="the ones you opened")
    who.add_argument("--reviewing", action="store_true", help="the ones you review")
    listing.set_defaults(handler=run_pr_list)


def _context(args: argparse.Namespace) -> tuple[CloneOrigin, OrgContext]:
    origin = origin_of(Path(args.clone).expanduser().absolute(), args.org)
    return origin, OrgContext(origin.org_url, args.vssps_url, args.pat_stdin)


def _repository(origin: CloneOrigin, ctx: OrgContext) -> GitRepository:
    return git_writes.get_repository(ctx.client, origin.project, origin.repo)


def run_add_forks(args: argparse.Namespace) -> int:
    origin, ctx = _context(args)
    done = fork_remotes.sync(ctx.client, origin, prune=args.prune)
    lines = [f"{verb} {name}" for verb, names in (("added", done.added), ("updated", done.updated),
                                                  ("pruned", done.pruned)) for name in names]
    lines += [f"skipped {name}: a remote of that name exists and azrepos did not add it"
              for name in done.skipped]
    emit(args.json, {"changed": done.changed, "added": done.added, "updated": done.updated,
                     "unchanged": done.unchanged, "pruned": done.pruned,
                     "skipped": done.skipped},
         "\n".join(lines) or f"unchanged: {len(done.unchanged)} fork remotes")
    return 0


def run_pr_create(args: argparse.Namespace) -> int:
    origin, ctx = _context(args)
    description = ""
    if args.description_file:
        try:
            description = args.description_file.read_text(encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"cannot read {args.description_file} ({exc.strerror})",
                             hint="give a readable --description-file") from None
    source = args.source or current_branch(origin.path)
    change = pull_requests.ensure_open(
        ctx.client, _repository(origin, ctx), source=source, target=args.target,
        title=args.title, description=description, reviewers=tuple(args.reviewer),
        draft=args.draft)
    pr = change.pull_request
    assert pr is not None  # not check mode: it exists now
    verb = "opened" if change.changed else "unchanged: already open as"
    emit(args.json, {"changed": change.changed, **pull_requests.as_json(pr)},
         f"{verb} !{pr.id} {pr.title}\n  {pr.web_url}")
    return 0


def run_pr_list(args: argparse.Namespace) -> int:
    origin, ctx = _context(args)
    found = pull_requests.listing(ctx.client, _repository(origin, ctx), mine=args.mine,
                                  reviewing=args.reviewing)
    lines = [f"!{p.id}  {p.source.removeprefix('refs/heads/')} -> "
             f"{p.target.removeprefix('refs/heads/')}  {p.title}{'  (draft)' if p.is_draft else ''}"
             f"  by {p.created_by}" for p in found]
    emit(args.json, {"repository": f"{origin.project}/{origin.repo}", "count": len(found),
                     "pull_requests": [pull_requests.as_json(p) for p in found]},
         "\n".join(lines) or "no active pull requests")
    return 0
