"""Bare repositories on disk, made and read with git plumbing only (there is no work tree)."""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
from collections.abc import Callable
from pathlib import Path

ZERO_ID = "0" * 40  # "no commit": a ref that does not exist yet


def _env(identity: tuple[str, str] | None, extra: dict[str, str] | None) -> dict[str, str]:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "HOME": os.devnull,
        "LC_ALL": "C",
        "GIT_LITERAL_PATHSPECS": "1",  # paths from a request are names, never patterns
    }
    if identity is not None:
        name, email = identity
        env.update(GIT_AUTHOR_NAME=name, GIT_AUTHOR_EMAIL=email,
                   GIT_COMMITTER_NAME=name, GIT_COMMITTER_EMAIL=email)
    env.update(extra or {})
    return env


def run_git(git_dir: Path, *args: str, stdin: str | bytes | None = None,
            identity: tuple[str, str] | None = None, env: dict[str, str] | None = None,
            check: bool = True) -> subprocess.CompletedProcess[bytes]:
    """git in ``git_dir`` with no user or system configuration; ``identity`` is (name, email)
    for the author and committer of commits it makes."""
    payload = stdin.encode() if isinstance(stdin, str) else stdin
    return subprocess.run(["git", "--git-dir", str(git_dir), *args], input=payload,
                          capture_output=True, env=_env(identity, env), check=check,
                          timeout=120)


def git_out(git_dir: Path, *args: str, stdin: str | bytes | None = None,
            identity: tuple[str, str] | None = None, env: dict[str, str] | None = None) -> str:
    """The stripped output of a git command that must succeed."""
    return run_git(git_dir, *args, stdin=stdin, identity=identity, env=env).stdout.decode().strip()


def commit_of(git_dir: Path, rev: str) -> str | None:
    """The commit id ``rev`` (a ref name or an id) names, or None if it names none."""
    result = run_git(git_dir, "rev-parse", "--verify", "--quiet", "--end-of-options",
                     f"{rev}^{{commit}}", check=False)
    if result.returncode != 0:
        return None
    return result.stdout.decode().strip() or None


def branches(git_dir: Path) -> list[str]:
    """The repository's branches, HEAD's first when it names one of them."""
    listed = git_out(git_dir, "for-each-ref", "--format=%(refname)", "refs/heads").split()
    head = run_git(git_dir, "symbolic-ref", "--quiet", "HEAD", check=False).stdout.decode().strip()
    return sorted(listed, key=lambda ref: ref != head)


def build_bare_repo(path: Path, fill: Callable[[Path], None] | None = None) -> None:
    """``git init --bare`` at ``path``, then ``fill(staging_dir)`` before it appears.

    Safe to race: each maker builds in its own staging folder and the first rename wins, so
    a half-made repository is never served."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.partial")
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(["git", "init", "--quiet", "--bare", str(tmp)], check=True,
                   env=_env(None, None))
    try:
        if fill is not None:
            fill(tmp)
        tmp.rename(path)  # last, so a half-made repository is never served
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        if not path.exists():
            raise


def create_empty(path: Path) -> None:
    """A new repository with no commits: it gets its HEAD at the first push."""
    build_bare_repo(path)


def create_fork(parent: Path, path: Path, default_branch: str | None) -> None:
    """A repository holding the parent's branches and tags, its HEAD on the parent's
    default branch. Nothing points back at the parent: a fork is a repository of its own."""

    def fill(tmp: Path) -> None:
        run_git(tmp, "fetch", "--quiet", "--no-tags", str(parent),
                "+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*")
        if default_branch is not None:
            run_git(tmp, "symbolic-ref", "HEAD", default_branch)

    build_bare_repo(path, fill)
