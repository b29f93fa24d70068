"""The fleet report's rows: one per host and organization, pull mode's last run beside them,
an unreachable host as one row, the most urgent first."""

from __future__ import annotations

from azrepos.status.report import rows

ORG = "https://dev.azure.com/contoso"


def document(days_left: int | None, pull: dict[str, str] | None = None) -> dict[str, object]:
    return {"problems": [], "pull": pull, "organizations": [{
        "org_url": ORG, "problems": [] if days_left is None or days_left > 30 else ["pat-expires-soon"],
        "credential": {"kind": "pat", "expires_at": None, "days_left": days_left},
        "ssh_key": None}]}


def test_rows_carry_the_last_pull_and_put_the_most_urgent_first() -> None:
    pulled = {"finished_at": "2026-12-04T20:00:00Z", "result": "unchanged"}
    table = rows([
        {"host": "calm", "user": "dev", "status": document(200, pulled)},
        {"host": "soon", "user": "dev", "status": document(3)},
        {"host": "asleep", "user": "dev", "unreachable": True,
         "error": "Failed to connect: ssh: connect to host asleep port 22: Connection refused"},
    ])
    assert [r.host for r in table] == ["asleep", "soon", "calm"]
    assert table[0].state == "unreachable" and table[0].problems == "unreachable: Connection refused"
    assert table[1].problems == "pat-expires-soon" and table[1].last_pull == ""
    assert table[2].last_pull == "2026-12-04T20:00:00Z unchanged" and table[2].state == "ok"
