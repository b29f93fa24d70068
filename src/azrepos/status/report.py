"""The fleet report: every machine's status document (or why there is none) as one JSON file,
a CSV and a self-contained HTML page (inline CSS, an inline SVG chart of what expires each
week), most urgent first. Nothing secret is in a status document, so none is in the report."""

from __future__ import annotations

import csv
import html
import io
import json
import tempfile
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from ..fileio import write_atomic
from ..rest.models import format_time, parse_time

FILES = ("fleet-report.json", "fleet-report.csv", "fleet-report.html")
WEEKS = 16  # the chart's horizon: past the 90 days a new SSH key is valid


@dataclass(frozen=True)
class Row:
    host: str
    user: str
    org: str
    state: str  # ok, problem, unreachable, failed
    credential: str
    credential_expires: str
    key_expires: str
    days_left: int | None  # the sooner of the two, for sorting
    last_pull: str  # pull mode's last run: its end and result
    problems: str


def check_writable(report_dir: Path) -> None:
    """Fail before any host is contacted when the report cannot be written."""
    try:
        report_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=report_dir, prefix=".probe-"):
            pass
    except OSError as exc:
        raise ConfigError(f"cannot write the report into {report_dir} ({exc.strerror or exc})",
                          hint="choose a report_dir the controller's user can write") from None


def _sooner(*days: int | None) -> int | None:
    known = [d for d in days if d is not None]
    return min(known) if known else None


def rows(hosts: list[dict[str, Any]]) -> list[Row]:
    """One row per host and organization; a host with no document gets one row saying why."""
    found = []
    for entry in hosts:
        host, user, document = str(entry["host"]), str(entry.get("user") or ""), entry.get(
            "status")
        if not isinstance(document, dict):
            state = "unreachable" if entry.get("unreachable") else "failed"
            reason = str(entry.get("error") or "").strip().splitlines()
            why = reason[0].rsplit(": ", 1)[-1][:120] if reason else "no answer"
            found.append(Row(host, user, "", state, "", "", "", None, "", f"{state}: {why}"))
            continue
        machine_problems = list(document.get("problems") or [])
        pulled = document.get("pull") or {}
        last_pull = " ".join(str(pulled[k]) for k in ("finished_at", "result") if pulled.get(k))
        for org in document.get("organizations") or []:
            credential, key = org.get("credential") or {}, org.get("ssh_key") or {}
            problems = [*org.get("problems", []), *machine_problems]
            found.append(Row(
                host, user, str(org.get("org_url") or org.get("org") or ""),
                "problem" if problems else "ok", str(credential.get("kind") or "none"),
                str(credential.get("expires_at") or ""), str(key.get("valid_to") or ""),
                _sooner(credential.get("days_left"), key.get("days_left")), last_pull,
                ", ".join(problems)))
        if not document.get("organizations"):
            found.append(Row(host, user, "", "problem" if machine_problems else "ok", "none",
                             "", "", None, last_pull,
                             ", ".join(machine_problems or ["not set up"])))
    rank = {"unreachable": 0, "failed": 0, "problem": 1, "ok": 2}
    return sorted(found, key=lambda r: (rank[r.state], r.days_left if r.days_left is not None
                                        else 10**6, r.host, r.org))


def _csv(table: list[Row]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([f for f in Row.__dataclass_fields__])
    for row in table:
        writer.writerow(["" if v is None else v for v in asdict(row).values()])
    return out.getvalue()


def _expiries_per_week(table: list[Row], now: datetime) -> list[int]:
    counts = [0] * WEEKS
    for row in table:
        for stamp in (row.credential_expires, row.key_expires):
            if not stamp:
                continue
            try:
                moment = parse_time(stamp)
            except ValueError:
                continue
            if moment is None:
                continue
            week = (moment - now) // timedelta(weeks=1)
            if 0 <= week < WEEKS:
                counts[week] += 1
    return counts


def _chart(counts: list[int]) -> str:
    width, height, bar = 600, 160, 600 // WEEKS
    top = max(counts) or 1
    bars = []
    for n, count in enumerate(counts):
        tall = int((height - 45) * count / top)
        x = n * bar
        bars.append(f'<rect x="{x + 4}" y="{height - 20 - tall}" width="{bar - 8}" '
                    f'height="{tall}" fill="{"#c0392b" if n < 2 else "#2e86c1"}"/>'
                    f'<text x="{x + bar // 2}" y="{height - 5}" text-anchor="middle">'
                    f"w{n + 1}</text>"
                    + (f'<text x="{x + bar // 2}" y="{height - 24 - tall}" '
                       f'text-anchor="middle">{count}</text>' if count else ""))
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
            f'width="{width}" height="{height}" role="img" aria-label="expiries per week">'
            f'{"".join(bars)}</svg>')


def _html(table: list[Row], now: datetime) -> str:
    counts = _expiries_per_week(table, now)
    head = "".join(f"<th>{html.escape(name.replace('_', ' '))}</th>"
                   for name in Row.__dataclass_fields__)
    body = "".join(
        f'<tr class="{row.state}">' + "".join(
            f"<td>{html.escape('' if v is None else str(v))}</td>" for v in asdict(row).values())
        + "</tr>" for row in table)
    summary = {state: sum(r.state == state for r in table)
               for state in ("unreachable", "failed", "problem", "ok")}
    return (
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        "<title>azrepos fleet report</title><style>"
        "body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;width:100%}"
        "th,td{border:1px solid #ccc;padding:.3em .5em;text-align:left;font-size:.9em}"
        "th{background:#eee}tr.unreachable td,tr.failed td{background:#fadbd8}"
        "tr.problem td{background:#fdebd0}svg text{font-size:11px}</style></head><body>"
        f"<h1>azrepos fleet report</h1><p>Generated {html.escape(now.strftime('%Y-%m-%d %H:%M UTC'))}"
        f" &middot; {len({r.host for r in table})} hosts &middot; "
        + ", ".join(f"{n} {s}" for s, n in summary.items())
        + f"</p><h2>What expires, week by week</h2>{_chart(counts)}"
        f"<h2>Hosts, most urgent first</h2><table><thead><tr>{head}</tr></thead>"
        f"<tbody>{body}</tbody></table></body></html>\n")


def write(report_dir: Path, hosts: list[dict[str, Any]], now: datetime | None = None,
          *, check_mode: bool = False) -> dict[str, Any]:
    """Write the three files (each atomically); what changed and where they are."""
    moment = now or datetime.now(UTC)
    check_writable(report_dir)
    table = rows(hosts)
    texts = {
        FILES[0]: json.dumps({"generated_at": format_time(moment),
                              "hosts": hosts, "rows": [asdict(r) for r in table]},
                             indent=1, sort_keys=True) + "\n",
        FILES[1]: _csv(table),
        FILES[2]: _html(table, moment),
    }
    changed = []
    for name, text in texts.items():
        path = report_dir / name
        if path.exists() and path.read_text(encoding="utf-8") == text:
            continue
        changed.append(name)
        if not check_mode:
            write_atomic(path, text, mode=0o644)
    return {"changed": bool(changed), "written": changed,
            "paths": [str(report_dir / name) for name in FILES],
            "hosts": len({r.host for r in table}),
            "unreachable_hosts": sorted({r.host for r in table if r.state == "unreachable"}),
            "problems": sum(r.state != "ok" for r in table)}


__all__ = ["FILES", "Row", "check_writable", "rows", "write"]
