"""``azrepos repos create`` and ``repos delete`` (the decisions live in
``azrepos.onboarding.new_repository``)."""

from __future__ import annotations

import argparse

from ..errors import UsageError
from ..onboarding import new_repository, starter_files
from ..onboarding.run import repository_json
from .context import OrgContext, add_org_arguments
from .output import emit


def register(actions: argparse._SubParsersAction) -> None:
    creating = actions.add_parser(
        "create", help="create a repository with a first commit (.gitignore, LICENSE); "
        "idempotent", description="Example: azrepos repos create --org https://dev.azure.com/ORG "
        "--project P payments-api --gitignore Python --license MIT")
    add_org_arguments(creating)
    creating.add_argument("--project", required=True, metavar="P")
    creating.add_argument("name", metavar="NAME")
    creating.add_argument("--gitignore", metavar="TEMPLATE",
                          help="a github/gitignore template (Python, Node, VisualStudio, ...; "
                          "azrepos repos starter-files lists them)")
    creating.add_argument("--license", metavar="SPDX-ID",
                          help="an SPDX licence id (MIT, Apache-2.0, ...; azrepos repos "
                          "starter-files lists them)")
    creating.add_argument("--license-holder", metavar="NAME",
                          help="the copyright holder in LICENSE (default: the organization)")
    creating.add_argument("--default-branch", default="main", metavar="BRANCH")
    creating.set_defaults(handler=run_create)
    listing = actions.add_parser(
        "starter-files", help="the .gitignore templates and licences repos create can add")
    listing.add_argument("--json", action="store_true", help="print one JSON document")
    listing.set_defaults(handler=run_starter_files)
    deleting = actions.add_parser(
        "delete", help="delete a repository (it goes to the project's recycle bin)")
    add_org_arguments(deleting)
    deleting.add_argument("--project", required=True, metavar="P")
    deleting.add_argument("name", metavar="NAME")
    deleting.add_argument("--yes", action="store_true", help="really delete it")
    deleting.set_defaults(handler=run_delete)


def run_starter_files(args: argparse.Namespace) -> int:
    ignores, licences = starter_files.gitignore_names(), starter_files.license_ids()
    emit(args.json, {"gitignore": ignores, "license": licences},
         f"--gitignore: {', '.join(ignores)}\n--license: {', '.join(licences)}")
    return 0


def _summary(change: new_repository.RepositoryChange) -> str:
    where = f"{change.project}/{change.name}"
    if change.action == "unchanged":
        return f"{where}: unchanged (it exists with the same first commit)"
    if change.action == "completed":
        return f"{where}: was empty; pushed its first commit ({', '.join(change.files)})"
    clone = f"\n  clone: {change.repository.remote_url}" if change.repository else ""
    return f"{where}: created with {', '.join(change.files)}{clone}"


def run_create(args: argparse.Namespace) -> int:
    ctx = OrgContext.of(args)
    files = new_repository.starter(args.name, gitignore=args.gitignore, license_id=args.license,
                                   holder=args.license_holder or ctx.org.name)
    change = new_repository.ensure_present(ctx.client, args.project, args.name, files,
                                           default_branch=args.default_branch)
    emit(args.json, {"organization": ctx.org.url, "changed": change.changed,
                     "outcome": change.action, "files": change.files, "commit": change.commit,
                     "repository": repository_json(change.repository)
                     if change.repository else None}, _summary(change))
    return 0


def run_delete(args: argparse.Namespace) -> int:
    if not args.yes:
        raise UsageError(f"deleting {args.project}/{args.name} needs --yes",
                         hint="add --yes to delete it (it stays in the recycle bin for 30 days)")
    ctx = OrgContext.of(args)
    change = new_repository.ensure_absent(ctx.client, args.project, args.name)
    text = (f"{change.project}/{change.name}: deleted; it stays in the project's recycle bin "
            "for 30 days (Project settings > Repositories) and can be restored from there"
            if change.changed else f"{args.project}/{args.name}: not there; nothing to delete")
    emit(args.json, {"organization": ctx.org.url, "changed": change.changed,
                     "outcome": change.action}, text)
    return 0
