from pathlib import Path

import pytest

from azrepos.errors import KeyRejected
from azrepos.sshkeys.public_key import fingerprint_of, parse, require_azure_compatible
from tests.conftest import make_key, ssh_keygen


@pytest.mark.parametrize(("key_type", "bits"), [("rsa", 2048), ("rsa", 3072), ("ed25519", 0),
                                                 ("ecdsa", 256)])
def test_fingerprint_matches_ssh_keygen(tmp_path: Path, key_type: str, bits: int) -> None:
    key = make_key(tmp_path / "k", key_type, bits)
    expected = ssh_keygen("-lf", f"{key}.pub").split()[1]
    assert parse((tmp_path / "k.pub").read_text()).fingerprint == expected


def test_rsa_bits_are_read_from_the_key(tmp_path: Path) -> None:
    make_key(tmp_path / "k", "rsa", 3072)
    assert parse((tmp_path / "k.pub").read_text()).bits == 3072


@pytest.mark.parametrize(("key_type", "bits", "word"), [("ed25519", 0, "Ed25519"),
                                                        ("ecdsa", 256, "ECDSA")])
def test_non_rsa_keys_are_refused_with_the_reason(tmp_path: Path, key_type: str, bits: int,
                                                  word: str) -> None:
    make_key(tmp_path / "k", key_type, bits)
    with pytest.raises(KeyRejected) as err:
        require_azure_compatible(parse((tmp_path / "k.pub").read_text()))
    assert word in str(err.value) and "RSA" in str(err.value)


def test_short_rsa_keys_are_refused(tmp_path: Path) -> None:
    make_key(tmp_path / "k", "rsa", 1024)
    with pytest.raises(KeyRejected, match="1024 bits"):
        require_azure_compatible(parse((tmp_path / "k.pub").read_text()))


@pytest.mark.parametrize("line", ["", "ssh-rsa", "ssh-rsa !!!notbase64", "ssh-rsa AAAA",
                                  "ssh-ed25519 AAAAB3NzaC1yc2EAAAADAQABAAABAQC7"])
def test_garbage_is_not_a_key(line: str) -> None:
    with pytest.raises(KeyRejected):
        parse(line)
    assert fingerprint_of(line) is None


