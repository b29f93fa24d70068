import subprocess
from pathlib import Path

import pytest

from azrepos.config.settings import resolve, resolve_seconds
from azrepos.errors import UsageError


def git_config(home: Path, *args: str) -> None:
    subprocess.run(["git", "config", "--global", *args], check=True,
                   env={"HOME": str(home), "PATH": "/usr/bin:/bin"})


def test_env_wins_over_git_config_which_wins_over_default(home: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AZREPOS_SECRET_STORE", raising=False)
    assert resolve("secret_store") == "auto"
    git_config(home, "azrepos.secretStore", "file")
    assert resolve("secret_store") == "file"
    monkeypatch.setenv("AZREPOS_SECRET_STORE", "keyring")
    assert resolve("secret_store") == "keyring"


def test_git_config_is_url_scoped(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AZREPOS_CA_BUNDLE", raising=False)
    monkeypatch.delenv("REQUESTS_CA_BUNDLE", raising=False)
    git_config(home, "azrepos.https://tfs.example.com.caBundle", "/etc/corp-ca.pem")
    assert resolve("ca_bundle", url="https://tfs.example.com/tfs/C") == "/etc/corp-ca.pem"
    assert resolve("ca_bundle", url="https://dev.azure.com/contoso") is None


def test_azrepos_ca_bundle_overrides_requests_ca_bundle(home: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/a.pem")
    assert resolve("ca_bundle") == "/a.pem"
    monkeypatch.setenv("AZREPOS_CA_BUNDLE", "/b.pem")
    assert resolve("ca_bundle") == "/b.pem"


@pytest.mark.parametrize("value", ["abc", "0", "-5", "99999"])
def test_bad_durations_name_the_setting(home: Path, monkeypatch: pytest.MonkeyPatch,
                                        value: str) -> None:
    monkeypatch.setenv("AZREPOS_HTTP_TIMEOUT", value)
    with pytest.raises(UsageError, match="AZREPOS_HTTP_TIMEOUT"):
        resolve_seconds("http_timeout")
