"""The .gitignore templates and licence texts a new repository can start with.

They ship as package data in ``starter_data/`` (github/gitignore's templates and the SPDX
License List's texts, copied out of registry packages by scripts/update-starter-files;
``starter_data/SOURCES.md`` says from which). Nothing is fetched at run time.
"""

from __future__ import annotations

import difflib
import re
from functools import cache
from importlib.resources import files
from importlib.resources.abc import Traversable

from ..errors import UsageError

_DATA = files("azrepos.onboarding") / "starter_data"
_GITIGNORE, _LICENSE = ".gitignore", ".txt"

# The copyright-line placeholders of the shipped SPDX texts, by the spelling each licence
# uses. The GNU licences' "<year>  <name of author>" is left out on purpose: it is in their
# "How to Apply" appendix, a sample for file headers, not the licence's own notice.
_YEAR = re.compile(r"<year>|\[yyyy\]|<YEAR>|\bYEAR\b")
_HOLDER = re.compile(r"<copyright holders>|<owner>|\[name of copyright owner\]|<COPYRIGHT HOLDER>"
                     r"|\bAUTHOR EMAIL\b")
# SPDX's ISC text carries ISC's own notice as its example (SPDX's template marks it a
# replaceable field), so there the holder's notice replaces it instead of filling blanks.
_EXAMPLE_NOTICE = frozenset({"isc"})


def gitignore_names() -> list[str]:
    """The template names, as github/gitignore spells them (Python, Node, VisualStudio, ...)."""
    return sorted(_index(_GITIGNORE).values(), key=str.casefold)


def license_ids() -> list[str]:
    """The SPDX ids of the shipped licence texts (MIT, Apache-2.0, ...)."""
    return sorted(_index(_LICENSE).values(), key=str.casefold)


def gitignore_text(name: str) -> str:
    """The github/gitignore template ``name`` (any case), byte-for-byte."""
    found = _lookup(_GITIGNORE, name, what=".gitignore template")
    return _read("gitignore", found + _GITIGNORE)


def license_text(spdx_id: str, *, year: int | None = None, holder: str | None = None) -> str:
    """The SPDX text of ``spdx_id`` (any case); ``year`` and ``holder`` fill its copyright line.

    Only the copyright line's placeholders change (``<year>``/``<copyright holders>`` in MIT,
    ``[yyyy]``/``[name of copyright owner]`` in Apache-2.0, ...); a licence without one, such as
    MPL-2.0 or the GNU ones, comes back as shipped.
    """
    found = _lookup(_LICENSE, spdx_id, what="licence")
    text = _read("licenses", found + _LICENSE)
    if year is None and not holder:
        return text
    lines = text.splitlines(keepends=True)
    if found.casefold() in _EXAMPLE_NOTICE and holder:
        return "".join(_replace_example_notice(lines, year, holder))
    return "".join(_fill(line, year, holder) if _is_notice(line) else line for line in lines)


def _is_notice(line: str) -> bool:
    # A notice line names both: "Copyright (c) <year> <copyright holders>".
    return line.lstrip().startswith("Copyright") and bool(_YEAR.search(line) and _HOLDER.search(line))


def _fill(line: str, year: int | None, holder: str | None) -> str:
    if year is not None:
        line = _YEAR.sub(str(year), line)
    if holder:
        # A function, so a holder's backslashes stay text, not group references.
        line = _HOLDER.sub(lambda _: holder, line)
    return line


def _replace_example_notice(lines: list[str], year: int | None, holder: str) -> list[str]:
    # The first run of "Copyright ..." lines is the example; one notice of ours takes its place.
    start = next(i for i, line in enumerate(lines) if line.startswith("Copyright"))
    end = start
    while end < len(lines) and lines[end].startswith("Copyright"):
        end += 1
    notice = f"Copyright (c) {year} {holder}\n" if year is not None else f"Copyright (c) {holder}\n"
    return [*lines[:start], notice, *lines[end:]]


def _lookup(suffix: str, name: str, *, what: str) -> str:
    index = _index(suffix)
    key = name.strip().casefold()
    if key in index:
        return index[key]
    # Names that start with what was typed ("gpl" -> GPL-2.0-only, ...), then the spelling-alike.
    starts = sorted(k for k in index if len(key) >= 2 and k.startswith(key))
    close = dict.fromkeys([*starts, *difflib.get_close_matches(key, list(index), n=5, cutoff=0.6)])
    shown = ", ".join(index[c] for c in list(close)[:5])
    hint = f"did you mean {shown}? " if shown else ""
    raise UsageError(f'unknown {what} "{name}"',
                     hint=f"{hint}azrepos repos starter-files shows all {len(index)}")


@cache
def _index(suffix: str) -> dict[str, str]:
    # Case-folded name -> the file's own spelling, so "python" finds Python.gitignore.
    folder = _DATA / ("gitignore" if suffix == _GITIGNORE else "licenses")
    return {entry.name[: -len(suffix)].casefold(): entry.name[: -len(suffix)]
            for entry in folder.iterdir() if _is_data(entry, suffix)}


def _is_data(entry: Traversable, suffix: str) -> bool:
    return entry.is_file() and entry.name.endswith(suffix)


def _read(folder: str, filename: str) -> str:
    # Bytes, then decode: text mode would turn a template's CRLF into LF.
    return (_DATA / folder / filename).read_bytes().decode("utf-8")
