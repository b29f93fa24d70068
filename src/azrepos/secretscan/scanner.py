"""Runs every detector over files, a bounded window at a time, and turns matches into findings."""

from __future__ import annotations

import codecs
import io
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from . import allowlist
from .azure_secrets import azure_secrets
from .encoded import encoded_tokens
from .findings import Finding, Span
from .private_keys import private_keys
from .tokens import current_pats, jwts, legacy_pats
from .url_credentials import url_credentials

Detector = Callable[[str, str], Iterable[Span]]

# Most specific first: when two matches overlap, the earlier detector's kind is reported.
DETECTORS: tuple[Detector, ...] = (
    private_keys,
    lambda text, _next: current_pats(text),
    lambda text, _next: jwts(text),
    lambda text, _next: legacy_pats(text),
    url_credentials,
    lambda text, _next: encoded_tokens(text),
    lambda text, _next: azure_secrets(text),
)

SNIFF_BYTES = 8192  # a NUL byte in the first 8 KiB means binary, as git itself decides
CHUNK_BYTES = 1 << 20  # longest piece of one line read at once: memory stays bounded
OVERLAP = 64 * 1024  # secrets up to this long are seen whole even across a window boundary
CONTEXT = 512  # left context kept for look-behinds and "token = " prefixes
NEXT_LINE_HEAD = 256  # how much of the next line a private-key marker may look at
SKIP_DIRS = frozenset({".git"})


@dataclass(frozen=True)
class _Window:
    """Part of one line. Matches starting in [report_from, report_before) belong to it."""

    line: int
    base: int  # column offset (0-based) of text[0] within the line
    text: str
    report_from: int
    report_before: int


@dataclass
class ScanResult:
    findings: list[Finding] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)
    files: int = 0


def _pieces(stream: BinaryIO) -> Iterator[tuple[str, bool]]:
    """Decoded pieces of at most CHUNK_BYTES each, and whether each one ends its line."""
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    while raw := stream.readline(CHUNK_BYTES):
        yield decoder.decode(raw), raw.endswith(b"\n")
    if tail := decoder.decode(b"", final=True):
        yield tail, False


def _windows(stream: BinaryIO) -> Iterator[_Window]:
    line, base, text, fresh = 1, 0, "", 0
    for piece, ends_line in _pieces(stream):
        text += piece
        if ends_line:
            yield _Window(line, base, text, fresh, len(text))
            line, base, text, fresh = line + 1, 0, "", 0
        elif len(text) > OVERLAP + CONTEXT:
            # A very long line (minified code, a data blob): hand out all but the tail, and keep
            # the tail so a secret across the cut is seen whole in the next window.
            cut = len(text) - OVERLAP
            yield _Window(line, base, text, fresh, cut)
            keep = cut - CONTEXT
            base, text, fresh = base + keep, text[keep:], CONTEXT
    if text:
        yield _Window(line, base, text, fresh, len(text))


def _spans(window: _Window, next_line: str) -> list[Span]:
    ranked = sorted(
        ((rank, span) for rank, detect in enumerate(DETECTORS) for span in detect(window.text, next_line)
         if window.report_from <= span.start < window.report_before),
        key=lambda item: (item[0], item[1].start),
    )
    kept: list[Span] = []
    for _, span in ranked:
        if all(span.end <= other.start or span.start >= other.end for other in kept):
            kept.append(span)
    return sorted(kept, key=lambda span: span.start)


def _window_findings(window: _Window, next_line: str, path: str) -> Iterator[Finding]:
    spans = _spans(window, next_line)
    if spans and allowlist.allows(window.text):  # checked only on a hit: most lines have none
        return
    for span in spans:
        yield Finding(path, window.line, window.base + span.start + 1, span.kind)


def is_binary(stream: BinaryIO) -> bool:
    head = stream.read(SNIFF_BYTES)
    stream.seek(0)
    return b"\0" in head


def scan_stream(stream: BinaryIO, path: str) -> Iterator[Finding]:
    """Findings in a seekable binary stream; nothing for binary content."""
    if is_binary(stream):
        return
    previous: _Window | None = None
    for window in _windows(stream):
        if previous is not None:
            # A private-key marker at the end of a line needs a look at the next line.
            next_line = window.text[:NEXT_LINE_HEAD] if window.line != previous.line else ""
            yield from _window_findings(previous, next_line, path)
        previous = window
    if previous is not None:
        yield from _window_findings(previous, "", path)


def scan_text(text: str, path: str = "<text>") -> list[Finding]:
    return list(scan_stream(io.BytesIO(text.encode()), path))


def scan_file(path: str | os.PathLike[str]) -> list[Finding]:
    """Findings in one file. Raises OSError when it cannot be read."""
    with open(path, "rb") as stream:
        return list(scan_stream(stream, os.fspath(path)))


def _files(paths: Iterable[str | os.PathLike[str]]) -> Iterator[Path]:
    for given in paths:
        path = Path(given)
        if path.is_symlink():
            continue  # git stores the link, not its target; a linked directory could loop
        if not path.is_dir():
            yield path  # missing files surface as errors when opened
            continue
        for root, dirs, names in os.walk(path):  # does not follow linked directories
            dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS)
            yield from (Path(root, name) for name in sorted(names))


def scan_paths(paths: Iterable[str | os.PathLike[str]]) -> ScanResult:
    """Scan files and directories (recursively, skipping .git and symlinks).

    Unreadable files become errors, not exceptions, so one bad path does not hide the others.
    """
    result = ScanResult()
    for path in _files(paths):
        if path.is_symlink() or (path.exists() and not path.is_file()):
            continue  # links as above; sockets and FIFOs could block a read forever
        try:
            result.findings.extend(scan_file(path))
        except OSError as exc:
            result.errors.append((os.fspath(path), exc.strerror or type(exc).__name__))
            continue
        result.files += 1
    return result
