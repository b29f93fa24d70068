"""Git remotes whose URL embeds a credential, and rewriting them to the clean URL.

Remote URLs are read through a pipe and never printed. A fix puts only clean URLs on git's
command line: argv is visible to every user through ``ps``.
"""

from __future__ import annotations

import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import groupby

from ..errors import AzreposError, UsageError
from .scanner import scan_text
from .url_credentials import clean_url, credential_kind, split_url

_REMOTE_KEYS = r"^remote\..*\.(url|pushurl)$"
_HEADER_KEYS = r"^http\.(.*\.)?extraheader$"  # seed 001: "Authorization: Basic <base64>"
FIXABLE_SCOPE = "local"  # what `git remote set-url` writes; other scopes are left to the user


@dataclass(frozen=True)
class _Entry:
    scope: str
    remote: str
    key: str  # "url" or "pushurl"
    value: str = field(repr=False)  # may hold the secret


@dataclass(frozen=True)
class RemoteFinding:
    """A remote URL holding a credential. Names where it is, never what it is."""

    remote: str
    key: str
    scope: str
    kind: str
    fixed: bool = False

    def to_dict(self) -> dict[str, str | bool]:
        return {"remote": self.remote, "key": self.key, "scope": self.scope, "kind": self.kind,
                "fixed": self.fixed}


def _git(args: Sequence[str], cwd: str | None, *, ok: tuple[int, ...] = (0,)) -> str:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise AzreposError("git is not installed", hint="install git and try again") from None
    if done.returncode not in ok:
        # git's stderr may echo a URL, so only the command (never a value) is reported.
        raise AzreposError(f"git {args[0]} failed (exit {done.returncode})",
                           hint="run `git remote -v` to see what git makes of this repository")
    return done.stdout


def _entries(cwd: str | None) -> list[_Entry]:
    try:
        inside = subprocess.run(["git", "rev-parse", "--git-dir"], cwd=cwd, capture_output=True,
                                check=False).returncode == 0
    except FileNotFoundError:
        raise AzreposError("git is not installed", hint="install git and try again") from None
    if not inside:
        raise UsageError("not inside a git repository", hint="run this from a clone's work tree")
    # -z: values may hold anything; exit 1 just means no remote has a URL.
    out = _git(["config", "-z", "--show-scope", "--get-regexp", _REMOTE_KEYS], cwd, ok=(0, 1))
    fields = out.split("\0")
    entries = []
    for scope, record in zip(fields[0::2], fields[1::2], strict=False):
        name, _, value = record.partition("\n")
        remote, _, key = name.partition(".")[2].rpartition(".")  # remote names may contain dots
        entries.append(_Entry(scope, remote, key.lower(), value))
    return entries


def _header_findings(cwd: str | None) -> list[RemoteFinding]:
    """Tokens in http.extraheader values (plain or base64 in a Basic header); never fixed."""
    out = _git(["config", "-z", "--show-scope", "--get-regexp", _HEADER_KEYS], cwd, ok=(0, 1))
    fields = out.split("\0")
    findings = []
    for scope, record in zip(fields[0::2], fields[1::2], strict=False):
        name, _, value = record.partition("\n")
        section = _clean(name.partition(".")[2].rpartition(".")[0]) or "*"
        findings.extend(RemoteFinding(f"http.{section}", "extraheader", scope, finding.kind)
                        for finding in scan_text(value))
    return findings


def _kind(value: str) -> str | None:
    parts = split_url(value)
    return credential_kind(parts.userinfo) if parts and parts.userinfo else None


def _clean(value: str) -> str:
    parts = split_url(value)
    return clean_url(parts) if parts else value


def _rewrite(remote: str, key: str, values: list[str], cwd: str | None) -> None:
    """Replace every local value of remote.<remote>.<key> with its clean form, in order."""
    clean = [_clean(value) for value in values]
    if len(values) == 1:
        push = ["--push"] if key == "pushurl" else []
        _git(["remote", "set-url", *push, "--", remote, clean[0]], cwd)
        return
    # `git remote set-url` refuses a multi-valued URL unless given the old URL (the secret)
    # as a pattern; unset-all and add back the clean values instead.
    name = f"remote.{remote}.{key}"
    _git(["config", "--local", "--unset-all", name], cwd)
    for value in clean:
        _git(["config", "--local", "--add", name, value], cwd)


def check_remotes(*, fix: bool = False, cwd: str | None = None) -> list[RemoteFinding]:
    """Remote URLs holding a credential; with ``fix``, local ones are rewritten clean first."""
    findings = []
    entries = _entries(cwd)
    by_name = sorted(entries, key=lambda e: (e.scope, e.remote, e.key))
    for (scope, remote, key), group in groupby(by_name, key=lambda e: (e.scope, e.remote, e.key)):
        values = [entry.value for entry in group]
        kinds = [kind for kind in map(_kind, values) if kind]
        fixed = False
        if kinds and fix and scope == FIXABLE_SCOPE:
            _rewrite(remote, key, values, cwd)
            fixed = True
        findings.extend(RemoteFinding(remote, key, scope, kind, fixed) for kind in kinds)
    return findings + _header_findings(cwd)
