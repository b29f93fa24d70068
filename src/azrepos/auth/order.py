"""The order in which every face picks an organization's credential (light: hot path).

What this run was given comes before what this machine saved, and an Entra sign-in before a
saved PAT (PATs are being retired, and a token is short-lived and scoped):

1. ``AZURE_DEVOPS_EXT_PAT`` (a module's ``token``/``pat`` option before it);
2. ``--pat-stdin``;
3. ``SYSTEM_ACCESSTOKEN`` (Azure Pipelines, mapped with ``env:``), as a Bearer token;
4. the Entra sign-in made with ``azrepos login`` (a cached token, else a silent refresh);
5. the PAT saved with ``azrepos login --pat-stdin`` or by git through the helper;
6. the credential helper alone, on a terminal: a new interactive sign-in.

``auth.chain`` walks it for the CLI, ``exec``, ``clone``, ``doctor`` and the modules; the
helper's fast path and full helper walk the same steps (``git_helper``).
"""

from __future__ import annotations

import os

PAT_ENV = "AZURE_DEVOPS_EXT_PAT"
PIPELINE_TOKEN_ENV = "SYSTEM_ACCESSTOKEN"  # noqa: S105 - a variable's name

# (kind, what it is) in order, for messages, doctor and the README's table.
ORDER = (
    ("environment", PAT_ENV),
    ("standard input", "--pat-stdin"),
    ("environment", PIPELINE_TOKEN_ENV),
    ("saved", "Entra sign-in"),
    ("saved", "stored PAT"),
    ("helper only", "interactive sign-in"),
)


def environment_pat() -> str | None:
    return os.environ.get(PAT_ENV, "").strip() or None


def pipeline_token() -> str | None:
    return os.environ.get(PIPELINE_TOKEN_ENV, "").strip() or None
