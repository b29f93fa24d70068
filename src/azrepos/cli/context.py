"""What every organization-level command needs: the org, a credential and a client."""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from functools import cached_property

from ..auth.chain import resolve_credential
from ..auth.credentials import Credential
from ..connection import ConnectionProfile, profile_for
from ..rest.client import AzureDevOpsClient
from ..secretstore.base import SecretStore
from ..urls import Organization
from .output import warn


def add_org_url_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--org", required=True, metavar="URL",
                        help="organization URL, e.g. https://dev.azure.com/ORG")
    parser.add_argument("--vssps-url", metavar="URL",
                        help="identity service URL, if not the usual one for --org")


def add_org_arguments(parser: argparse.ArgumentParser, *, json: bool = True) -> None:
    """--org and --vssps-url, --pat-stdin, and --json where the command prints JSON."""
    add_org_url_arguments(parser)
    parser.add_argument("--pat-stdin", action="store_true",
                        help="read a PAT from standard input (AZURE_DEVOPS_EXT_PAT, if set, "
                        "comes first)")
    if json:
        parser.add_argument("--json", action="store_true", help="print one JSON document")


@dataclass
class OrgContext:
    org_url: str
    vssps_url: str | None = None
    pat_stdin: bool = False

    @classmethod
    def of(cls, args: argparse.Namespace) -> OrgContext:
        """From the options of ``add_org_arguments`` (or ``add_org_url_arguments``)."""
        return cls(args.org, args.vssps_url, getattr(args, "pat_stdin", False))

    @cached_property
    def profile(self) -> ConnectionProfile:
        return profile_for(self.org_url, vssps_url=self.vssps_url)

    @property
    def org(self) -> Organization:
        return self.profile.org

    @cached_property
    def store(self) -> SecretStore:
        choice = self.profile.secret_store()
        if choice.warning:
            warn(choice.warning)
        return choice.store

    @cached_property
    def credential(self) -> Credential:
        return resolve_credential(self.profile, pat_stdin=self.pat_stdin, stdin=sys.stdin,
                                  open_store=lambda: self.store)

    @cached_property
    def client(self) -> AzureDevOpsClient:
        return self.profile.client(self.credential)
