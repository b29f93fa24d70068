"""Pushes - Create: real commits in the bare repository (``git.commits``), so a clone sees
them. One ref update per push; a stale ``oldObjectId`` is refused with 409 TF402424."""

from __future__ import annotations

import base64
import binascii
import re
from pathlib import Path
from typing import Any

from azrepos_sandbox.git.bare import ZERO_ID, branches, commit_of, run_git
from azrepos_sandbox.git.commits import (
    ADD,
    DELETE,
    EDIT,
    Change,
    ChangeRefused,
    move_ref,
    valid_ref_name,
    write_commit,
)
from azrepos_sandbox.http_types import Response, json_response, tf_error
from azrepos_sandbox.identity.identities import identity_ref
from azrepos_sandbox.projects.api import repo_json
from azrepos_sandbox.repositories.context import CODE_WRITE, GitCall, bad_request
from azrepos_sandbox.store import Repo, Store, utc_now
from azrepos_sandbox.wire_time import to_wire

_OBJECT_ID = re.compile(r"^[0-9a-fA-F]{40}$")


def stale_ref(ref: str, old: str, current: str | None) -> Response:
    # Sandbox wording around the service's code.
    return tf_error(409, f"TF402424: The ref {ref} was updated by another push: its tip is "
                    f"{current or 'absent (no such branch)'}, not {old}. Read the ref again "
                    "and push on top of its tip.", "GitReferenceStaleException")


def _path(item: Any) -> str | None:
    path = item.get("path") if isinstance(item, dict) else None
    if not isinstance(path, str):
        return None
    parts = path.strip("/").split("/")
    if any(part in ("", ".", "..") or part.lower() == ".git" for part in parts):
        return None
    return "/".join(parts)


def _content(change: dict[str, Any]) -> bytes | str:
    """The new content's bytes, or the reason it cannot be read."""
    new = change.get("newContent")
    if not isinstance(new, dict) or not isinstance(new.get("content"), str):
        return "newContent with content and contentType is required for add and edit."
    kind = str(new.get("contentType", "rawtext")).lower()
    if kind == "rawtext":
        return str(new["content"]).encode()
    if kind == "base64encoded":
        try:
            return base64.b64decode(new["content"], validate=True)
        except binascii.Error:
            return "newContent.content is not valid base64."
    return f"contentType '{new.get('contentType')}' is not supported: use rawtext or base64encoded."


def _changes(commit: Any) -> list[Change] | Response:
    changes = commit.get("changes") if isinstance(commit, dict) else None
    if not isinstance(changes, list) or not changes:
        return bad_request("Each commit needs a list of changes.")
    parsed = []
    for change in changes:
        kind = str(change.get("changeType", "")).lower() if isinstance(change, dict) else ""
        if kind not in (ADD, EDIT, DELETE):
            return bad_request(f"changeType '{kind}' is not supported: use add, edit or delete.")
        path = _path(change.get("item"))
        if path is None:
            return bad_request("item.path must name a file, such as /README.md.")
        content = b"" if kind == DELETE else _content(change)
        if isinstance(content, str):
            return bad_request(content)
        parsed.append(Change(kind, path, content))
    return parsed


def _ref_update(body: dict[str, Any]) -> tuple[str, str] | Response:
    updates = body.get("refUpdates")
    if not isinstance(updates, list) or len(updates) != 1 or not isinstance(updates[0], dict):
        return bad_request("Give exactly one refUpdates entry: {name, oldObjectId}.")
    ref, old = updates[0].get("name"), updates[0].get("oldObjectId")
    if not isinstance(ref, str) or not ref.startswith("refs/heads/"):
        return bad_request("refUpdates[0].name must be a branch, such as refs/heads/main.")
    if not isinstance(old, str) or not _OBJECT_ID.match(old):
        return bad_request("refUpdates[0].oldObjectId must be a 40-character commit id "
                           f"({ZERO_ID} for a new branch).")
    return ref, old.lower()


def create_push(call: GitCall, project: str | None, repo_ref: str) -> Response:
    body = call.write_body(CODE_WRITE)
    if isinstance(body, Response):
        return body
    repo = call.repo(project, repo_ref)
    if isinstance(repo, Response):
        return repo
    if repo.is_disabled:
        return tf_error(403, f"TF401019: The repository {repo.name} is disabled; pushes to it "
                        "are refused.", "GitRepositoryDisabledException")
    update = _ref_update(body)
    if isinstance(update, Response):
        return update
    ref, old = update
    commits = body.get("commits")
    if not isinstance(commits, list) or not commits:
        return bad_request("Give at least one commit.")
    git_dir = call.git_dir(repo)
    if not valid_ref_name(git_dir, ref):
        return bad_request(f"'{ref}' is not a valid ref name.")
    current = commit_of(git_dir, ref)
    # An existing branch must still be at oldObjectId. A new one starts at oldObjectId when
    # that is a commit here (the service's way to branch), or with no parent at all zeros.
    if current is not None:
        if current != old:
            return stale_ref(ref, old, current)
        base: str | None = current
    elif old == ZERO_ID:
        base = None
    else:
        base = commit_of(git_dir, old)
        if base is None:
            return stale_ref(ref, old, current)
    made: list[tuple[str, str]] = []
    tip = base
    for commit in commits:
        changes = _changes(commit)
        if isinstance(changes, Response):
            return changes
        comment = str(commit.get("comment") or "")
        try:
            tip = write_commit(git_dir, tip, changes, comment, call.author)
        except ChangeRefused as exc:
            return bad_request(str(exc))
        made.append((tip, comment))
    assert tip is not None  # at least one commit was made
    if not move_ref(git_dir, ref, tip, current):
        return stale_ref(ref, old, commit_of(git_dir, ref))  # another push won the race
    repo = settle_default_branch(call.store, git_dir, repo)
    return json_response(201, _push_json(call, repo, ref, old, made))


def settle_default_branch(store: Store, git_dir: Path, repo: Repo) -> Repo:
    """A repository without a default branch takes its first pushed one (through this API or
    git), which becomes its HEAD too."""
    if repo.default_branch is not None:
        return repo
    pushed = branches(git_dir)
    if not pushed:
        return repo
    store.set_default_branch(repo.id, pushed[0])
    updated = store.repo_by_id(repo.id) or repo
    if updated.default_branch is not None:
        run_git(git_dir, "symbolic-ref", "HEAD", updated.default_branch)
    return updated


def _push_json(call: GitCall, repo: Repo, ref: str, old: str, made: list[tuple[str, str]]
               ) -> dict[str, Any]:
    now = to_wire(utc_now().replace(microsecond=0))
    push_id = call.store.add_push(repo.id, call.principal.user.id)
    repository = repo_json(call.store, call.listing, call.org, repo)
    name, email = call.author
    person = {"name": name, "email": email, "date": now}
    return {
        "commits": [{"commitId": commit_id, "comment": comment, "author": person,
                     "committer": person, "url": f"{repository['url']}/commits/{commit_id}"}
                    for commit_id, comment in made],
        "refUpdates": [{"repositoryId": repo.id, "name": ref, "oldObjectId": old,
                        "newObjectId": made[-1][0]}],
        "repository": repository,
        "pushedBy": identity_ref(call.listing.base_url, call.org, call.principal.user),
        "pushId": push_id,
        "date": now,
        "url": f"{repository['url']}/pushes/{push_id}",
    }
