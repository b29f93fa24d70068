"""No PAT and no private key text in any CLI output or log, at the most verbose level."""

from __future__ import annotations

import base64

from tests.integration.conftest import User


def test_nothing_secret_in_any_output(user: User) -> None:
    pat = user.sandbox.info["pat"]
    basic = base64.b64encode(f":{pat}".encode()).decode()
    org, ssh = user.org, user.ssh_args()
    verbose = "-vvvv"
    user.azrepos("login", verbose, "--org", org, "--pat-stdin", stdin=pat + "\n", check=True)
    user.azrepos("whoami", verbose, "--org", org, check=True)
    user.azrepos("whoami", verbose, "--org", org, "--json", check=True)
    user.azrepos("ssh-key", "add", verbose, "--org", org, "--bits", "2048", *ssh, check=True)
    user.azrepos("ssh-key", "list", verbose, "--org", org, "--json", check=True)
    user.azrepos("ssh-key", "rotate", verbose, "--org", org, "--bits", "2048", *ssh, check=True)
    user.azrepos("whoami", verbose, "--org", org, env={"AZURE_DEVOPS_EXT_PAT": pat})
    user.azrepos("whoami", verbose, "--org", org, env={"AZURE_DEVOPS_EXT_PAT": pat + "x"})
    user.azrepos("configure-git", "--org", org, check=True)
    user.git("clone", user.sandbox.info["https_clone_url"], str(user.home / "r"), check=True,
             env={"GIT_TRACE": "1", "GIT_CURL_VERBOSE": "0"})
    private_keys = [p.read_text() for p in (user.home / ".ssh").glob("id_rsa_azrepos*")
                    if not p.name.endswith(".pub")]
    key_bodies = [line for text in private_keys for line in text.splitlines()[1:-1]]
    output = "\n".join(user.transcript)
    assert "DEBUG" in output  # the verbose level was really on
    assert pat not in output and basic not in output
    assert not [line for line in key_bodies if line in output]
    logs = "".join(p.read_text(errors="replace") for p in user.sandbox.state_dir.glob("*.log"))
    assert pat not in logs and basic not in logs
