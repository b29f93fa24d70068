"""``azrepos exec --org URL -- git ...``: git in pipelines and scripts with no stored token.

The credential (``auth.chain``, so ``SYSTEM_ACCESSTOKEN`` in Azure Pipelines too) reaches git
through the environment (``git_command.credential_environment``): never on a command line, never
written to disk, and sent to the organization's URL only.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys

from ..errors import UsageError
from ..git_command import credential_environment
from .context import OrgContext, add_org_arguments


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "exec", help="run git (or a command that runs git) with the organization's credential "
        "in its environment, never on disk or argv",
        description="Example: azrepos exec --org https://dev.azure.com/ORG -- git clone URL")
    add_org_arguments(parser, json=False)  # git's own output is what it prints
    parser.add_argument("command", nargs=argparse.REMAINDER,
                        help="after --: the command, e.g. git clone https://dev.azure.com/...")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        raise UsageError("say what to run after --",
                         hint=f"azrepos exec --org {args.org} -- git clone URL")
    program = shutil.which(command[0])
    if program is None:
        raise UsageError(f"{command[0]!r} was not found on PATH", hint="install it, or give a path")
    ctx = OrgContext.of(args)
    env = credential_environment(os.environ, ctx.org.url, ctx.credential.authorization(),
                                 ctx.profile.ca_bundle)
    sys.stdout.flush()
    sys.stderr.flush()
    os.execve(program, command, env)  # noqa: S606 - git owns the process from here
