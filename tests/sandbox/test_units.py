"""Fast tests of the sandbox's pure helpers."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from azrepos_sandbox.git.safe_path import is_safe_path
from azrepos_sandbox.git.ssh_gate import parse_command
from azrepos_sandbox.http_server import BodyError, read_chunked
from azrepos_sandbox.identity.pats import PAT_PATTERN, generate_pat, hash_pat


def test_pat_has_the_current_84_char_format():
    pats = {generate_pat() for _ in range(50)}
    assert len(pats) == 50
    for pat in pats:
        assert len(pat) == 84
        assert PAT_PATTERN.match(pat)
        assert pat[76:80] == "AZDO"
        assert pat[52:58] == "JQQJ99"
        assert pat[72:76] == "AAAS"  # the corrected facts file: real PATs carry AAASAZDO


def test_pat_hash_is_sha256_hex():
    assert hash_pat("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


def test_root_owned_system_dirs_are_safe():
    assert is_safe_path(Path("/"))
    assert is_safe_path(Path("/usr/bin"))


def test_anything_under_tmp_is_unsafe(tmp_path: Path):
    # /tmp is world-writable (sticky or not), so sshd refuses every path below it.
    inner = tmp_path / "bin"
    inner.mkdir(mode=0o755)
    assert not is_safe_path(inner)


def test_missing_path_is_unsafe():
    assert not is_safe_path(Path("/nonexistent/azrepos/bin"))


def test_group_writable_dir_is_unsafe_even_in_a_safe_tree():
    base = Path.home() / ".cache" / "azrepos-test-safe-path"
    base.mkdir(parents=True, exist_ok=True)
    try:
        base.chmod(0o755)
        if not is_safe_path(base):
            pytest.skip("home directory itself is not safe here")
        child = base / "child"
        child.mkdir(exist_ok=True)
        child.chmod(0o775)
        assert not is_safe_path(child)
        child.chmod(0o755)
        assert is_safe_path(child)
        base.chmod(0o757)
        assert not is_safe_path(child)
    finally:
        base.chmod(0o755)
        for path in sorted(base.rglob("*"), reverse=True):
            path.rmdir()
        base.rmdir()


def test_symlink_is_judged_by_its_target(tmp_path: Path):
    link = Path.home() / ".azrepos-test-link"
    if link.exists() or link.is_symlink():
        link.unlink()
    os.symlink(tmp_path, link)
    try:
        assert not is_safe_path(link)
    finally:
        link.unlink()


@pytest.mark.parametrize("command, expected", [
    ("git-upload-pack 'v3/fabrikam/Fabrikam/hello'",
     ("git-upload-pack", ["fabrikam", "Fabrikam", "hello"])),
    ("git-upload-pack '/v3/fabrikam/Fabrikam/hello'",
     ("git-upload-pack", ["fabrikam", "Fabrikam", "hello"])),
    ("git-receive-pack v3/fabrikam/Fabrikam/hello.git",
     ("git-receive-pack", ["fabrikam", "Fabrikam", "hello"])),
    ("git-upload-pack 'v3/fabrikam/My Project/hello'",
     ("git-upload-pack", ["fabrikam", "My Project", "hello"])),
])
def test_parse_command_accepts_git_services(command, expected):
    assert parse_command(command) == expected


@pytest.mark.parametrize("command", [
    "ls -la",
    "git-upload-archive 'v3/fabrikam/Fabrikam/hello'",
    "git-upload-pack 'v3/fabrikam/../hello'",
    "git-upload-pack 'v3/fabrikam/Fabrikam/..'",
    "git-upload-pack 'v3/fabrikam/Fabrikam/hello/extra'",
    "git-upload-pack 'v2/fabrikam/Fabrikam/hello'",
    "git-upload-pack 'v3/fabrikam//hello'",
    "git-upload-pack 'v3/fabrikam/Fabrikam/hello' extra",
    "git-upload-pack 'unbalanced",
    "git-upload-pack 'v3/fabrikam/Fabrikam/hello'; rm -rf /",
])
def test_parse_command_refuses_everything_else(command):
    assert parse_command(command) is None


def test_read_chunked_joins_chunks_and_skips_trailers():
    raw = b"5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nX-Trailer: 1\r\n\r\n"
    assert read_chunked(io.BytesIO(raw)) == b"hello world"


def test_read_chunked_refuses_garbage():
    with pytest.raises(BodyError):
        read_chunked(io.BytesIO(b"zz\r\nhello\r\n"))
    with pytest.raises(BodyError):
        read_chunked(io.BytesIO(b"10\r\nshort"))
