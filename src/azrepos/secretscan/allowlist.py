"""The same-line comment that marks a reported secret as intended (a fake, a test value)."""

from __future__ import annotations

import re

MARKER = "azrepos: allow-secret"
# detect-secrets' own marker, honoured so files already annotated for it need no second comment.
COMPAT_MARKER = "pragma: allowlist secret"

_ALLOWED = re.compile(f"{re.escape(MARKER)}|{re.escape(COMPAT_MARKER)}", re.IGNORECASE)


def allows(line: str) -> bool:
    return _ALLOWED.search(line) is not None
