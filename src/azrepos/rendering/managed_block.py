"""Managed blocks inside user-owned files, with the same markers as Ansible's blockinfile."""

from __future__ import annotations

MARKER = "# {mark} azrepos managed block"


def replace_block(text: str, block: str, *, marker: str = MARKER) -> str:
    """Put ``block`` between the markers, replacing an earlier block, or at the top of the file
    (ssh uses the first value it reads, so our entries go before any ``Host *``).
    An empty ``block`` removes the managed block."""
    begin, end = marker.format(mark="BEGIN"), marker.format(mark="END")
    lines = text.splitlines(keepends=True)
    try:
        start = next(i for i, line in enumerate(lines) if line.rstrip("\n") == begin)
        stop = next(i for i in range(start, len(lines)) if lines[i].rstrip("\n") == end)
    except StopIteration:
        start = stop = -1
    body = block if block.endswith("\n") or not block else block + "\n"
    new_block = f"{begin}\n{body}{end}\n" if block else ""
    if start >= 0:
        return "".join(lines[:start]) + new_block + "".join(lines[stop + 1 :])
    if not block:
        return text
    return new_block + text
