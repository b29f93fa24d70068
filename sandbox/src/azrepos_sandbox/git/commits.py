"""Commits made the way the service makes a push's commits: in the bare repository, with a
private index file and plumbing (read-tree, hash-object, update-index, write-tree,
commit-tree), then one compare-and-swap ``update-ref``."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from azrepos_sandbox.git.bare import ZERO_ID, git_out, run_git

ADD, EDIT, DELETE = "add", "edit", "delete"


@dataclass(frozen=True)
class Change:
    kind: str  # ADD, EDIT or DELETE
    path: str  # inside the repository, no leading slash
    content: bytes = b""


class ChangeRefused(Exception):
    """A change that does not fit the tree it applies to (the message says why)."""


def _tracked(git_dir: Path, index: dict[str, str]) -> set[str]:
    listed = git_out(git_dir, "ls-files", "-z", "--cached", env=index)
    return set(filter(None, listed.split("\0")))


def _apply(git_dir: Path, index: dict[str, str], change: Change) -> None:
    tracked = _tracked(git_dir, index)
    present = change.path in tracked
    if change.kind == ADD and present:
        raise ChangeRefused(f"The path '/{change.path}' already exists: use changeType edit.")
    if change.kind in (EDIT, DELETE) and not present:
        raise ChangeRefused(f"The path '/{change.path}' does not exist, so it cannot be "
                            f"{'edited' if change.kind == EDIT else 'deleted'}.")
    if change.kind == ADD:
        # update-index takes a file where a folder is (or the reverse) and writes a broken tree.
        parts = change.path.split("/")
        clash = next((entry for entry in ("/".join(parts[:n]) for n in range(1, len(parts)))
                      if entry in tracked), None)
        if clash is not None or any(entry.startswith(change.path + "/") for entry in tracked):
            raise ChangeRefused(f"The path '/{change.path}' cannot be added: "
                                f"'/{clash or change.path}' is "
                                f"{'a file' if clash else 'a folder'}.")
    if change.kind == DELETE:
        entry = f"0 {ZERO_ID}\t{change.path}\n"  # mode 0 drops the entry
    else:
        blob = git_out(git_dir, "hash-object", "-w", "--stdin", stdin=change.content)
        entry = f"100644 {blob}\t{change.path}\n"
    # --index-info, not --add/--force-remove: those want a work tree, and there is none.
    run_git(git_dir, "update-index", "--index-info", stdin=entry, env=index)


def write_commit(git_dir: Path, parent: str | None, changes: list[Change], message: str,
                 identity: tuple[str, str]) -> str:
    """A new commit (not yet on any ref): ``parent``'s tree with ``changes`` applied."""
    with tempfile.TemporaryDirectory(prefix="sandbox-push-") as tmp:
        index = {"GIT_INDEX_FILE": str(Path(tmp) / "index")}
        run_git(git_dir, "read-tree", *([parent] if parent else ["--empty"]), env=index)
        for change in changes:
            _apply(git_dir, index, change)
        tree = git_out(git_dir, "write-tree", env=index)
    parents = ["-p", parent] if parent else []
    return git_out(git_dir, "commit-tree", tree, *parents, "-m", message, identity=identity)


def move_ref(git_dir: Path, ref: str, new: str, old: str | None) -> bool:
    """Point ``ref`` at ``new`` only if it still points at ``old`` (None: does not exist)."""
    result = run_git(git_dir, "update-ref", ref, new, old or ZERO_ID, check=False)
    return result.returncode == 0


def valid_ref_name(git_dir: Path, ref: str) -> bool:
    return run_git(git_dir, "check-ref-format", ref, check=False).returncode == 0
