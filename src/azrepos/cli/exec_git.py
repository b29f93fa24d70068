"""``azrepos exec --org URL -- git ...``: git in pipelines and scripts with no stored token.

The credential (``AZURE_DEVOPS_EXT_PAT``, else ``SYSTEM_ACCESSTOKEN`` in Azure Pipelines as a
Bearer token, else a stored PAT or an Entra sign-in) reaches git as an ``http.<org>.extraheader`` through
``GIT_CONFIG_COUNT``/``GIT_CONFIG_KEY_n``/``GIT_CONFIG_VALUE_n`` (git 2.31+): never on a command
line, never written to disk, and sent to the organization's URL only (with the CA azrepos uses,
as that URL's http.sslCAInfo).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys

from ..auth.credentials import BearerCredential
from ..errors import UsageError
from ..redaction import Secret
from .context import OrgContext, add_org_arguments

PIPELINE_TOKEN = "SYSTEM_ACCESSTOKEN"  # noqa: S105 - the variable's name, mapped with env: in a pipeline


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "exec", help="run git (or a command that runs git) with the organization's credential "
        "in its environment, never on disk or argv",
        description="Example: azrepos exec --org https://dev.azure.com/ORG -- git clone URL")
    add_org_arguments(parser, json=False)  # git's own output is what it prints
    parser.add_argument("command", nargs=argparse.REMAINDER,
                        help="after --: the command, e.g. git clone https://dev.azure.com/...")
    parser.set_defaults(handler=run)


def git_environment(environ: dict[str, str], entries: dict[str, str]) -> dict[str, str]:
    """``environ`` plus git config ``entries``, after any GIT_CONFIG_COUNT ones already there."""
    count = int(environ.get("GIT_CONFIG_COUNT") or 0)
    env = {**environ, "GIT_CONFIG_COUNT": str(count + len(entries))}
    for n, (key, value) in enumerate(entries.items(), start=count):
        env[f"GIT_CONFIG_KEY_{n}"], env[f"GIT_CONFIG_VALUE_{n}"] = key, value
    return env


def run(args: argparse.Namespace) -> int:
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        raise UsageError("say what to run after --",
                         hint=f"azrepos exec --org {args.org} -- git clone URL")
    program = shutil.which(command[0])
    if program is None:
        raise UsageError(f"{command[0]!r} was not found on PATH", hint="install it, or give a path")
    ctx = OrgContext(args)
    token = os.environ.get(PIPELINE_TOKEN, "").strip()
    if token and not os.environ.get("AZURE_DEVOPS_EXT_PAT"):
        secret = Secret(token)
        authorization = BearerCredential(lambda: secret, PIPELINE_TOKEN).authorization()
    else:
        authorization = ctx.credential.authorization()
    scope = f"http.{ctx.org.url}/"
    entries = {f"{scope}.extraheader": f"Authorization: {authorization}"}
    if ctx.profile.ca_bundle:  # the CA azrepos uses (AZREPOS_CA_BUNDLE, azrepos.caBundle)
        entries[f"{scope}.sslCAInfo"] = ctx.profile.ca_bundle
    env = git_environment(dict(os.environ), entries)
    sys.stdout.flush()
    sys.stderr.flush()
    os.execve(program, command, env)  # noqa: S606 - git owns the process from here
