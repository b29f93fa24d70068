"""Every plugin documents itself for ``ansible-doc``, as Galaxy and Automation Hub users read it."""

from __future__ import annotations

import json
import re
import subprocess

import pytest
from harness import ensure_collection_link  # molecule/, on sys.path from tests/conftest.py

from tests.ansible.conftest import BIN, REPO_ROOT

FILTERS = sorted(p.stem for p in (REPO_ROOT / "plugins" / "filter").glob("*.yml"))


def test_every_filter_has_its_documentation() -> None:
    source = (REPO_ROOT / "plugins" / "filter" / "core.py").read_text()
    mapped = set(re.findall(r'^ {12}"(\w+)": \w+,$', source, re.MULTILINE))
    assert mapped == set(FILTERS) and len(FILTERS) >= 12


MODULES = sorted(p.stem for p in (REPO_ROOT / "plugins" / "modules").glob("*.py"))


@pytest.mark.parametrize(("kind", "name"), [*(("filter", f) for f in FILTERS),
                                            *(("module", m) for m in MODULES)])
def test_ansible_doc_reads_the_plugin(kind: str, name: str, tmp_path) -> None:
    ensure_collection_link()
    done = subprocess.run([str(BIN / "ansible-doc"), "-t", kind, "--json",
                           f"azrepos.devenv.{name}"], capture_output=True, text=True,
                          env={"PATH": f"{BIN}:/usr/bin:/bin", "HOME": str(tmp_path),
                               "ANSIBLE_CONFIG": str(REPO_ROOT / "ansible.cfg")},
                          cwd=REPO_ROOT, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)[f"azrepos.devenv.{name}"]
    assert doc["doc"]["short_description"] and doc["examples"] and doc["return"]
    assert "WARNING" not in done.stderr, done.stderr
