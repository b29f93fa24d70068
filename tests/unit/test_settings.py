import subprocess
from pathlib import Path

import pytest

from azrepos import git_command
from azrepos.auth.credentials import PatCredential
from azrepos.config.settings import Snapshot, resolve
from azrepos.connection import profile_for
from azrepos.errors import ConfigError, UsageError
from azrepos.redaction import Secret


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
        Snapshot().seconds("http_timeout")


def test_a_profile_reads_git_config_once_and_feeds_the_client(
        home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AZREPOS_HTTP_TIMEOUT", "AZREPOS_RETRY_BUDGET", "AZREPOS_SECRET_STORE"):
        monkeypatch.delenv(name, raising=False)
    git_config(home, "azrepos.https://tfs.example.com.httpTimeout", "7")
    git_config(home, "azrepos.retryBudget", "11")
    ca = home / "ca.pem"
    ca.write_text("-----BEGIN CERTIFICATE-----\n")
    git_config(home, "azrepos.caBundle", str(ca))
    calls = []
    real_run = subprocess.run

    def counting_run(args, *rest, **kwargs):
        calls.append(args)
        return real_run(args, *rest, **kwargs)

    monkeypatch.setattr(git_command.subprocess, "run", counting_run)
    profile = profile_for("https://tfs.example.com/tfs/C")
    client = profile.client(PatCredential(Secret("p" * 52), "test"))
    assert (profile.ca_bundle, profile.settings.get("secret_store")) == (str(ca), "auto")
    policy = client.transport.policy
    assert (policy.read_timeout, policy.total_budget) == (7.0, 11.0)
    assert client.transport.session.pinned_verify == str(ca)
    # Two reads in all: the azrepos section, then git's http section (its proxy, and its CA,
    # which azrepos's own CA beats here).
    assert len(calls) == 2 and all("--get-urlmatch" in call for call in calls)
    assert calls[1][-2:] == ["http", "https://tfs.example.com/tfs/C"]


def _counting_git(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    calls: list[list[str]] = []
    real_run = subprocess.run

    def counting_run(args, *rest, **kwargs):
        calls.append(args)
        return real_run(args, *rest, **kwargs)

    monkeypatch.setattr(git_command.subprocess, "run", counting_run)
    return calls


def test_the_client_falls_back_to_gits_ca_for_the_url(
        home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What configure-git and the gitconfig role write (http.<url>.sslCAInfo) is the only CA
    on such a machine: REST calls must verify with it, as git and GCM do."""
    monkeypatch.delenv("GIT_SSL_CAINFO", raising=False)
    monkeypatch.delenv("AZREPOS_CA_BUNDLE", raising=False)
    ca = home / "org-ca.pem"
    ca.write_text("-----BEGIN CERTIFICATE-----\n")
    git_config(home, "http.https://tfs.example.com/.sslCAInfo", str(ca))
    git_config(home, "http.https://other.example.com/.sslCAInfo", "/elsewhere.pem")
    calls = _counting_git(monkeypatch)
    profile = profile_for("https://tfs.example.com/tfs/C")
    client = profile.client(PatCredential(Secret("p" * 52), "test"))
    assert profile.ca_bundle is None
    assert client.transport.session.pinned_verify == str(ca)
    assert len(calls) == 2  # the azrepos section, then git's http section (CA and proxy)
    assert calls[1][-3:] == ["--get-urlmatch", "http", "https://tfs.example.com/tfs/C"]
    # Another organization's CA is not this one's; without any, the system CAs verify.
    other = profile_for("https://dev.azure.com/c").client(PatCredential(Secret("p" * 52), "t"))
    assert other.transport.session.pinned_verify is True


def test_git_ssl_cainfo_wins_over_gits_config_for_the_client(
        home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AZREPOS_CA_BUNDLE", raising=False)
    env_ca = home / "env-ca.pem"
    env_ca.write_text("-----BEGIN CERTIFICATE-----\n")
    monkeypatch.setenv("GIT_SSL_CAINFO", str(env_ca))
    git_config(home, "http.https://tfs.example.com/.sslCAInfo", "/elsewhere.pem")
    calls = _counting_git(monkeypatch)
    client = profile_for("https://tfs.example.com/tfs/C").client(
        PatCredential(Secret("p" * 52), "test"))
    assert client.transport.session.pinned_verify == str(env_ca)
    assert len(calls) == 2  # the azrepos section, and git's http section for the proxy


def test_an_explicit_ca_wins_over_settings(home: Path) -> None:
    git_config(home, "azrepos.caBundle", "/etc/ca.pem")
    mine = home / "mine.pem"
    mine.write_text("-----BEGIN CERTIFICATE-----\n")
    assert profile_for("https://dev.azure.com/c", ca_bundle=str(mine)).ca_bundle == str(mine)
    with pytest.raises(ConfigError, match=r"/etc/ca.pem \(from git config azrepos.caBundle\)"):
        _ = profile_for("https://dev.azure.com/c").ca_bundle
