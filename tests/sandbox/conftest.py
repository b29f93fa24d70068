from __future__ import annotations

import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from tests.sandbox_fixture import SandboxProcess, start_sandbox


@pytest.fixture(scope="session")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxProcess]:
    """One sandbox shared by the tests that do not restart it. Tests use their own keys."""
    process = start_sandbox(tmp_path_factory.mktemp("sandbox") / "state")
    yield process
    assert process.stop() == 0


@pytest.fixture
def clean_faults(sandbox: SandboxProcess) -> Iterator[None]:
    sandbox.admin_request("DELETE", "/_sandbox/faults")
    yield
    sandbox.admin_request("DELETE", "/_sandbox/faults")


@pytest.fixture
def make_key(tmp_path: Path) -> Callable[..., Path]:
    """make_key(name, type="rsa", bits=2048) -> path of a new private key (``.pub`` beside)."""

    def make(name: str = "id", key_type: str = "rsa", bits: int = 2048) -> Path:
        path = tmp_path / name
        args = ["ssh-keygen", "-q", "-t", key_type, "-N", "", "-C", name, "-f", str(path)]
        if key_type == "rsa":
            args += ["-b", str(bits)]
        subprocess.run(args, check=True)
        return path

    return make


ENTRA_DEFAULTS = {"access_token_lifetime": 3600, "device_code_lifetime": 900,
                  "refresh_token_lifetime": 90 * 86400, "auth_code_lifetime": 600}


@pytest.fixture
def entra_settings(sandbox: SandboxProcess) -> Iterator[Callable[..., dict]]:
    """entra_settings(access_token_lifetime=2, ...) for one test; defaults come back after."""

    def change(**settings: int) -> dict:
        response = sandbox.entra("POST", "settings", settings)
        assert response.status_code == 200, response.text
        return response.json()

    yield change
    change(**ENTRA_DEFAULTS)


@pytest.fixture
def public_app(sandbox: SandboxProcess):
    """A fresh MSAL public client (GCM's id) with its own in-memory cache."""
    import msal
    from tests.sandbox_fixture import GCM_CLIENT_ID

    return msal.PublicClientApplication(GCM_CLIENT_ID, authority=sandbox.authority,
                                        instance_discovery=False,
                                        http_client=sandbox.http_client())
