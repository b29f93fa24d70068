"""git's credential helper wire format: ``key=value`` lines ending with a blank line.

Light on purpose (no typing, no collections import): it runs on every git fetch.
"""

from __future__ import annotations

from io import BufferedIOBase, TextIOBase


class ProtocolError(ValueError):
    """Input that breaks the protocol's rules (a value with NUL, or a line without '=')."""


class Attributes:
    """The attributes git sent. ``key[]`` attributes keep every value, in order."""

    def __init__(self) -> None:
        self.single: dict[str, str] = {}
        self.multi: dict[str, list[str]] = {}

    def get(self, key: str, default: str = "") -> str:
        return self.single.get(key, default)

    def values(self, key: str) -> list[str]:
        return self.multi.get(key, [])

    @property
    def capabilities(self) -> set[str]:
        return set(self.values("capability"))


def _decode(raw: bytes | str) -> str:
    if isinstance(raw, str):
        return raw
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:  # never echo the line: a secret may be in it
        raise ProtocolError("a line is not valid UTF-8; git sends UTF-8 attributes") from None


def read(stream: TextIOBase | BufferedIOBase) -> Attributes:
    """Attributes from ``stream`` (bytes, as git writes them, or text); CRLF lines are taken."""
    attrs = Attributes()
    for raw in stream:
        line = _decode(raw).rstrip("\n").rstrip("\r")
        if line == "":
            break
        if "\0" in line:
            raise ProtocolError("a value holds a NUL byte")
        key, sep, value = line.partition("=")
        if not sep:
            raise ProtocolError("a line has no '=' (each line must be key=value)")
        if key.endswith("[]"):
            name = key[:-2]
            if value == "":  # an empty value clears the list, as git does
                attrs.multi.pop(name, None)
            else:
                attrs.multi.setdefault(name, []).append(value)
        else:
            attrs.single[key] = value
    return attrs


def write(stream: TextIOBase, pairs: list[tuple[str, str]]) -> None:
    out = []
    for key, value in pairs:
        if "\n" in value or "\0" in value or "\n" in key:
            raise ProtocolError(f"refusing to send {key}: the value holds a newline or NUL")
        out.append(f"{key}={value}\n")
    stream.write("".join(out))
    stream.flush()
