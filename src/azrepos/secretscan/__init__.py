"""Finds secrets in files and in git remotes, for the pre-commit hooks and ``azrepos`` commands.

Nothing here ever returns, logs or prints the text of a secret: a finding says where a secret
is and what kind it is, never what it is.
"""

from __future__ import annotations

from .findings import Finding
from .scanner import ScanResult, scan_file, scan_paths, scan_text

__all__ = ["Finding", "ScanResult", "scan_file", "scan_paths", "scan_text"]
