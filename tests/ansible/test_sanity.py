"""ansible-test sanity on the built collection installed outside the checkout, as Galaxy and
Automation Hub run it (scripts/collection-sanity), and what the tarball ships."""

from __future__ import annotations

import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
SCRIPT = REPO_ROOT / "scripts" / "collection-sanity"
BIN = Path(sys.executable).parent

pytestmark = [pytest.mark.sanity, pytest.mark.slow]


def run_sanity(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True,
                          timeout=1800, check=False)


def core_version() -> str:
    from ansible.release import __version__

    return ".".join(__version__.split(".")[:2])


def release_tarball(dist: Path) -> Path:
    return next(dist.glob("azrepos-devenv-*.tar.gz"))


def test_installed_tarball_passes_sanity(dist: Path) -> None:
    """The tarball users install (scripts/build-dist's, carrying the wheel)."""
    done = run_sanity("--tarball", str(release_tarball(dist)))
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    assert 'Running sanity test "validate-modules"' in done.stdout


def test_sanity_fails_when_a_check_fails(tmp_path: Path) -> None:
    # The same checkout without its ignore entry for the (MIT) module's GPLv3 header.
    files = subprocess.run(["git", "ls-files", "-z"], cwd=REPO_ROOT, capture_output=True, text=True,
                           check=True).stdout.split("\0")
    source = tmp_path / "source"
    for name in filter(None, files):
        if name.startswith("tests/sanity/") or not (REPO_ROOT / name).is_file():
            continue
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        (source / name).write_bytes((REPO_ROOT / name).read_bytes())
    done = run_sanity("--source", str(source), "--test", "validate-modules")
    assert done.returncode != 0
    assert "missing-gplv3-license" in done.stdout + done.stderr


def test_tarball_ships_the_sanity_ignores_and_not_the_checkout_tools(dist: Path) -> None:
    with tarfile.open(release_tarball(dist)) as tarball:
        names = [m.name for m in tarball.getmembers() if not m.isdir()]
    shipped_tests = sorted(n for n in names if n.startswith("tests/"))
    assert f"tests/sanity/ignore-{core_version()}.txt" in shipped_tests
    assert all(n.startswith("tests/sanity/") for n in shipped_tests), shipped_tests
    for checkout_only in ("molecule/", "src/", "scripts/", "sandbox/", "benchmarks/"):
        assert not [n for n in names if n.startswith(checkout_only)], checkout_only


def test_ignore_files_agree_across_core_versions() -> None:
    texts = {p.name: p.read_text() for p in (REPO_ROOT / "tests" / "sanity").glob("ignore-*.txt")}
    assert len(set(texts.values())) == 1, sorted(texts)
