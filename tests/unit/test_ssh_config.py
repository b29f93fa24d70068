import json
import stat
from pathlib import Path

import pytest

from azrepos.errors import ConfigError
from azrepos.sshkeys import host_setup, known_hosts, ssh_config
from azrepos.urls import parse_org_url


def test_single_org_gets_the_plain_host_entry(home: Path) -> None:
    hosts = ssh_config.hosts_for({"contoso": home / ".ssh" / "id_rsa_azrepos"})
    text = ssh_config.render_entries(hosts)
    assert "Host ssh.dev.azure.com\n" in text
    assert f"IdentityFile {home}/.ssh/id_rsa_azrepos" in text
    assert "IdentitiesOnly yes" in text
    assert "Host azrepos-" not in text


def test_several_orgs_get_aliases() -> None:
    hosts = ssh_config.hosts_for({"One": Path("/k1"), "two": Path("/k2")})
    text = ssh_config.render_entries(hosts)
    assert "Host azrepos-one\n  HostName ssh.dev.azure.com\n  IdentityFile /k1" in text
    assert "Host azrepos-two\n  HostName ssh.dev.azure.com\n  IdentityFile /k2" in text


def test_managed_block_keeps_user_content_and_is_idempotent(home: Path) -> None:
    config = home / ".ssh" / "config"
    config.parent.mkdir()
    config.write_text("Host *\n  ServerAliveInterval 30\n")
    hosts = ssh_config.hosts_for({"contoso": Path("/k")})
    assert ssh_config.write(config, hosts)
    text = config.read_text()
    assert text.index("Host ssh.dev.azure.com") < text.index("Host *")  # first value wins in ssh
    assert not ssh_config.write(config, hosts)
    assert stat.S_IMODE(config.stat().st_mode) == 0o600
    assert ssh_config.write(config, [])
    assert config.read_text() == "Host *\n  ServerAliveInterval 30\n"


def test_azure_host_key_is_pinned_once(home: Path) -> None:
    kh = home / ".ssh" / "known_hosts"
    assert known_hosts.pin(kh, list(known_hosts.AZURE_SSH_HOSTS))
    assert not known_hosts.pin(kh, list(known_hosts.AZURE_SSH_HOSTS))
    assert kh.read_text().startswith("ssh.dev.azure.com,vs-ssh.visualstudio.com ssh-rsa AAAA")


def test_wrong_fingerprint_is_never_pinned(home: Path) -> None:
    kh = home / ".ssh" / "known_hosts"
    with pytest.raises(ConfigError, match="refusing"):
        known_hosts.pin(kh, ["ssh.dev.azure.com"], expected_fingerprint="SHA256:" + "A" * 43)
    assert not kh.exists()


def test_a_different_pinned_key_is_reported_not_replaced(home: Path, tmp_path: Path) -> None:
    from tests.conftest import make_key

    kh = home / ".ssh" / "known_hosts"
    make_key(tmp_path / "other")
    other = (tmp_path / "other.pub").read_text().split()
    kh.parent.mkdir()
    kh.write_text(f"ssh.dev.azure.com {other[0]} {other[1]}\n")
    with pytest.raises(ConfigError, match="different"):
        known_hosts.pin(kh, ["ssh.dev.azure.com"])


def test_configure_cloud_org_writes_config_and_pins(home: Path) -> None:
    org = parse_org_url("https://dev.azure.com/contoso")
    target = host_setup.target_for(org)
    key = home / ".ssh" / "id_rsa_azrepos"
    assert host_setup.configure(home, org, key, target)
    assert not host_setup.configure(home, org, key, target)
    assert "Host ssh.dev.azure.com" in (home / ".ssh" / "config").read_text()
    assert "ssh.dev.azure.com" in (home / ".ssh" / "known_hosts").read_text()
    second = parse_org_url("https://dev.azure.com/fabrikam")
    host_setup.configure(home, second, home / ".ssh" / "k2", target)
    text = (home / ".ssh" / "config").read_text()
    assert "Host azrepos-contoso" in text and "Host azrepos-fabrikam" in text


def test_a_dotfiles_symlinked_config_is_written_through(tmp_path: Path) -> None:
    real = tmp_path / "dotfiles" / "ssh_config"
    real.parent.mkdir()
    real.write_text("Host example\n  User me\n")
    ssh_dir = tmp_path / ".ssh"
    ssh_dir.mkdir(mode=0o700)
    (ssh_dir / "config").symlink_to(real)
    hosts = [ssh_config.SshHost("ssh.dev.azure.com", "ssh.dev.azure.com", str(ssh_dir / "k"),
                                None, "git", None)]
    assert ssh_config.write(ssh_dir / "config", hosts)
    assert (ssh_dir / "config").is_symlink() and "Host example" in real.read_text()
    assert "ssh.dev.azure.com" in real.read_text()


def test_the_record_a_face_writes_is_the_one_configure_writes(home: Path) -> None:
    """The ssh_key role writes ssh-hosts.json itself (through the ssh_hosts_record filter):
    its text must be what `azrepos ssh-key add` writes, and what `azrepos clone` reads."""
    org = parse_org_url("https://sandbox.example.com/Contoso")
    key = home / ".ssh" / "id_rsa_azrepos"
    target = host_setup.SshTarget("127.0.0.1", 2222, "dev", None, "SHA256:abc")
    host_setup.configure(home, org, key, target)
    path = host_setup.state_path(home)
    written = path.read_text(encoding="utf-8")
    assert host_setup.record_text("", add={org.name: (target, key, org.url)}) == written

    path.unlink()
    path.write_text(host_setup.record_text("", add={org.name: (target, key, org.url)}), encoding="utf-8")
    key.write_text("private\n")
    assert host_setup.clone_host(home, org) == "azrepos-contoso"


def test_the_record_keeps_other_organizations_and_empties_to_nothing() -> None:
    key = Path("/home/dev/.ssh/id_rsa_azrepos")
    a = host_setup.SshTarget("ssh.dev.azure.com", None, "git", None, None)
    both = host_setup.record_text("", add={"a": (a, key, None), "b": (a, key, None)})
    only_b = host_setup.record_text(both, remove=["a"])
    assert list(json.loads(only_b)) == ["b"]
    assert host_setup.record_text(only_b, remove=["b", "c"]) == ""
    with pytest.raises(ConfigError, match=r"ssh-hosts\.json is damaged"):
        host_setup.record_text("{not json", remove=["a"])
