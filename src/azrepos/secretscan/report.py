"""Turns findings into what the hooks and ``azrepos`` print: text, a JSON document, an exit code.

Findings hold no secret text, so nothing rendered here can leak one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .allowlist import MARKER
from .findings import Finding
from .remotes import RemoteFinding
from .scanner import ScanResult

FILE_HINT = ("fix: delete the secret and revoke it (it may already be exposed), then read it from the "
             f"environment or a secret store; for a fake or test value, end the line with '# {MARKER}'")
REMOTE_HINT = ("fix: run 'azrepos check-remotes --fix' (or 'git remote set-url NAME URL' without the "
               "credential), revoke the credential, and let a credential helper supply it "
               "('azrepos configure-git')")


@dataclass(frozen=True)
class Report:
    text: str
    document: dict[str, Any]
    exit_code: int  # 0 clean, 1 secrets found (and not fixed), 2 could not check
    clean: bool  # nothing found: hooks stay quiet, as pre-commit hooks do on success


def finding_line(finding: Finding) -> str:
    return f"{finding.path}:{finding.line}:{finding.column}: {finding.kind}"


def scan_report(result: ScanResult) -> Report:
    lines = [finding_line(f) for f in result.findings]
    lines += [f"{path}: cannot read: {reason}" for path, reason in result.errors]
    if result.findings:
        lines.append(FILE_HINT)
        code = 1
    else:
        code = 2 if result.errors else 0
    if not lines:
        lines.append(f"no secrets found in {result.files} file(s)")
    document = {
        "findings": [f.to_dict() for f in result.findings],
        "errors": [{"path": path, "reason": reason} for path, reason in result.errors],
        "files": result.files,
        "changed": False,
    }
    return Report("\n".join(lines), document, code, clean=not (result.findings or result.errors))


def _remote_line(finding: RemoteFinding) -> str:
    where = f"remote '{finding.remote}' {finding.key}"
    if finding.fixed:
        return f"{where}: {finding.kind}: fixed, the URL no longer holds it (revoke it all the same)"
    if finding.scope != "local":
        return f"{where}: {finding.kind}: set in the {finding.scope} git config; edit it there"
    return f"{where}: {finding.kind}"


def remotes_report(findings: list[RemoteFinding]) -> Report:
    unfixed = [f for f in findings if not f.fixed]
    lines = [_remote_line(f) for f in findings] or ["no remote URL holds a credential"]
    if unfixed:
        lines.append(REMOTE_HINT)
    document = {"remotes": [f.to_dict() for f in findings], "changed": any(f.fixed for f in findings)}
    return Report("\n".join(lines), document, 1 if unfixed else 0, clean=not findings)
