"""The missing-library message of the filters names the exact wheel file to pip-install on the
controller when the collection carries one (scripts/build-dist), a pattern otherwise."""

from __future__ import annotations

import sys
from pathlib import Path

from harness import ensure_collection_link  # molecule/, on sys.path from tests/conftest.py

REPO = Path(__file__).resolve().parents[2]
ensure_collection_link()
sys.path.insert(0, str(REPO / ".collections"))
from ansible_collections.azrepos.devenv.plugins.module_utils.azrepos_core import (  # noqa: E402
    install_hint,
)


def test_names_the_wheel_the_collection_carries(tmp_path: Path) -> None:
    files = tmp_path / "roles" / "credential_manager" / "files"
    files.mkdir(parents=True)
    (files / "azrepos-0.1.0-py3-none-any.whl").write_bytes(b"")
    assert install_hint("/venv/bin/python", tmp_path) == (
        f"/venv/bin/python -m pip install {files}/azrepos-0.1.0-py3-none-any.whl")


def test_without_a_wheel_says_where_to_look(tmp_path: Path) -> None:
    hint = install_hint("/venv/bin/python", tmp_path)
    assert hint.startswith("/venv/bin/python -m pip install COLLECTION/roles/credential_manager/files/")
    assert "ansible-galaxy collection list azrepos.devenv" in hint
