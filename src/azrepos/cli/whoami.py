"""``azrepos whoami``: who the credential belongs to, and the organization id."""

from __future__ import annotations

import argparse

from .context import OrgContext, add_org_arguments
from .output import emit


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("whoami", help="show who the credential belongs to")
    add_org_arguments(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    ctx = OrgContext.of(args)
    data = ctx.client.connection_data()
    document = {
        "id": data.user.id,
        "display_name": data.user.display_name,
        "descriptor": data.user.descriptor,
        "organization_id": data.organization_id,
        "org_url": ctx.org.url,
        "credential": ctx.client.credential_description,
        "changed": False,
    }
    emit(args.json, document,
         f"{data.user.display_name} ({data.user.id}) in {ctx.org.url} "
         f"[organization {data.organization_id}] via {document['credential']}")
    return 0
