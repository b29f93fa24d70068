"""Real podman containers for tests (runc and ulimits from molecule/containers.conf)."""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest
from harness import IMAGE, container_command  # molecule/, on sys.path from tests/conftest.py

REPO = Path(__file__).resolve().parent.parent
CONTAINERS_CONF = REPO / "molecule" / "containers.conf"
# This machine reaches PyPI through a proxy whose CA is in the host bundle only; pip in a
# container is given that bundle, as a fleet behind a corporate proxy would be.
HOST_CA = "/etc/ssl/certs/ca-certificates.crt"
PIP_ENV = {"PIP_CERT": "/host-ca.pem", "PIP_DISABLE_PIP_VERSION_CHECK": "1"}


def podman_env(**extra: str) -> dict[str, str]:
    return {**os.environ, "CONTAINERS_CONF": str(CONTAINERS_CONF), **extra}


def require_podman() -> None:
    if not shutil.which("podman"):
        pytest.fail("podman is not installed: scripts/install-system-packages installs it")
    done = subprocess.run(["podman", "image", "exists", IMAGE], env=podman_env(), check=False)
    if done.returncode != 0:
        pytest.fail(f"{IMAGE} is missing: run scripts/build-images")


class Container:
    def __init__(self, *mounts: str, image: str = IMAGE) -> None:
        self.name = f"azrepos-test-{uuid.uuid4().hex[:8]}"
        mounts = (*mounts, f"{HOST_CA}:/host-ca.pem:ro")
        volumes = [arg for mount in mounts for arg in ("-v", mount)]
        subprocess.run(container_command(self.name, image, volumes), env=podman_env(),
                       check=True, capture_output=True)

    def exec(self, *argv: str, user: str = "root", env_from_host: dict[str, str] | None = None,
             env: dict[str, str] | None = None, check: bool = True, timeout: float = 600
             ) -> subprocess.CompletedProcess[str]:
        """Run in the container. ``env_from_host`` values reach it as `-e NAME` (value taken
        from podman's own environment), so secrets never appear on a command line."""
        flags = ["--user", user]
        flags += [arg for name, value in (env or {}).items() for arg in ("-e", f"{name}={value}")]
        flags += [arg for name in (env_from_host or {}) for arg in ("-e", name)]
        done = subprocess.run(["podman", "exec", *flags, self.name, *argv], text=True,
                              capture_output=True, env=podman_env(**(env_from_host or {})),
                              timeout=timeout, check=False)
        if check and done.returncode != 0:
            raise AssertionError(f"{argv} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
        return done

    def remove(self) -> None:
        subprocess.run(["podman", "rm", "-f", "-t", "0", self.name], env=podman_env(),
                       capture_output=True, check=False)
