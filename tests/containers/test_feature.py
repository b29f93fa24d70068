"""The devcontainer Feature for real: install.sh and the postCreate hook in a podman container
built from the local Debian image, run as the devcontainer CLI would, then a clone from inside."""

from __future__ import annotations

from pathlib import Path

import pytest

from azrepos_sandbox.testing import RunningSandbox, start
from tests.podman import PIP_ENV, REPO, Container, require_podman

pytestmark = [pytest.mark.containers, pytest.mark.timeout(900)]


@pytest.fixture
def container(wheel: Path, sandbox: RunningSandbox):
    require_podman()
    box = Container(f"{REPO / 'features' / 'azrepos'}:/feature:ro", f"{wheel.parent}:/wheels:ro",
                    f"{sandbox.ca_file}:/sandbox-ca.pem:ro")
    yield box
    box.remove()


def install(box: Container, wheel: Path, org: str, **options: str):
    env = {"ORGANIZATIONS": org, "AUTHMODE": "azrepos", "SSHKEY": "false",
           "SOURCE": f"/wheels/{wheel.name}", **PIP_ENV, **options}
    return box.exec("sh", "/feature/install.sh", env=env)


def test_feature_install_and_post_create_then_clone(container: Container, wheel: Path,
                                                    sandbox: RunningSandbox) -> None:
    box, pat = container, sandbox.info["pat"]
    first = install(box, wheel, sandbox.org_url)
    assert "installed (azrepos)" in first.stdout
    again = install(box, wheel, sandbox.org_url)  # idempotent and quick the second time
    assert "installed (azrepos)" in again.stdout
    box.exec("useradd", "-m", "-s", "/bin/sh", "vscode")
    env = {"AZREPOS_CA_BUNDLE": "/sandbox-ca.pem", "AZREPOS_SECRET_STORE": "file",
           "GIT_TERMINAL_PROMPT": "0"}
    hook = box.exec("/usr/local/share/azrepos/post-create.sh", user="vscode", env=env,
                    env_from_host={"AZURE_DEVOPS_EXT_PAT": pat})
    assert "stored in" in hook.stdout and "configured" in hook.stdout
    rerun = box.exec("/usr/local/share/azrepos/post-create.sh", user="vscode", env=env,
                     env_from_host={"AZURE_DEVOPS_EXT_PAT": pat})
    assert "unchanged" in rerun.stdout
    clone = box.exec("git", "clone", sandbox.info["https_clone_url"], "/home/vscode/hello",
                     user="vscode", env=env)
    assert "Cloning" in clone.stderr
    box.exec("test", "-f", "/home/vscode/hello/README.md")
    modes = box.exec("stat", "-c", "%a %U", "/home/vscode/.config/azrepos/secrets.json").stdout
    assert modes.strip() == "600 vscode"
    gitconfigs = box.exec("sh", "-c", "cat /home/vscode/.gitconfig "
                          "/home/vscode/.config/azrepos/gitconfig", user="vscode").stdout
    assert pat not in gitconfigs and "git-credential-azrepos" in gitconfigs
    assert pat not in hook.stdout + hook.stderr + rerun.stdout + rerun.stderr


def test_without_token_or_terminal_the_hook_says_how_to_sign_in(container: Container, wheel: Path,
                                                               sandbox: RunningSandbox) -> None:
    install(container, wheel, sandbox.org_url)
    done = container.exec("/usr/local/share/azrepos/post-create.sh", check=False,
                          env={"AZREPOS_CA_BUNDLE": "/sandbox-ca.pem"})
    assert done.returncode == 0
    assert f"sign in later with: azrepos login --org {sandbox.org_url}" in done.stdout


def test_bad_options_fail_clearly(container: Container, wheel: Path,
                                  sandbox: RunningSandbox) -> None:
    done = container.exec("sh", "/feature/install.sh", check=False,
                          env={"AUTHMODE": "telepathy", "ORGANIZATIONS": sandbox.org_url})
    assert done.returncode == 1 and "authMode must be" in done.stderr
    done = container.exec("sh", "/feature/install.sh", check=False,
                          env={"ORGANIZATIONS": "http://dev.azure.com/x'; rm -rf /"})
    assert done.returncode == 1 and "must be an https:// URL" in done.stderr


def test_two_organizations_are_both_configured(wheel: Path, sandbox: RunningSandbox,
                                               tmp_path: Path) -> None:
    """Each organization keeps its git config: the hook configures them in one call."""
    require_podman()
    with start(tmp_path / "second") as other:
        bundle = tmp_path / "cas.pem"
        bundle.write_text(Path(sandbox.ca_file).read_text() + Path(other.ca_file).read_text())
        box = Container(f"{REPO / 'features' / 'azrepos'}:/feature:ro",
                        f"{wheel.parent}:/wheels:ro", f"{bundle}:/sandbox-ca.pem:ro")
        try:
            install(box, wheel, f"{sandbox.org_url},{other.org_url}")
            box.exec("useradd", "-m", "-s", "/bin/sh", "vscode")
            env = {"AZREPOS_CA_BUNDLE": "/sandbox-ca.pem", "AZREPOS_SECRET_STORE": "file",
                   "GIT_TERMINAL_PROMPT": "0"}
            for box_sandbox in (sandbox, other):  # each organization's own PAT, stored first
                box.exec("sh", "-c", "printenv AZURE_DEVOPS_EXT_PAT | env -u AZURE_DEVOPS_EXT_PAT "
                         f"azrepos login --org {box_sandbox.org_url} --pat-stdin", user="vscode",
                         env=env, env_from_host={"AZURE_DEVOPS_EXT_PAT": box_sandbox.info["pat"]})
            box.exec("/usr/local/share/azrepos/post-create.sh", user="vscode", env=env)
            include = box.exec("cat", "/home/vscode/.config/azrepos/gitconfig",
                               user="vscode").stdout
            assert sandbox.org_url in include and other.org_url in include
            for n, box_sandbox in enumerate((sandbox, other)):
                clone = box.exec("git", "clone", box_sandbox.info["https_clone_url"],
                                 f"/home/vscode/clone{n}", user="vscode", env=env)
                assert "Cloning" in clone.stderr
        finally:
            box.remove()
