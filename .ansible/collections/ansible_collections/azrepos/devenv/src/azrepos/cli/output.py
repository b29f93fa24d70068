"""How results reach the user: text, or one JSON document on stdout."""

from __future__ import annotations

import json
import sys
from typing import Any


def warn(message: str) -> None:
    print(f"azrepos: warning: {message}", file=sys.stderr)


def emit(as_json: bool, document: dict[str, Any], text: str) -> None:
    if as_json:
        json.dump(document, sys.stdout, indent=2, sort_keys=True)
        sys.stdout.write("\n")
    else:
        print(text)
