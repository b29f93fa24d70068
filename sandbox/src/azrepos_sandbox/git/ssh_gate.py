"""sshd's side door into the sandbox's database; runs as a short-lived process.

``keys DB USER FINGERPRINT``: the AuthorizedKeysCommand. Prints every currently valid key
(optionally only the one with sshd's fingerprint), each with a forced ``serve`` command.
Nothing is cached: a revoked or expired key is refused on the next connection.

``serve DB KEYID``: the forced command. Checks the key again, maps
``git-upload-pack 'v3/{org}/{project}/{repo}'`` to the bare repository, and execs git.
"""

from __future__ import annotations

import os
import shlex
import sys
from pathlib import Path

from azrepos_sandbox.seed import ensure_bare_repo
from azrepos_sandbox.store import Store

_SERVICES = ("git-upload-pack", "git-receive-pack")
_KEY_OPTIONS = "no-port-forwarding,no-X11-forwarding,no-agent-forwarding,no-pty"


def _refuse(message: str) -> int:
    print(f"remote: {message}", file=sys.stderr)
    return 1


def forced_command(db_path: Path, authorization_id: str) -> str:
    package_root = Path(__file__).resolve().parents[2]
    return (f"PYTHONPATH={shlex.quote(str(package_root))} {shlex.quote(sys.executable)} "
            f"-m azrepos_sandbox.git.ssh_gate serve {shlex.quote(str(db_path))} "
            f"{shlex.quote(authorization_id)}")


def keys(db_path: Path, fingerprint: str = "") -> int:
    store = Store(db_path)
    try:
        found = (store.keys_with_fingerprint(fingerprint) if fingerprint.startswith("SHA256:")
                 else store.all_keys())
        for key in found:
            # With the policy off in every organization the key is for, SSH refuses it.
            if not key.is_valid() or not any(store.ssh_allowed(org_id)
                                             for org_id in key.target_accounts):
                continue
            command = forced_command(db_path, key.authorization_id).replace('"', '\\"')
            print(f'command="{command}",{_KEY_OPTIONS} {key.public_data}')
    finally:
        store.close()
    return 0


def parse_command(command: str) -> tuple[str, list[str]] | None:
    """(service, [org, project, repo]) from SSH_ORIGINAL_COMMAND, or None if not allowed."""
    try:
        words = shlex.split(command)
    except ValueError:
        return None
    if len(words) != 2 or words[0] not in _SERVICES:
        return None
    parts = words[1].strip("/").split("/")
    if len(parts) != 4 or parts[0] != "v3":
        return None
    names = parts[1:]
    names[2] = names[2].removesuffix(".git")
    if any(not name or name in (".", "..") or name.startswith(".") or "\\" in name
           or "\0" in name for name in names):
        return None
    return words[0], names


def serve(db_path: Path, authorization_id: str) -> int:
    command = os.environ.get("SSH_ORIGINAL_COMMAND", "").strip()
    if not command:
        return _refuse("Shell access is not supported.")
    parsed = parse_command(command)
    if parsed is None:
        return _refuse("Only git-upload-pack and git-receive-pack of "
                       "'v3/{organization}/{project}/{repository}' are supported.")
    service, (org_name, project, repo_name) = parsed
    store = Store(db_path)
    try:
        key = store.key(authorization_id)
        if key is None or not key.is_valid():
            return _refuse("Public key authentication failed: the key was revoked or has "
                           "expired.")
        org = store.org_by_name(org_name)
        if org is None or org.id not in key.target_accounts:
            return _refuse(f"TF401019: The Git repository with name or identifier {repo_name} "
                           "does not exist or you do not have permissions for the operation "
                           "you are attempting.")
        if not store.ssh_allowed(org.id):  # sandbox wording; the service's is undocumented
            return _refuse(f"SSH authentication is disabled for the organization {org.name}.")
        repo = store.repo(org.id, project, repo_name)
    finally:
        store.close()
    if repo is None:
        return _refuse(f"TF401019: The Git repository with name or identifier {repo_name} "
                       "does not exist or you do not have permissions for the operation you "
                       "are attempting.")
    if repo.is_disabled:
        return _refuse(f"TF401019: The repository {repo.name} is disabled; git operations on "
                       "it are refused.")
    repos_root = (db_path.parent / "repos").resolve()
    path = (repos_root / repo.rel_path).resolve()
    if not path.is_relative_to(repos_root):
        return _refuse("Repository path refused.")
    ensure_bare_repo(repos_root, repo.rel_path)
    os.execvp("git", ["git", service.removeprefix("git-"), str(path)])  # noqa: S606
    return 1  # not reached: execvp replaces this process


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) >= 2 and args[0] == "keys":
        fingerprint = args[3] if len(args) >= 4 else ""
        return keys(Path(args[1]), fingerprint)
    if len(args) == 3 and args[0] == "serve":
        return serve(Path(args[1]), args[2])
    print("usage: ssh_gate keys DB [USER FINGERPRINT] | ssh_gate serve DB KEYID",
          file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
