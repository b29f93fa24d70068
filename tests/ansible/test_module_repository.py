"""azrepos.devenv.repository and azrepos.devenv.pull_request through real ansible-playbook runs
against the sandbox: check mode, then for real, then again (changed=false, no REST write)."""

from __future__ import annotations

import base64
import os
import subprocess
from pathlib import Path

from azrepos.git_command import credential_environment

REVIEWER = "dev2@fabrikam.example"  # the sandbox's second user (the PAT is dev1's)


def task(playbooks, module: str, **options: object) -> dict:
    args = {"org_url": playbooks.sandbox.org_url, "ca_bundle": playbooks.sandbox.ca_file,
            "pat": "{{ lookup('ansible.builtin.env', 'SANDBOX_PAT') }}", **options}
    return {"name": "probe", f"azrepos.devenv.{module}": args}


def check_then_real_then_again(playbooks, probe: dict) -> list[dict]:
    """The task in check mode, for real, and for real again; its three results."""
    results = []
    for args in (("--check", "--diff"), (), ()):
        playbooks.clear_requests()
        run = playbooks.run([probe], *args, env=playbooks.pat_env())
        assert run.returncode == 0, run.output
        [result] = run.results()
        result["rest_writes"] = playbooks.writes()
        results.append(result)
        assert playbooks.sandbox.info["pat"] not in run.output
    return results


def push_branch(playbooks, url: str, branch: str, folder: Path) -> None:
    """A branch with one commit, pushed with real git (the PAT travels in the environment)."""
    pat = playbooks.sandbox.info["pat"]
    header = "Basic " + base64.b64encode(f":{pat}".encode()).decode()
    plain = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env = credential_environment({**plain, "GIT_TERMINAL_PROMPT": "0"},
                                 playbooks.sandbox.org_url, header, playbooks.sandbox.ca_file)
    git = ["git", "-C", str(folder)]
    subprocess.run(["git", "clone", "-q", url, str(folder)], env=env, check=True)
    subprocess.run([*git, "checkout", "-q", "-b", branch], check=True)
    (folder / "CODEOWNERS").write_text("* @dev\n")
    subprocess.run([*git, "add", "CODEOWNERS"], check=True)
    subprocess.run([*git, "-c", "user.name=Dev", "-c", "user.email=dev@example.com", "commit",
                    "-qm", "CODEOWNERS"], check=True)
    subprocess.run([*git, "push", "-q", "origin", branch], env=env, check=True)


def test_repository_and_pull_request_modules(playbooks) -> None:
    probe = task(playbooks, "repository", project="Tools", name="ansible-svc",
                 gitignore="Node", license="Apache-2.0")
    check, real, again = check_then_real_then_again(playbooks, probe)
    assert check["changed"] is True and check["outcome"] == "created"
    assert check["rest_writes"] == [] and check["diff"]["before"] == ""
    assert ".gitignore" in check["diff"]["after"]
    assert real["changed"] is True and real["repository"]["defaultBranch"] == "refs/heads/main"
    assert again["changed"] is False and again["outcome"] == "unchanged"
    assert again["rest_writes"] == [] and again["writes"] == 0

    push_branch(playbooks, real["repository"]["remoteUrl"], "onboarding/dev",
                playbooks.root / "clone")
    probe = task(playbooks, "pull_request", project="Tools", repository="ansible-svc",
                 source="onboarding/dev", title="Add dev to CODEOWNERS", reviewers=[REVIEWER])
    check, real, again = check_then_real_then_again(playbooks, probe)
    assert check["changed"] is True and check["pull_request"] is None
    assert check["rest_writes"] == []
    assert real["changed"] is True and real["pull_request"]["reviewers"] == [REVIEWER]
    assert again["changed"] is False and again["rest_writes"] == []
    assert again["pull_request"]["id"] == real["pull_request"]["id"]


def test_absent_needs_confirmation_and_then_deletes(playbooks) -> None:
    made = playbooks.run([task(playbooks, "repository", project="Tools", name="short-lived")],
                         env=playbooks.pat_env())
    assert made.returncode == 0, made.output
    refused = playbooks.run([task(playbooks, "repository", project="Tools", name="short-lived",
                                  state="absent")], env=playbooks.pat_env())
    assert refused.returncode != 0 and "confirm_delete=true" in refused.output
    probe = task(playbooks, "repository", project="Tools", name="short-lived", state="absent",
                 confirm_delete=True)
    check, real, again = check_then_real_then_again(playbooks, probe)
    assert check["changed"] is True and check["rest_writes"] == []
    assert real["changed"] is True and real["outcome"] == "deleted"
    assert again["changed"] is False and again["outcome"] == "absent"
