"""The outside judge of the credential helper: git's own ``t/lib-credential.sh`` (git 2.47, from
Debian trixie's source package) run against ``git-credential-azrepos``, once with every
``example.com`` host rewritten to ``dev.azure.com`` and once to ``orgx.visualstudio.com``.

Every test must pass except the ones listed below, each contradicting a documented design choice
(README, "What the credential helper does not do"). The list is exact: a test that starts to pass
fails here too, so the list and the README stay true.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SUITE = Path(__file__).resolve().parents[1] / "git_suite" / "t9903-azrepos-credential.sh"
BIN = Path(sys.executable).parent
RESULT = re.compile(r"^(ok|not ok) (\d+) - (.*?)(?: # .*)?$")

NOT_OURS = "a host that is not Azure DevOps (sso.tld) gets no answer, so git asks the next helper"
REFRESH = "oauth_refresh_token is not stored: MSAL owns refresh"
BEARER = ("a Bearer credential git got elsewhere is not stored: Entra tokens come from MSAL's "
          "cache (and git.<host> is not an Azure DevOps host)")
ONE_PAT = "one PAT per organization: a second user of the same organization replaces the first"
SHARED = {
    "helper (azrepos) can store empty username": NOT_OURS,
    "helper (azrepos) gets oauth_refresh_token": REFRESH,
    "helper (azrepos) gets authtype and credential": BEARER,
    "helper (azrepos) gets authtype and credential with username": BEARER,
}
EXPECTED_FAILURES = {
    # On dev.azure.com without a path, the user name is the organization: users are orgs.
    "dev.azure.com": SHARED,
    # On ORG.visualstudio.com the host is the organization, so two users share one PAT slot.
    "orgx.visualstudio.com": {**SHARED,
                              "helper (azrepos) can store multiple users": ONE_PAT,
                              "helper (azrepos) remembers other user": ONE_PAT},
}


def suite_tree(newer_git: Path, dest: Path, host: str) -> Path:
    """A symlinked copy of the built source tree whose lib-credential.sh names ``host``."""
    shutil.copytree(newer_git / "source", dest, symlinks=True,
                    copy_function=os.symlink, ignore=shutil.ignore_patterns(".git"))
    library = dest / "t" / "lib-credential.sh"
    text = (newer_git / "source" / "t" / "lib-credential.sh").read_text()
    library.unlink()
    library.write_text(text.replace("example.com", host))
    shutil.copy(SUITE, dest / "t" / SUITE.name)
    return dest / "t"


@pytest.mark.parametrize("host", sorted(EXPECTED_FAILURES))
def test_lib_credential_suite(newer_git: Path, tmp_path: Path, host: str) -> None:
    t_dir = suite_tree(newer_git, tmp_path / "git", host)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "AZREPOS_"))}
    env.update({"PATH": f"{BIN}:{env.get('PATH', '/usr/bin:/bin')}",
                "AZREPOS_SECRET_STORE": "file",
                "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"})
    done = subprocess.run(["sh", SUITE.name], cwd=t_dir, env=env, capture_output=True,
                          text=True, timeout=900, check=False)
    results = {m.group(3): m.group(1) == "ok"
               for m in map(RESULT.match, done.stdout.splitlines()) if m}
    assert len(results) >= 28, f"the suite ran too few tests:\n{done.stdout}\n{done.stderr}"
    failed = {title for title, passed in results.items() if not passed}
    expected = set(EXPECTED_FAILURES[host])
    assert failed - expected == set(), f"unexpected failures on {host}:\n{done.stdout}"
    assert expected - failed == set(), f"listed exceptions now pass on {host}: update the list"
    assert "Traceback" not in done.stdout + done.stderr
