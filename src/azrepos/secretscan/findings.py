"""What a detector reports: a place and a kind, never the secret itself."""

from __future__ import annotations

from dataclasses import dataclass

LEGACY_PAT = "Azure DevOps PAT (legacy 52-char)"
CURRENT_PAT = "Azure DevOps PAT (84-char)"
JWT = "Entra ID / JWT access token"
PASSWORD = "password"  # noqa: S105 - the name of a kind, not a password
URL_SUFFIX = " in URL"


@dataclass(frozen=True, slots=True)
class Span:
    """Where a detector matched inside one piece of text (0-based offsets, end exclusive)."""

    start: int
    end: int
    kind: str


@dataclass(frozen=True, slots=True)
class Finding:
    """A secret's location: ``path:line:column`` (both 1-based) and its kind."""

    path: str
    line: int
    column: int
    kind: str

    def to_dict(self) -> dict[str, str | int]:
        return {"path": self.path, "line": self.line, "column": self.column, "kind": self.kind}
