"""GCM's settings: the gitconfig role and ``azrepos configure-git --helper gcm`` give the same
answer on the same machine (one rule, in the core), and a value the user sets wins."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.ansible.conftest import BIN

GCM_KEYS = ("credentialStore", "cacheOptions", "azreposCredentialType", "msauthFlow")


def gcm_lines(path: Path) -> dict[str, str]:
    pairs = (line.strip().split(" = ", 1) for line in path.read_text().splitlines()
             if " = " in line)
    return {key: value for key, value in pairs if key in GCM_KEYS}


def role_task(home: Path, org_url: str, **extra: str) -> list[dict]:
    return [{"name": "facts", "ansible.builtin.setup": {"gather_subset": ["min"]}},
            {"name": "probe gitconfig", "ansible.builtin.include_role": {
                "name": "azrepos.devenv.gitconfig"}, "vars": {
                "gitconfig_home": str(home), "gitconfig_orgs": [org_url],
                "gitconfig_helper": "gcm", "gitconfig_helper_path": "/usr/bin/true", **extra}}]


def test_role_and_cli_pick_the_same_gcm_settings(playbooks, tmp_path: Path) -> None:
    org = playbooks.sandbox.org_url
    for home in (tmp_path / "cli", playbooks.root / "home"):  # `pass` initialised in both
        (home / ".password-store").mkdir(parents=True, exist_ok=True)
        (home / ".password-store" / ".gpg-id").write_text("dev@example.com\n")
    cli_home = tmp_path / "cli"
    env = {k: v for k, v in playbooks.env().items()
           if not k.startswith(("SSH_", "DISPLAY", "WAYLAND", "DBUS"))}
    env.update(HOME=str(cli_home), XDG_CONFIG_HOME=str(cli_home / ".config"))
    subprocess.run([str(BIN / "azrepos"), "configure-git", "--helper", "gcm", "--gcm-path",
                    "/usr/bin/true", "--org", org], env=env, check=True, capture_output=True)
    from_cli = gcm_lines(cli_home / ".config/azrepos/gitconfig")

    home = playbooks.root / "home"
    run = playbooks.run(role_task(home, org), json_output=False)
    assert run.returncode == 0, run.output[-3000:]
    from_role = gcm_lines(home / ".config/azrepos/gitconfig")
    assert from_role == from_cli
    assert from_role["azreposCredentialType"] == "oauth"  # Entra: PATs are being retired

    run = playbooks.run(role_task(home, org, gitconfig_credential_store="plaintext",
                                  gitconfig_azrepos_credential_type="pat"), json_output=False)
    assert run.returncode == 0, run.output[-3000:]
    chosen = gcm_lines(home / ".config/azrepos/gitconfig")
    assert chosen["credentialStore"] == "plaintext" and chosen["azreposCredentialType"] == "pat"
    assert "cacheOptions" not in chosen
