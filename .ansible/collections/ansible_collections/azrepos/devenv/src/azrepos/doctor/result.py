"""One check's outcome, and the report they make together."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

PASS, FAIL, WARN, SKIP = "pass", "fail", "warn", "skip"
MARKS = {PASS: "✔", FAIL: "✘", WARN: "!", SKIP: "-"}


@dataclass(frozen=True)
class Check:
    name: str
    status: str
    detail: str
    fix: str | None = None


@dataclass
class Report:
    url: str
    checks: list[Check] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(c.status != FAIL for c in self.checks)

    def add(self, check: Check) -> Check:
        self.checks.append(check)
        return check

    def to_json(self) -> dict[str, Any]:
        return {"url": self.url, "ok": self.ok, "changed": False,
                "checks": [asdict(c) for c in self.checks]}

    def to_text(self) -> str:
        lines = [f"azrepos doctor {self.url}"]
        width = max((len(c.name) for c in self.checks), default=0)
        for check in self.checks:
            lines.append(f"{MARKS[check.status]} {check.name:<{width}}  {check.detail}")
            if check.fix and check.status in (FAIL, WARN):
                lines.append(f"  {'':<{width}}  fix: {check.fix}")
        lines.append("all needed checks passed" if self.ok else "some checks failed")
        return "\n".join(lines)
