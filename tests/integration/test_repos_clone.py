"""``azrepos repos list`` and ``azrepos clone`` against the sandbox, with real git and sshd.

The sandbox's catalogue: Fabrikam (hello, its fork hello-fork, the disabled archived),
Platform (120 repositories, more than two pages) and Tools (cli, docs).
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
from pathlib import Path

import pytest

from tests.integration.conftest import BIN, User

TOTAL_REPOS = 125  # 3 in Fabrikam, 120 in Platform, 2 in Tools


def listing(user: User, *extra: str) -> dict:
    done = user.azrepos("repos", "list", "--org", user.org, "--json", *extra, check=True)
    return json.loads(done.stdout)


def clone(user: User, *extra: str) -> tuple[int, dict, str]:
    done = user.azrepos("clone", "--org", user.org, "--dest", str(user.home / "src"), "--json",
                        *extra)
    return done.returncode, json.loads(done.stdout) if done.stdout.strip() else {}, done.stderr


@pytest.fixture
def https_user(pat_user: User) -> User:
    """Signed in with the PAT, git's helper configured, and a git on PATH that records its
    arguments before running the real one (to prove no credential reaches argv)."""
    pat_user.azrepos("login", "--org", pat_user.org, "--pat-stdin",
                     stdin=pat_user.sandbox.info["pat"] + "\n", check=True)
    pat_user.azrepos("configure-git", "--org", pat_user.org, check=True)
    wrapper_dir = pat_user.home / "bin"
    wrapper_dir.mkdir()
    wrapper = wrapper_dir / "git"
    wrapper.write_text(f'#!/bin/sh\nprintf "%s\\n" "$*" >> {pat_user.home}/git-argv.log\n'
                       'exec /usr/bin/git "$@"\n')
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IXUSR)
    pat_user.env["PATH"] = f"{wrapper_dir}:{pat_user.env['PATH']}"
    return pat_user


def assert_no_secret_in(user: User, root: Path) -> None:
    pat = user.sandbox.info["pat"]
    for path in root.rglob("*"):
        if path.is_file() and path.name in ("config", "FETCH_HEAD", "packed-refs"):
            assert pat not in path.read_text(errors="replace"), path
    for config in root.glob("*/*/.git/config"):
        remote = user.git("config", "-f", str(config), "--get", "remote.origin.url").stdout
        assert "@" not in remote.split("//", 1)[-1].split("/", 1)[0] or "azrepos-" in remote
    argv_log = user.home / "git-argv.log"
    if argv_log.exists():
        assert pat not in argv_log.read_text()
    assert all(pat not in text for text in user.transcript)


def test_list_pages_through_every_repository(pat_user: User) -> None:
    pat_user.sandbox.admin("DELETE", "/_sandbox/requests")
    everything = listing(pat_user)
    assert everything["count"] == TOTAL_REPOS
    platform = [r for r in everything["repositories"] if r["project"] == "Platform"]
    assert len(platform) == 120
    assert len({r["name"] for r in platform}) == 120
    pages = [e for e in pat_user.sandbox.admin("GET", "/_sandbox/requests")["value"]
             if e["path"].endswith("/_apis/git/repositories")]
    assert len(pages) == 3  # 125 repositories at the sandbox's 50 a page
    only = listing(pat_user, "--project", "Platform")
    assert only["count"] == 120


def test_list_json_fields_fork_and_disabled(pat_user: User) -> None:
    repos = {r["name"]: r for r in listing(pat_user, "--project", "Fabrikam")["repositories"]}
    assert set(repos) == {"hello", "hello-fork", "archived"}
    for field in ("project", "name", "remoteUrl", "sshUrl", "webUrl", "defaultBranch",
                  "isDisabled"):
        assert field in repos["hello"]
    assert repos["hello"]["defaultBranch"] == "refs/heads/main"
    assert repos["hello"]["remoteUrl"].endswith("/fabrikam/Fabrikam/_git/hello")
    assert repos["hello"]["sshUrl"].endswith("/v3/fabrikam/Fabrikam/hello")
    assert repos["hello-fork"]["isFork"] is True
    assert repos["hello-fork"]["parentRepository"] == "Fabrikam/hello"
    assert repos["hello"]["isFork"] is False
    assert repos["archived"]["isDisabled"] is True
    assert repos["hello"]["isDisabled"] is False


def test_list_text_has_one_line_per_repository(pat_user: User) -> None:
    done = pat_user.azrepos("repos", "list", "--org", pat_user.org, "--project", "Fabrikam",
                            check=True)
    lines = done.stdout.splitlines()
    assert len(lines) == 3
    assert "Fabrikam/hello  main  8192" in lines
    assert any(line.startswith("Fabrikam/archived") and "(disabled)" in line for line in lines)
    assert any("(fork of Fabrikam/hello)" in line for line in lines)


def test_list_by_pattern(pat_user: User) -> None:
    found = listing(pat_user, "--match", "PLATFORM/service-11?", "--match", "*fork")
    names = [f"{r['project']}/{r['name']}" for r in found["repositories"]]
    assert names == ["Fabrikam/hello-fork"] + [f"Platform/service-11{i}" for i in range(10)]


def test_unknown_project_is_a_clear_error(pat_user: User) -> None:
    done = pat_user.azrepos("repos", "list", "--org", pat_user.org, "--project", "Nope")
    assert done.returncode == 1
    assert "project 'Nope' not found" in done.stderr
    assert "fix: " in done.stderr
    cloned = pat_user.azrepos("clone", "--org", pat_user.org, "--project", "Nope", "--all",
                              "--dest", str(pat_user.home / "src"))
    assert cloned.returncode == 1
    assert not (pat_user.home / "src").exists()


def test_missing_code_scope_names_vso_code(user: User) -> None:
    narrow = user.sandbox.admin("POST", "/_sandbox/pats", {"scopes": ["vso.profile"]})["pat"]
    done = user.azrepos("repos", "list", "--org", user.org,
                        env={"AZURE_DEVOPS_EXT_PAT": narrow})
    assert done.returncode == 1
    assert "vso.code" in done.stderr and "fix: " in done.stderr
    assert narrow not in done.stderr


def test_a_403_fault_on_the_list_names_vso_code(pat_user: User) -> None:
    pat_user.sandbox.admin("POST", "/_sandbox/faults", {
        "method": "GET", "path_contains": "/_apis/git/repositories", "status": 403})
    try:
        done = pat_user.azrepos("repos", "list", "--org", pat_user.org)
    finally:
        pat_user.sandbox.admin("DELETE", "/_sandbox/faults")
    assert done.returncode == 1
    assert "vso.code" in done.stderr


def test_clone_over_https_then_again_changes_nothing(https_user: User) -> None:
    user = https_user
    code, first, err = clone(user, "--project", "Tools", "--all", "--transport", "https")
    assert code == 0, err
    assert first["changed"] is True and first["transport"] == "https"
    assert [(r["name"], r["status"]) for r in first["results"]] == [
        ("cli", "cloned"), ("docs", "cloned")]
    assert (user.home / "src" / "Tools" / "cli" / "README.md").exists()
    assert "Tools/cli: cloned (https)" in err
    remote = user.git("-C", str(user.home / "src" / "Tools" / "cli"), "remote", "get-url",
                      "origin").stdout.strip()
    assert remote == f"{user.org}/Tools/_git/cli"
    code, second, err = clone(user, "--project", "Tools", "--all", "--transport", "https")
    assert code == 0, err
    assert second["changed"] is False
    assert {r["status"] for r in second["results"]} == {"unchanged"}
    assert_no_secret_in(user, user.home / "src")
    assert sorted(p.name for p in (user.home / "src" / "Tools").iterdir()) == ["cli", "docs"]


def test_patterns_pick_repositories_and_skip_disabled_ones(https_user: User) -> None:
    code, done, err = clone(https_user, "--match", "FABRIKAM/*", "--match", "hello",
                            "--transport", "https")
    assert code == 0, err
    assert [(r["project"], r["name"], r["status"]) for r in done["results"]] == [
        ("Fabrikam", "hello", "cloned"), ("Fabrikam", "hello-fork", "cloned")]
    assert done["skipped"] == ["Fabrikam/archived"]
    assert "Fabrikam/archived: skipped: disabled" in err
    assert not (https_user.home / "src" / "Fabrikam" / "archived").exists()


def test_update_fetches_new_commits(https_user: User) -> None:
    user = https_user
    assert clone(user, "--repo", "Tools/docs", "--transport", "https")[0] == 0
    code, again, _ = clone(user, "--repo", "Tools/docs", "--transport", "https", "--update")
    assert code == 0 and again["results"][0]["status"] == "unchanged"
    # Someone else pushes a commit.
    other = user.home / "other"
    user.git("clone", "--quiet", f"{user.org}/Tools/_git/docs", str(other), check=True)
    (other / "NEW.md").write_text("new\n")
    user.git("-C", str(other), "add", "NEW.md", check=True)
    user.git("-C", str(other), "-c", "user.name=Dev", "-c", "user.email=dev@example.invalid",
             "commit", "-qm", "new", check=True)
    user.git("-C", str(other), "push", "-q", "origin", "HEAD", check=True)
    code, fetched, err = clone(user, "--repo", "Tools/docs", "--transport", "https",
                               "--update")
    assert code == 0, err
    assert fetched["results"][0]["status"] == "fetched" and fetched["changed"] is True
    code, last, _ = clone(user, "--repo", "Tools/docs", "--transport", "https", "--update")
    assert code == 0 and last["changed"] is False


def test_clone_over_ssh_through_the_host_alias(pat_user: User) -> None:
    user = pat_user
    user.azrepos("ssh-key", "add", "--org", user.org, "--bits", "2048", *user.ssh_args(),
                 check=True)
    code, result, err = clone(user, "--project", "Fabrikam", "--all", "--jobs", "2")
    assert code == 0, err
    assert result["transport"] == "ssh"  # auto: a key is registered
    assert sorted(r["name"] for r in result["results"]) == ["hello", "hello-fork"]
    assert result["skipped"] == ["Fabrikam/archived"]
    assert "Fabrikam/archived: skipped: disabled" in err
    remote = user.git("-C", str(user.home / "src" / "Fabrikam" / "hello"), "remote",
                      "get-url", "origin").stdout.strip()
    assert remote == "azrepos-fabrikam:v3/fabrikam/Fabrikam/hello"
    assert (user.home / "src" / "Fabrikam" / "hello-fork" / "README.md").exists()
    code, again, _ = clone(user, "--project", "Fabrikam", "--all")
    assert code == 0 and again["changed"] is False
    assert_no_secret_in(user, user.home / "src")
    # The service refuses git on a disabled repository, over SSH as over HTTPS.
    refused = user.git("ls-remote", "azrepos-fabrikam:v3/fabrikam/Fabrikam/archived")
    assert refused.returncode != 0 and "is disabled" in refused.stderr


def test_disabled_repository_refuses_git_over_https(https_user: User) -> None:
    refused = https_user.git("ls-remote", f"{https_user.org}/Fabrikam/_git/archived")
    assert refused.returncode != 0 and "403" in refused.stderr


def test_one_failure_is_reported_and_the_rest_go_on(https_user: User) -> None:
    user = https_user
    squatter = user.home / "src" / "Tools" / "docs"
    squatter.mkdir(parents=True)
    (squatter / "notes.txt").write_text("mine\n")
    code, result, err = clone(user, "--project", "Tools", "--all")
    assert code == 1
    assert result["transport"] == "https"  # auto, and no SSH key registered here
    by_name = {r["name"]: r for r in result["results"]}
    assert by_name["cli"]["status"] == "cloned"
    assert by_name["docs"]["status"] == "failed"
    assert "is not a clone of Tools/docs" in by_name["docs"]["error"]
    assert "Tools/docs: failed" in err and "fix: move it away" in err
    assert (squatter / "notes.txt").read_text() == "mine\n"  # left as it was
    assert sorted(os.listdir(squatter.parent)) == ["cli", "docs"]


def test_a_clone_of_another_repository_is_not_taken_for_this_one(https_user: User) -> None:
    user = https_user
    target = user.home / "src" / "Tools" / "cli"
    user.git("clone", "--quiet", f"{user.org}/Platform/_git/service-077", str(target),
             check=True)
    code, result, _ = clone(user, "--repo", "Tools/cli", "--transport", "https")
    assert code == 1
    assert "is not a clone of Tools/cli" in result["results"][0]["error"]


@pytest.mark.parametrize("given", ["AZURE_DEVOPS_EXT_PAT", "--pat-stdin", "entra"])
def test_clone_uses_the_listing_credential_without_a_helper(user: User, given: str) -> None:
    """No helper configured: git gets the credential that listed (a PAT, or an Entra token),
    through its environment only."""
    pat = user.sandbox.info["pat"]
    wrapper_dir = user.home / "bin"
    wrapper_dir.mkdir()
    (wrapper_dir / "git").write_text(f'#!/bin/sh\nprintf "%s\\n" "$*" >> {user.home}/git-argv.log\n'
                                     'exec /usr/bin/git "$@"\n')
    (wrapper_dir / "git").chmod(0o755)
    user.env["PATH"] = f"{wrapper_dir}:{user.env['PATH']}"
    if given == "entra":
        assert user.login_device_code().returncode == 0
        done = user.azrepos("clone", "--org", user.org, "--dest", str(user.home / "src"),
                            "--json", "--repo", "Tools/cli", "--transport", "https")
    elif given == "--pat-stdin":
        done = user.azrepos("clone", "--org", user.org, "--dest", str(user.home / "src"),
                            "--json", "--repo", "Tools/cli", "--transport", "https",
                            "--pat-stdin", stdin=pat + "\n")
    else:
        user.env[given] = pat
        done = user.azrepos("clone", "--org", user.org, "--dest", str(user.home / "src"),
                            "--json", "--repo", "Tools/cli", "--transport", "https")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["results"][0]["status"] == "cloned"
    assert (user.home / "src/Tools/cli/.git").is_dir()
    for path in user.home.rglob("*"):  # nothing on disk holds it: not git's config, not a store
        if path.is_file() and not path.is_symlink():
            assert pat not in path.read_text(errors="replace"), path


def test_failed_clone_leaves_nothing_behind(pat_user: User) -> None:
    # git itself refuses HTTPS here, so the clone fails after the listing worked.
    user = pat_user
    user.env.update({"GIT_CONFIG_COUNT": "1", "GIT_CONFIG_KEY_0": "protocol.https.allow",
                     "GIT_CONFIG_VALUE_0": "never"})
    code, result, err = clone(user, "--repo", "Tools/cli", "--transport", "https")
    assert code == 1
    assert result["results"][0]["status"] == "failed"
    assert "fix: " in err
    assert os.listdir(user.home / "src" / "Tools") == []


def test_disabled_repository_by_name_is_refused(pat_user: User) -> None:
    done = pat_user.azrepos("clone", "--org", pat_user.org, "--repo", "archived",
                            "--dest", str(pat_user.home / "src"))
    assert done.returncode == 2
    assert "Fabrikam/archived is disabled" in done.stderr and "fix: " in done.stderr
    assert not (pat_user.home / "src").exists()


@pytest.mark.parametrize(("args", "message"), [
    ((), "say which repositories to clone"),
    (("--all", "--repo", "cli"), "not both"),
    (("--all", "--jobs", "0"), "--jobs must be at least 1"),
    (("--all", "--transport", "ssh"), "no SSH key is registered"),
    (("--repo", "no-such-repo"), "no repository named 'no-such-repo'"),
    (("--match", "zz*"), "no repository matches 'zz*'"),
    (("--all", "--match", "c*"), "not both"),
])
def test_bad_clone_input(pat_user: User, args: tuple[str, ...], message: str) -> None:
    done = pat_user.azrepos("clone", "--org", pat_user.org, "--project", "Tools",
                            "--dest", str(pat_user.home / "src"), *args)
    assert done.returncode == 2, done.stderr
    assert message in done.stderr and "fix: " in done.stderr
    assert not (pat_user.home / "src").exists()


def test_overlapping_runs_both_succeed(https_user: User) -> None:
    user = https_user
    argv = [str(BIN / "azrepos"), "clone", "--org", user.org, "--project", "Tools", "--all",
            "--dest", str(user.home / "src"), "--json"]
    runs = [subprocess.Popen(argv, env=user.env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True) for _ in range(3)]
    outputs = [run.communicate(timeout=300) for run in runs]
    assert [run.returncode for run in runs] == [0, 0, 0], outputs
    statuses = [r["status"] for out, _ in outputs for r in json.loads(out)["results"]]
    assert statuses.count("cloned") == 2 and set(statuses) <= {"cloned", "unchanged"}
    for name in ("cli", "docs"):
        assert (user.home / "src" / "Tools" / name / "README.md").exists()
    assert sorted(os.listdir(user.home / "src" / "Tools")) == ["cli", "docs"]
