"""Host-key pinning: one rule, used by the CLI (``pin``) and the ssh_key role (the
``known_hosts_line`` filter)."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pytest
from ansible.errors import AnsibleFilterError
from harness import ensure_collection_link  # molecule/, on sys.path from tests/conftest.py

from azrepos.errors import ConfigError
from azrepos.sshkeys import known_hosts
from azrepos.sshkeys.known_hosts import AZURE_HOST_KEY, AZURE_HOST_KEY_FINGERPRINT
from tests.conftest import make_key

COLLECTIONS = Path(__file__).resolve().parents[2] / ".collections"
AZURE = {"hostname": "ssh.dev.azure.com", "host_key": AZURE_HOST_KEY,
         "host_key_fingerprint": AZURE_HOST_KEY_FINGERPRINT,
         "known_hosts_names": list(known_hosts.AZURE_SSH_HOSTS)}


def filters():
    """The filter plugin as Ansible loads it: inside the collection, beside its module_utils."""
    ensure_collection_link()
    if str(COLLECTIONS) not in sys.path:
        sys.path.append(str(COLLECTIONS))
    return importlib.import_module("ansible_collections.azrepos.devenv.plugins.filter.core")


def other_key(tmp_path: Path) -> str:
    return " ".join(Path(f"{make_key(tmp_path / 'k')}.pub").read_text().split()[:2])


def test_the_filter_gives_the_line_the_cli_writes(tmp_path: Path) -> None:
    line = filters().known_hosts_line(AZURE, "")
    assert line.startswith("ssh.dev.azure.com,vs-ssh.visualstudio.com ssh-rsa AAAA")
    path = tmp_path / "known_hosts"
    assert known_hosts.pin(path, list(known_hosts.AZURE_SSH_HOSTS))
    assert path.read_text() == line + "\n"
    assert filters().known_hosts_line(AZURE, path.read_text()) == ""  # pinned: nothing to add
    assert not known_hosts.pin(path, list(known_hosts.AZURE_SSH_HOSTS))


def test_a_scanned_key_is_chosen_by_fingerprint(tmp_path: Path) -> None:
    scanned = ["# ssh.dev.azure.com:22 SSH-2.0", f"ssh.dev.azure.com {other_key(tmp_path)}",
               f"ssh.dev.azure.com {AZURE_HOST_KEY}"]
    assert filters().known_hosts_line({**AZURE, "host_key": None}, "", scanned)


def test_a_host_offering_another_key_is_refused(tmp_path: Path) -> None:
    with pytest.raises(AnsibleFilterError, match="did not offer a host key with fingerprint"):
        filters().known_hosts_line({**AZURE, "host_key": None}, "",
                                   [f"ssh.dev.azure.com {other_key(tmp_path)}"])


def test_a_different_pinned_key_is_refused_not_replaced(tmp_path: Path) -> None:
    existing = f"ssh.dev.azure.com {other_key(tmp_path)}\n"
    with pytest.raises(AnsibleFilterError, match="already pins a different ssh-rsa key"):
        filters().known_hosts_line(AZURE, existing, where="/home/dev/.ssh/known_hosts")
    path = tmp_path / "known_hosts"
    path.write_text(existing)
    with pytest.raises(ConfigError, match="ssh-keygen -R"):
        known_hosts.pin(path, list(known_hosts.AZURE_SSH_HOSTS))
    assert path.read_text() == existing
