"""scripts/build-dist: the release artifacts in dist/, and that the collection and the Feature
carry the matching azrepos wheel (the defaults of credential_manager and the Feature)."""

from __future__ import annotations

import json
import subprocess
import sys
import tarfile
import tomllib
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
VERSION = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["version"]
WHEEL = f"azrepos-{VERSION}-py3-none-any.whl"
LOCKS = ("azrepos-requirements.lock", "gcm-requirements.lock")


def members(archive: Path) -> dict[str, bytes]:
    with tarfile.open(archive) as tar:
        return {m.name.removeprefix("./"): tar.extractfile(m).read() for m in tar.getmembers() if m.isfile()}


def test_wheel_carries_the_shared_templates(dist: Path) -> None:
    """src/azrepos/templates is a link to templates/ in git: the wheel holds the files."""
    import zipfile

    shared = sorted(p.name for p in (REPO / "templates").glob("*.j2"))
    with zipfile.ZipFile(dist / WHEEL) as wheel:
        carried = sorted(Path(n).name for n in wheel.namelist() if n.startswith("azrepos/templates/"))
    assert shared and carried == shared


def test_core_wheel_sdist_and_the_sandbox_apart(dist: Path) -> None:
    assert sorted(p.name for p in dist.glob("azrepos-[0-9]*")) == [WHEEL, f"azrepos-{VERSION}.tar.gz"]
    assert [p.name for p in (dist / "sandbox").iterdir()] == [f"azrepos_sandbox-{VERSION}-py3-none-any.whl"]


def test_collection_carries_the_matching_wheel_and_the_locks(dist: Path) -> None:
    galaxy = yaml.safe_load((REPO / "galaxy.yml").read_text())
    files = members(dist / f"azrepos-devenv-{galaxy['version']}.tar.gz")
    role_files = "roles/credential_manager/files/"
    assert sorted(n.removeprefix(role_files) for n in files if n.startswith(role_files)) == sorted(
        [WHEEL, *LOCKS])
    assert files[role_files + WHEEL] == (dist / WHEEL).read_bytes()
    manifest = json.loads(files["MANIFEST.json"])
    assert manifest["collection_info"]["version"] == galaxy["version"]


def test_feature_is_laid_out_as_devcontainer_features_package(dist: Path) -> None:
    files = members(dist / "devcontainer-feature-azrepos.tgz")
    assert sorted(files) == sorted(["devcontainer-feature.json", "install.sh", "post-create.sh",
                                    "NOTES.md", WHEEL, *LOCKS])
    assert files[WHEEL] == (dist / WHEEL).read_bytes()
    listed = json.loads((dist / "devcontainer-collection.json").read_text())
    assert listed["features"] == [json.loads(files["devcontainer-feature.json"])]
    assert listed["features"][0]["id"] == "azrepos"
    assert listed["features"][0]["options"]["source"]["default"] == ""  # the wheel beside install.sh


@pytest.mark.parametrize("playbook", ["workstation", "devcontainer", "offboard"])
def test_installed_collection_runs_its_playbooks_by_fqcn(dist: Path, tmp_path: Path,
                                                         playbook: str) -> None:
    """As a user with only dist/ and the ansible package: install the tarball outside the
    checkout, then name each playbook by FQCN from an unrelated project directory."""
    galaxy = yaml.safe_load((REPO / "galaxy.yml").read_text())
    collections, project = tmp_path / "collections", tmp_path / "project"
    project.mkdir()
    bin_dir = Path(sys.executable).parent
    env = {"PATH": f"{bin_dir}:/usr/bin:/bin", "HOME": str(tmp_path),
           "ANSIBLE_COLLECTIONS_PATH": str(collections), "ANSIBLE_NOCOLOR": "1"}
    installed = subprocess.run(
        [str(bin_dir / "ansible-galaxy"), "collection", "install", "--offline", "--no-deps", "-p",
         str(collections), str(dist / f"azrepos-devenv-{galaxy['version']}.tar.gz")],
        cwd=project, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    (project / "hosts.yml").write_text("all:\n  hosts:\n    dev1:\n")
    checked = subprocess.run(
        [str(bin_dir / "ansible-playbook"), "-i", "hosts.yml", "--syntax-check",
         f"azrepos.devenv.{playbook}"],
        cwd=project, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert not (project / ".collections").exists()  # nothing came from a checkout


def test_wheel_helper_starts_lean_in_a_venv_made_as_the_role_makes_it(dist: Path, tmp_path: Path) -> None:
    """Debian's `python3 -m venv` and its own pip (no upgrade), as credential_manager and the
    Feature make it: the wheel's git-credential-azrepos is the launcher, executable, and answers
    from a stored PAT with the interpreter started -I -S."""
    python = "/usr/bin/python3" if Path("/usr/bin/python3").exists() else sys.executable
    venv = tmp_path / "venv"
    subprocess.run([python, "-m", "venv", str(venv)], check=True, timeout=300)
    subprocess.run([str(venv / "bin" / "pip"), "install", "-q", "--no-deps", "--no-index",
                    str(dist / WHEEL)], check=True, timeout=300)
    helper = venv / "bin" / "git-credential-azrepos"
    assert helper.read_text().startswith("#!/bin/sh\n") and helper.stat().st_mode & 0o111
    home = tmp_path / "home"
    secrets = home / ".config" / "azrepos" / "secrets.json"
    secrets.parent.mkdir(parents=True)
    # The file store's layout (secretstore/file_store.py), written by hand: no azrepos here.
    secrets.write_text(json.dumps({"pat:https://dev.azure.com/contoso": "p" * 52}))
    secrets.chmod(0o600)
    # A decoy azrepos on PYTHONPATH: an ordinary start would import it, -I ignores it.
    decoy = tmp_path / "decoy" / "azrepos"
    decoy.mkdir(parents=True)
    (decoy / "__init__.py").write_text("raise SystemExit('started without -I')\n")
    env = {"HOME": str(home), "PATH": "/usr/bin:/bin", "AZREPOS_SECRET_STORE": "file",
           "PYTHONPATH": str(decoy.parent)}
    done = subprocess.run([str(helper), "get"], input="protocol=https\nhost=dev.azure.com\n"
                          "path=contoso/p/_git/r\n\n", capture_output=True, text=True, env=env,
                          timeout=60, check=False)
    assert done.returncode == 0 and f"password={'p' * 52}" in done.stdout, done.stderr
    assert done.stderr == ""
