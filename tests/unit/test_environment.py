from pathlib import Path

import pytest

from azrepos import gitconfig
from azrepos.machine import environment


def machine(tmp_path: Path, env: dict[str, str], files: tuple[str, ...] = ()):
    for name in files:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    return environment.detect({"HOME": str(tmp_path / "home"), **env}, root=str(tmp_path))


@pytest.mark.parametrize(
    ("env", "files", "kind", "store"),
    [
        ({"DISPLAY": ":0", "DBUS_SESSION_BUS_ADDRESS": "unix:path=/x"}, (), "desktop",
         "secretservice"),
        ({"SSH_CONNECTION": "1 2 3 4", "DISPLAY": ":0"}, (), "ssh", "cache"),
        ({}, (), "headless", "cache"),
        ({}, (".dockerenv",), "container", "cache"),
        ({}, ("run/.containerenv",), "container", "cache"),
        ({"WSL_DISTRO_NAME": "Ubuntu"}, (), "wsl", None),
    ],
)
def test_store_per_environment(tmp_path: Path, env, files, kind, store) -> None:
    found = machine(tmp_path, env, files)
    assert found.kind == kind
    assert environment.gcm_store_for(found).credential_store == store


def test_headless_with_pass_uses_gpg(tmp_path: Path) -> None:
    found = machine(tmp_path, {}, ("home/.password-store/.gpg-id",))
    assert environment.gcm_store_for(found).credential_store == "gpg"


def test_container_never_uses_gpg_or_plaintext(tmp_path: Path) -> None:
    found = machine(tmp_path, {}, (".dockerenv", "home/.password-store/.gpg-id"))
    choice = environment.gcm_store_for(found)
    assert choice.credential_store == "cache" and "--timeout" in choice.cache_options


def test_wsl_uses_windows_gcm(tmp_path: Path) -> None:
    settings, path = gitconfig.gcm_settings(machine(tmp_path, {"WSL_DISTRO_NAME": "x"}))
    assert path == environment.WINDOWS_GCM and settings["credential_store"] is None


def test_gcm_rendering_matches_configure_plus_policy() -> None:
    settings, _ = gitconfig.gcm_settings(environment.Machine("container", False))
    text = gitconfig.render_spec(gitconfig.GitConfigSpec(
        [gitconfig.OrgEntry("https://dev.azure.com/contoso")], helper="gcm",
        helper_path="/usr/local/bin/git-credential-manager", gcm=settings))
    assert "[credential]\n\thelper =\n\thelper = /usr/local/bin/git-credential-manager\n" in text
    assert '[credential "https://dev.azure.com"]\n\tuseHttpPath = true' in text
    assert "azreposCredentialType = oauth" in text and "msauthFlow = devicecode" in text
    assert "credentialStore = cache" in text


def test_azrepos_helper_is_scoped_to_each_org() -> None:
    text = gitconfig.render_spec(gitconfig.GitConfigSpec(
        [gitconfig.OrgEntry("https://dev.azure.com/a"), gitconfig.OrgEntry("https://dev.azure.com/b")],
        helper_path="/opt/azrepos/bin/git-credential-azrepos"))
    assert text.count("helper =\n") == 2
    assert '[credential "https://dev.azure.com/a"]' in text
    assert "[credential]\n" not in text  # never hijacks other hosts
