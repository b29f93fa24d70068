"""The repos role turns each selection into one `azrepos clone --json` run and takes changed
from the core's answer (the cloning itself is the core's, tested in tests/integration and by
the Molecule scenario onboarding)."""

from __future__ import annotations

import getpass
import stat
from pathlib import Path

FAKE_AZREPOS = """#!/bin/sh
printf '%s\\n' "$@" > "$(dirname "$0")/argv.$$"
echo "$HOME" > "$(dirname "$0")/home.$$"
printf '{"changed": %s, "failed": 0, "results": [{"name": "r", "status": "%s"}]}\\n' \\
  "$FAKE_CHANGED" "$FAKE_STATUS"
exit "$FAKE_RC"
"""


def _fake_cli(tmp_path: Path) -> Path:
    folder = tmp_path / "bin"
    folder.mkdir()
    cli = folder / "azrepos"
    cli.write_text(FAKE_AZREPOS)
    cli.chmod(cli.stat().st_mode | stat.S_IXUSR)
    return cli


def _role_task(cli: Path, home: Path, **variables: object) -> dict:
    return {"name": "probe", "ansible.builtin.include_role": {"name": "azrepos.devenv.repos"},
            "vars": {"repos_azrepos_bin": str(cli), "repos_home": str(home),
                     "repos_user": getpass.getuser(),
                     "ansible_facts": {"user_id": getpass.getuser()}, **variables}}


def _argvs(cli: Path) -> list[list[str]]:
    files = sorted(cli.parent.glob("argv.*"), key=lambda p: p.stat().st_mtime_ns)
    return [p.read_text().splitlines() for p in files]


def test_each_selection_is_one_clone_run_as_the_developer(playbooks, tmp_path):
    cli = _fake_cli(tmp_path)
    home = tmp_path / "dev"
    home.mkdir()
    org = "https://dev.azure.com/contoso"
    selections = [{"project": "Tools", "all": True},
                  {"repos": ["Web/site", "api"], "transport": "https", "update": False,
                   "dest": str(tmp_path / "work")},
                  {"match": ["svc-*", "Web/*"], "repos": ["api"]}]
    run = playbooks.run([_role_task(cli, home, repos_org_url=org, repos_update=True,
                                    repos_clone=selections)], json_output=False,
                        env={"FAKE_CHANGED": "false", "FAKE_STATUS": "unchanged", "FAKE_RC": "0"})
    assert run.returncode == 0, run.output
    assert "changed=0" in run.stdout
    first, second, third = _argvs(cli)
    assert first == ["clone", "--org", org, "--dest", f"{home}/src", "--transport", "auto",
                     "--jobs", "4", "--json", "--project", "Tools", "--all", "--update"]
    assert second == ["clone", "--org", org, "--dest", str(tmp_path / "work"), "--transport",
                      "https", "--jobs", "4", "--json", "--repo=Web/site", "--repo=api"]
    assert third == ["clone", "--org", org, "--dest", f"{home}/src", "--transport", "auto",
                     "--jobs", "4", "--json", "--repo=api", "--match=svc-*", "--match=Web/*",
                     "--update"]
    assert {p.read_text().strip() for p in cli.parent.glob("home.*")} == {str(home)}


def test_changed_and_failed_come_from_the_core(playbooks, tmp_path):
    cli = _fake_cli(tmp_path)
    home = tmp_path / "dev"
    home.mkdir()
    task = _role_task(cli, home, repos_org_url="https://dev.azure.com/c",
                      repos_clone=[{"repos": ["x"]}])
    cloned = playbooks.run([task], json_output=False,
                           env={"FAKE_CHANGED": "true", "FAKE_STATUS": "cloned", "FAKE_RC": "0"})
    assert cloned.returncode == 0, cloned.output
    assert "changed=1" in cloned.stdout
    failed = playbooks.run([task], json_output=False,
                           env={"FAKE_CHANGED": "false", "FAKE_STATUS": "failed", "FAKE_RC": "1"})
    assert failed.returncode != 0
    assert "failed=1" in failed.stdout


def test_nothing_runs_without_a_selection(playbooks, tmp_path):
    cli = _fake_cli(tmp_path)
    run = playbooks.run([_role_task(cli, tmp_path)], json_output=False)
    assert run.returncode == 0, run.output
    assert not _argvs(cli)
