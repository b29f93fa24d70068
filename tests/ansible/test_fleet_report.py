"""playbooks/report.yml: the status of each host gathered into one JSON, CSV and HTML report on
the controller; an unreachable host is listed and the report still written; an unwritable
report_dir fails before any host is contacted. The HTML is opened in a real Chromium."""

from __future__ import annotations

import csv
import json
import socket
import subprocess
import sys
from pathlib import Path

from harness import ensure_collection_link

from tests.ansible.conftest import BIN, REPO_ROOT, ansible_environment
from tests.browser import artifacts, chromium

PAT = "r" * 52


def seed(home: Path) -> None:
    """A developer whose PAT ends in five days, with git's helper set up."""
    code = f"""
from datetime import UTC, datetime, timedelta
from azrepos.git_helper import pat_details
from tests.seed_state import store_pat
store_pat("https://dev.azure.com/contoso", "{PAT}")
ends = datetime.now(UTC) + timedelta(days=5, hours=1)
pat_details.save("https://dev.azure.com/contoso", {{"password_expiry_utc": str(int(ends.timestamp()))}})
"""
    env = {"HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config"), "PATH": "/usr/bin:/bin",
           "AZREPOS_SECRET_STORE": "file", "PYTHONPATH": str(REPO_ROOT)}
    subprocess.run([sys.executable, "-c", code], env=env, check=True)
    subprocess.run(["git", "config", "--global", "credential.https://dev.azure.com/contoso.helper",
                    "git-credential-azrepos"], env=env, check=True)


def run_report(tmp_path: Path, report_dir: Path) -> subprocess.CompletedProcess[str]:
    ensure_collection_link()
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    with socket.socket() as held:  # a port nobody listens on: the host is unreachable
        held.bind(("127.0.0.1", 0))
        port = held.getsockname()[1]
        inventory = tmp_path / "inventory.yml"
        inventory.write_text(json.dumps({"all": {"hosts": {
            "devbox": {"ansible_connection": "local"},
            "asleep": {"ansible_host": "127.0.0.1", "ansible_port": port,
                       "ansible_connection": "ssh"}}}}))
        return subprocess.run(
            [str(BIN / "ansible-playbook"), "-i", str(inventory),
             str(REPO_ROOT / "playbooks" / "report.yml"), "-e", f"report_dir={report_dir}",
             "-e", f"azrepos_status_python={sys.executable}"],
            env=ansible_environment(tmp_path, home, AZREPOS_SECRET_STORE="file",
                                    ANSIBLE_HOST_KEY_CHECKING="False"),
            capture_output=True, text=True, timeout=300, check=False)


def test_the_report_lists_what_expires_and_who_is_unreachable(tmp_path: Path) -> None:
    seed(tmp_path / "home")
    report_dir = tmp_path / "report"
    done = run_report(tmp_path, report_dir)
    assert done.returncode == 0, done.stdout[-3000:]
    document = json.loads((report_dir / "fleet-report.json").read_text())
    rows = {row["host"]: row for row in document["rows"]}
    assert rows["asleep"]["state"] == "unreachable"
    assert rows["asleep"]["problems"] == "unreachable: Connection refused"
    devbox = rows["devbox"]
    assert devbox["org"] == "https://dev.azure.com/contoso" and devbox["days_left"] == 5
    assert devbox["problems"] == "pat-expires-soon"
    assert [r["host"] for r in document["rows"]] == ["asleep", "devbox"]  # most urgent first
    table = list(csv.DictReader((report_dir / "fleet-report.csv").open()))
    assert {r["host"] for r in table} == {"asleep", "devbox"}
    page = (report_dir / "fleet-report.html").read_text()
    assert "<svg" in page and "<script" not in page and "http" not in page.split("<body>")[0]
    for path in report_dir.iterdir():
        assert PAT not in path.read_text()
    assert PAT not in done.stdout + done.stderr

    home = tmp_path / "browser-home"
    home.mkdir()
    with chromium(home) as driver:
        driver.set_window_size(1280, 800)
        driver.get((report_dir / "fleet-report.html").as_uri())
        assert "azrepos fleet report" in driver.title
        driver.save_screenshot(str(artifacts() / "fleet-report-unreachable.png"))


def test_an_unwritable_report_dir_fails_before_any_host_is_contacted(tmp_path: Path) -> None:
    blocked = tmp_path / "blocked"
    blocked.write_text("a file, not a folder")
    done = run_report(tmp_path, blocked / "report")
    assert done.returncode != 0
    assert "cannot write the report into" in done.stdout
    assert "Read the developer's status" not in done.stdout


