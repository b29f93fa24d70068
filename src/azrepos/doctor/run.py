"""Runs the checks in order, skipping what an earlier failure makes pointless."""

from __future__ import annotations

from pathlib import Path

from ..connection import profile_of
from ..errors import UsageError
from ..urls import parse_org_url, parse_repo_url
from . import checks
from .result import FAIL, SKIP, Check, Report


def diagnose(url: str, *, org_url: str | None = None, key_path: Path | None = None,
             home: Path | None = None) -> Report:
    report = Report(url)
    try:
        ref = parse_repo_url(url)
        org = parse_org_url(org_url) if org_url else ref.org
    except UsageError as exc:
        report.add(Check("URL", FAIL, exc.message, exc.hint))
        return report
    ctx = checks.Context(ref, profile_of(org), home or Path.home(), key_path)
    if not org_url and ref.transport == "ssh" and org.kind == "server":
        ctx.notes["org_guessed"] = "yes"
    report.add(checks.url_check(ctx))
    if report.add(checks.tls_check(ctx)).status == FAIL:
        report.add(Check("REST auth", SKIP, "needs DNS and TLS first"))
        return report
    report.add(checks.credential_check(ctx))
    report.add(checks.rest_check(ctx))
    if ref.transport == "https":
        if ref.repo:
            report.add(checks.ls_remote_check(ctx))
        report.add(checks.gitconfig_check(ctx))
    else:
        for check in checks.ssh_checks(ctx):
            report.add(check)
    return report
