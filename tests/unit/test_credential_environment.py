"""The environment azrepos runs git with: the organization's credential and CA for its URL only,
and a GIT_SSL_CAINFO the user set still serving every other host (real git reads it back)."""

from __future__ import annotations

import os
import subprocess

from azrepos.git_command import credential_environment

ORG = "https://dev.azure.com/contoso"


def ca_for(env: dict[str, str], url: str) -> str:
    return subprocess.run(["git", "config", "--get-urlmatch", "http.sslcainfo", url], env=env,
                          capture_output=True, text=True, check=True).stdout.strip()


def test_the_organization_gets_its_ca_and_other_hosts_keep_the_users() -> None:
    base = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull,
            "GIT_SSL_CAINFO": "/etc/corp-bundle.pem"}
    env = credential_environment(base, ORG, "Basic xyz", "/etc/azrepos/org-ca.pem")
    assert "GIT_SSL_CAINFO" not in env
    assert ca_for(env, f"{ORG}/Web/_git/site") == "/etc/azrepos/org-ca.pem"
    assert ca_for(env, "https://github.com/x/y") == "/etc/corp-bundle.pem"
    assert "Basic xyz" not in " ".join(f"{k}={v}" for k, v in env.items() if "COUNT" in k)
