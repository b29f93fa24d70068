"""The shipped .gitignore templates and licence texts: lookups, close matches, placeholders."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from azrepos.errors import UsageError
from azrepos.onboarding import starter_files

DATA = Path(starter_files.__file__).parent / "starter_data"
SOURCES = (DATA / "SOURCES.md").read_text()


def shipped(folder: str) -> list[Path]:
    return sorted(p for p in (DATA / folder).iterdir() if p.is_file())


def test_every_shipped_file_is_named_in_sources_and_nothing_else_is() -> None:
    files = {f"{p.parent.name}/{p.name}" for folder in ("gitignore", "licenses") for p in shipped(folder)}
    named = set(re.findall(r"^\| `((?:gitignore|licenses)/[^`]+)`", SOURCES, re.MULTILINE))
    assert files == named
    assert len(files) >= 40


def test_sources_hashes_match_the_files() -> None:
    # SOURCES.md is written with the files; a hand edit of either shows up here.
    for path, digest in re.findall(r"^\| `(licenses/[^`]+)` \| [^|]+ \| `([0-9a-f]{64})` \|$", SOURCES,
                                   re.MULTILINE):
        assert hashlib.sha256((DATA / path).read_bytes()).hexdigest() == digest, path
    for path, blob in re.findall(r"^\| `(gitignore/[^`]+)` \| [^|]+ \| `([0-9a-f]{40})` \|$", SOURCES,
                                 re.MULTILINE):
        data = (DATA / path).read_bytes()
        assert hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest() == blob, path


@pytest.mark.parametrize("name", starter_files.gitignore_names())
def test_every_gitignore_is_non_empty_text(name: str) -> None:
    text = starter_files.gitignore_text(name)
    assert text.strip()
    assert text == (DATA / "gitignore" / f"{name}.gitignore").read_bytes().decode()


@pytest.mark.parametrize("spdx_id", starter_files.license_ids())
def test_every_license_is_non_empty_text_ending_in_a_newline(spdx_id: str) -> None:
    text = starter_files.license_text(spdx_id)
    assert text.strip()
    assert text.endswith("\n") and not text.endswith("\n\n")
    assert text == (DATA / "licenses" / f"{spdx_id}.txt").read_bytes().decode()


def test_the_names_the_issue_promises_are_there() -> None:
    assert {"Python", "Node", "VisualStudio", "Go", "Java", "macOS", "Windows"} <= set(
        starter_files.gitignore_names())
    assert {"MIT", "Apache-2.0", "BSD-3-Clause", "GPL-3.0-only", "MPL-2.0", "ISC"} <= set(
        starter_files.license_ids())


@pytest.mark.parametrize(("typed", "name"), [("python", "Python"), ("PYTHON", "Python"),
                                             ("visualstudio", "VisualStudio"), ("macos", "macOS"),
                                             ("c++", "C++"), (" Node ", "Node")])
def test_gitignore_lookup_ignores_case(typed: str, name: str) -> None:
    assert starter_files.gitignore_text(typed) == starter_files.gitignore_text(name)


@pytest.mark.parametrize(("typed", "spdx_id"), [("mit", "MIT"), ("apache-2.0", "Apache-2.0"),
                                                ("gpl-3.0-ONLY", "GPL-3.0-only"), ("0bsd", "0BSD")])
def test_license_lookup_ignores_case(typed: str, spdx_id: str) -> None:
    assert starter_files.license_text(typed) == starter_files.license_text(spdx_id)


def test_unknown_gitignore_lists_close_matches() -> None:
    with pytest.raises(UsageError) as caught:
        starter_files.gitignore_text("Pyhton")
    assert caught.value.message == 'unknown .gitignore template "Pyhton"'
    assert caught.value.hint is not None
    assert "did you mean Python?" in caught.value.hint
    assert "azrepos repos starter-files shows all" in caught.value.hint


def test_unknown_gitignore_without_close_matches_still_says_how_to_list() -> None:
    with pytest.raises(UsageError) as caught:
        starter_files.gitignore_text("zzzzzz")
    count = len(starter_files.gitignore_names())
    assert caught.value.hint == f"azrepos repos starter-files shows all {count}"


@pytest.mark.parametrize(("typed", "expected"), [("Apache", ["Apache-2.0"]),
                                                 ("gpl", ["GPL-2.0-only", "GPL-3.0-only"]),
                                                 ("MIT-1", ["MIT-0", "MIT"])])
def test_unknown_license_lists_close_matches(typed: str, expected: list[str]) -> None:
    with pytest.raises(UsageError) as caught:
        starter_files.license_text(typed)
    assert caught.value.message == f'unknown licence "{typed}"'
    assert caught.value.hint is not None
    suggested = caught.value.hint.removeprefix("did you mean ").split("?")[0].split(", ")
    assert suggested[: len(expected)] == expected
    assert "azrepos repos starter-files shows all" in caught.value.hint


def changed_lines(before: str, after: str) -> list[tuple[str, str]]:
    a, b = before.splitlines(keepends=True), after.splitlines(keepends=True)
    assert len(a) == len(b)
    return [(x, y) for x, y in zip(a, b, strict=True) if x != y]


def test_mit_fills_year_and_holder_and_nothing_else() -> None:
    plain = starter_files.license_text("MIT")
    filled = starter_files.license_text("MIT", year=2026, holder="Contoso Ltd")
    assert changed_lines(plain, filled) == [("Copyright (c) <year> <copyright holders>\n",
                                             "Copyright (c) 2026 Contoso Ltd\n")]


def test_apache_fills_its_appendix_notice_and_nothing_else() -> None:
    plain = starter_files.license_text("Apache-2.0")
    filled = starter_files.license_text("apache-2.0", year=2026, holder="Contoso Ltd")
    assert changed_lines(plain, filled) == [("Copyright [yyyy] [name of copyright owner]\n",
                                             "Copyright 2026 Contoso Ltd\n")]


def test_only_what_is_given_is_filled() -> None:
    year_only = starter_files.license_text("MIT", year=2026)
    assert "Copyright (c) 2026 <copyright holders>\n" in year_only
    holder_only = starter_files.license_text("MIT", holder="Contoso")
    assert "Copyright (c) <year> Contoso\n" in holder_only


def test_a_holder_is_taken_literally() -> None:
    filled = starter_files.license_text("MIT", year=2026, holder=r"A\1 & \g<0>")
    assert "Copyright (c) 2026 A\\1 & \\g<0>\n" in filled


def test_gnu_licences_keep_their_how_to_apply_appendix() -> None:
    for spdx_id in ("GPL-3.0-only", "LGPL-3.0-only", "AGPL-3.0-only", "GPL-2.0-only"):
        assert starter_files.license_text(spdx_id, year=2026, holder="Contoso") == (
            starter_files.license_text(spdx_id))


def test_isc_example_notice_is_replaced_by_the_holders() -> None:
    plain = starter_files.license_text("ISC")
    filled = starter_files.license_text("ISC", year=2026, holder="Contoso Ltd")
    assert "Internet Systems Consortium" in plain
    assert "Internet Systems Consortium" not in filled
    assert filled.startswith("ISC License:\n\nCopyright (c) 2026 Contoso Ltd\n\nPermission to use")
    assert filled.endswith(plain[plain.index("\n\nPermission to use") + 2:])
