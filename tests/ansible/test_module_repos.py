"""azrepos.devenv.repos_info through real ansible-playbook runs against the sandbox."""

from __future__ import annotations


def repos_task(playbooks, *, name: str = "probe", pat: str | None = None, **options) -> dict:
    args = {"org_url": playbooks.sandbox.org_url, "ca_bundle": playbooks.sandbox.ca_file,
            "pat": pat or "{{ lookup('ansible.builtin.env', 'SANDBOX_PAT') }}", **options}
    return {"name": name, "azrepos.devenv.repos_info": args,
            "vars": {"ansible_python_interpreter": "{{ ansible_playbook_python }}"}}


def test_lists_every_page_and_flags_fork_and_disabled(playbooks):
    run = playbooks.run([repos_task(playbooks)], env=playbooks.pat_env())
    assert run.returncode == 0, run.output
    [result] = run.results()
    assert result["changed"] is False
    assert result["count"] == 125
    assert result["calls"] == {"list repositories": 3}  # 50 a page in the sandbox
    by_name = {r["name"]: r for r in result["repositories"]}
    assert by_name["hello-fork"]["isFork"] is True
    assert by_name["hello-fork"]["parentRepository"] == "Fabrikam/hello"
    assert result["disabled"] == ["Fabrikam/archived"]
    assert "archived" not in {r["name"] for r in result["enabled"]}
    assert playbooks.sandbox.info["pat"] not in run.output


def test_project_and_pattern_in_check_mode(playbooks):
    task = repos_task(playbooks, project="Platform", name_pattern="platform/SERVICE-11*")
    run = playbooks.run([task], "--check", env=playbooks.pat_env())
    assert run.returncode == 0, run.output
    [result] = run.results()
    assert [r["name"] for r in result["repositories"]] == [
        "service-110", "service-111", "service-112", "service-113", "service-114",
        "service-115", "service-116", "service-117", "service-118", "service-119"]
    assert result["changed"] is False


def test_unknown_project_and_missing_scope_fail_clearly(playbooks):
    run = playbooks.run([repos_task(playbooks, project="Nope")], env=playbooks.pat_env())
    assert run.returncode != 0
    [result] = run.results()
    assert "project 'Nope' not found" in result["msg"]
    narrow = playbooks.sandbox.admin("POST", "/_sandbox/pats", {"scopes": ["vso.profile"]})["pat"]
    run = playbooks.run([repos_task(playbooks, pat=narrow)])
    assert run.returncode != 0
    [result] = run.results()
    assert "vso.code" in result["msg"] and result["status"] == 403


def test_the_old_name_redirects_to_repos_info(playbooks):
    """Playbooks written for azrepos.devenv.repos keep working (meta/runtime.yml redirect)."""
    task = repos_task(playbooks)
    task["azrepos.devenv.repos"] = task.pop("azrepos.devenv.repos_info")
    run = playbooks.run([task], env=playbooks.pat_env())
    assert run.returncode == 0, run.output
    [result] = run.results()
    assert result["changed"] is False and result["count"] == 125
