"""The execution environment: execution-environment.yml as ansible-builder reads it, the
collection's meta/execution-environment.yml as builder introspects it, and (podman) the image
built by scripts/build-ee with workstation.yml run in it twice, the second time changed=0."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
TOOLS = Path(os.environ.get("AZREPOS_EE_TOOLS") or Path(sys.executable).parent)
GALAXY = yaml.safe_load((REPO / "galaxy.yml").read_text())
TARBALL = f"azrepos-devenv-{GALAXY['version']}.tar.gz"
CORE_VERSION = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["version"]
WHEEL = f"azrepos-{CORE_VERSION}-py3-none-any.whl"
IMAGE_COLLECTION = "/usr/share/ansible/collections/ansible_collections/azrepos/devenv"
BINDEP = ("openssh-client [platform:dpkg]", "git [platform:dpkg]", "python3-venv [platform:dpkg]")


def builder(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([str(TOOLS / "ansible-builder"), *args], cwd=cwd, capture_output=True,
                          text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done


def test_definition_names_the_tarball_of_galaxy_yml_and_the_wheel_of_pyproject() -> None:
    definition = yaml.safe_load((REPO / "execution-environment.yml").read_text())
    assert definition["version"] == 3
    assert definition["dependencies"]["galaxy"]["collections"] == [
        {"name": f"collections/{TARBALL}", "type": "file"}]
    requirements = (REPO / "meta" / "ee-requirements.txt").read_text()
    assert f"azrepos @ file://{IMAGE_COLLECTION}/roles/credential_manager/files/{WHEEL}" in requirements


def test_create_writes_a_context_with_the_tarball_apt_and_no_galaxy(dist: Path, tmp_path: Path) -> None:
    """`ansible-builder create`: the build context and Containerfile, without building."""
    (tmp_path / "execution-environment.yml").write_bytes((REPO / "execution-environment.yml").read_bytes())
    (tmp_path / "dist").mkdir()
    (tmp_path / "dist" / TARBALL).write_bytes((dist / TARBALL).read_bytes())
    builder("create", "--file", "execution-environment.yml", "--context", "context",
            "--output-filename", "Containerfile", cwd=tmp_path)
    context = tmp_path / "context"
    containerfile = (context / "Containerfile").read_text()
    assert 'ARG EE_BASE_IMAGE="localhost/debian-bookworm:base"' in containerfile
    assert 'ARG PKGMGR="/usr/bin/apt-get"' in containerfile
    assert 'ARG ANSIBLE_GALAXY_CLI_COLLECTION_OPTS="--offline"' in containerfile
    assert "apt-get install" in containerfile and "python3-pip python3-venv" in containerfile
    assert "ensurepip" not in containerfile and "pip_install" not in containerfile.split("COPY")[-1]
    assert (context / "_build" / "collections" / TARBALL).read_bytes() == (dist / TARBALL).read_bytes()
    galaxy = yaml.safe_load((context / "_build" / "requirements.yml").read_text())
    assert galaxy == {"collections": [{"name": f"collections/{TARBALL}", "type": "file"}]}


def test_tarball_ships_meta_execution_environment_and_introspect_lists_its_deps(
        dist: Path, tmp_path: Path) -> None:
    """As builder sees the collection in the image: installed from the tarball, then
    `ansible-builder introspect` over the collections directory."""
    collections = tmp_path / "collections"
    env = {"PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin", "HOME": str(tmp_path),
           "ANSIBLE_NOCOLOR": "1"}
    subprocess.run([str(Path(sys.executable).parent / "ansible-galaxy"), "collection", "install",
                    "--offline", "--no-deps", "-p", str(collections), str(dist / TARBALL)],
                   cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300, check=True)
    installed = collections / "ansible_collections" / "azrepos" / "devenv"
    for name in ("execution-environment.yml", "ee-requirements.txt", "ee-bindep.txt"):
        assert (installed / "meta" / name).is_file(), name
    # The file the requirement names is where the image will have it.
    assert (installed / "roles" / "credential_manager" / "files" / WHEEL).is_file()
    listed = yaml.safe_load(builder("introspect", "--sanitize", str(collections), cwd=tmp_path).stdout)
    ours = "  # from collection azrepos.devenv"
    assert listed["python"] == [
        f"azrepos @ file://{IMAGE_COLLECTION}/roles/credential_manager/files/{WHEEL}{ours}"]
    assert all(f"{line}{ours}" in listed["system"] for line in BINDEP), listed["system"]


@pytest.mark.containers
@pytest.mark.execution_environment
@pytest.mark.slow
@pytest.mark.timeout(1200)  # a build and three plays: minutes when the Molecule lanes share the cores
def test_built_image_runs_workstation_twice_the_second_time_changed_0(dist: Path) -> None:
    """scripts/build-ee --run: build (cached layers after the first time), converge over SSH
    in the EE against a container and the sandbox, re-run, verify."""
    done = subprocess.run([sys.executable, str(REPO / "scripts" / "build-ee"), "--dist", str(dist),
                           "--run"], capture_output=True, text=True, timeout=1800, check=False)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-6000:]
    assert "build-ee: re-run in the EE:" in output and ", changed=0" in output
    assert "build-ee: verify" in output
