"""File handling: binary files, encodings, very long lines and big files, directories."""

from __future__ import annotations

import os
import tracemalloc
from pathlib import Path
from unittest import mock

from hypothesis import given, settings
from hypothesis import strategies as st

from azrepos.secretscan import scan_file, scan_paths, scan_text, scanner
from azrepos.secretscan.findings import CURRENT_PAT, JWT, LEGACY_PAT
from tests.hooks.conftest import current_pat, jwt, legacy_pat

PAT = current_pat()


def test_binary_files_are_skipped(tmp_path: Path) -> None:
    path = tmp_path / "blob.bin"
    path.write_bytes(b"\x00\x01\x02 header\n" + f"PAT={PAT}\n".encode())
    assert scan_file(path) == []


def test_invalid_utf8_is_still_scanned(tmp_path: Path) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes("caf\xe9 = 1\n".encode("latin-1") + f"token: {PAT}\n".encode())
    assert [(f.line, f.column, f.kind) for f in scan_file(path)] == [(2, 8, CURRENT_PAT)]


def test_big_file_with_one_huge_line_in_bounded_memory(tmp_path: Path) -> None:
    path = tmp_path / "minified.js"
    filler = "var a=b.c(d,e);" * 1000  # 15,000 characters, none of them secret
    size = 0
    positions = []
    with path.open("w") as out:
        for _ in range(800):  # 12 MB on a single line
            out.write(filler)
            size += len(filler)
            positions.append(size + 2)  # 1-based column after the leading "'"
            out.write(f"'{PAT}';")
            size += len(PAT) + 3
    # Smaller windows than the default, so that the bound below is far from the file's size.
    with mock.patch.multiple(scanner, CHUNK_BYTES=1 << 16, OVERLAP=1 << 14, CONTEXT=512):
        tracemalloc.start()
        try:
            findings = scan_file(path)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert [f.column for f in findings] == positions
    assert {f.line for f in findings} == {1}
    assert peak < 1 << 20, f"peak {peak} bytes for a {path.stat().st_size} byte file"


def test_many_lines(tmp_path: Path) -> None:
    path = tmp_path / "log.txt"
    with path.open("w") as out:
        for i in range(100_000):
            out.write(f"{i}: GET /api/items?page={i} 200 OK\n")
        out.write(f"Authorization: Bearer {jwt()}\n")
    assert [(f.line, f.kind) for f in scan_file(path)] == [(100_001, JWT)]


# Pieces of one long line: ordinary text and secrets in their usual context.
_SECRETS = [f"PAT={legacy_pat()}", f"x='{current_pat()}'", f"Bearer {jwt(claims=2)}",
            f"https://org:{legacy_pat()}@dev.azure.com/org/p/_git/r"]
_piece = st.one_of(st.text(alphabet="abc xyz.,;=:-\n", max_size=900), st.sampled_from(_SECRETS))


@settings(max_examples=150, deadline=None)
@given(st.lists(_piece, max_size=12))
def test_window_boundaries_change_nothing(pieces: list[str]) -> None:
    text = " ".join(pieces)
    whole = scan_text(text)  # default windows: every line here fits in one
    small = {"CHUNK_BYTES": 700, "OVERLAP": 1500, "CONTEXT": 100}
    with mock.patch.multiple(scanner, **small):
        windowed = scan_text(text)
    assert windowed == whole
    assert len(whole) == sum(p in _SECRETS for p in pieces)


def test_directories_recurse_but_skip_git_and_links(tmp_path: Path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / ".git").mkdir()
    (tmp_path / "a" / "b" / "deep.env").write_text(f"AZURE_DEVOPS_EXT_PAT={legacy_pat()}\n")
    (tmp_path / ".git" / "config").write_text(f"token = {PAT}\n")
    (tmp_path / "link.txt").symlink_to(tmp_path / ".git" / "config")
    (tmp_path / "dirlink").symlink_to(tmp_path / ".git")
    result = scan_paths([tmp_path, tmp_path / "link.txt", tmp_path / "missing.txt"])
    assert [(Path(f.path).name, f.kind) for f in result.findings] == [("deep.env", LEGACY_PAT)]
    assert result.errors == [(os.fspath(tmp_path / "missing.txt"), "No such file or directory")]
    assert result.files == 1
