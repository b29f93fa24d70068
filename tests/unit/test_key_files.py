import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest

from azrepos.errors import ConfigError, KeyRejected
from azrepos.fileio import ensure_private_dir
from azrepos.sshkeys import key_files, rotation
from tests.conftest import make_key, ssh_keygen


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_generate_writes_openssh_key_with_safe_modes(home: Path) -> None:
    key = key_files.ensure(home / ".ssh" / "id_rsa_azrepos", bits=2048)
    assert key.created
    assert mode(home / ".ssh") == 0o700
    assert mode(key.private_path) == 0o600
    assert key.private_path.read_text().startswith("-----BEGIN OPENSSH PRIVATE KEY-----")
    # ssh-keygen can read the private key and agrees on the fingerprint
    assert ssh_keygen("-lf", str(key.private_path)).split()[1] == key.public.fingerprint
    assert key.public.bits == 2048


def test_existing_key_is_reused_never_overwritten(home: Path) -> None:
    path = make_key(home / ".ssh" / "id_rsa_azrepos")
    before = path.read_bytes()
    key = key_files.ensure(path)
    assert not key.created
    assert path.read_bytes() == before


def test_ssh_dir_mode_is_forced_to_0700(home: Path) -> None:
    (home / ".ssh").mkdir(mode=0o755)
    (home / ".ssh").chmod(0o755)
    key_files.ensure(home / ".ssh" / "k", bits=2048)
    assert mode(home / ".ssh") == 0o700


def test_lax_private_key_mode_is_tightened(home: Path) -> None:
    path = make_key(home / ".ssh" / "k")
    path.chmod(0o644)
    key_files.load(path)
    assert mode(path) == 0o600


def test_missing_pub_is_derived(home: Path) -> None:
    path = make_key(home / ".ssh" / "k")
    expected = ssh_keygen("-lf", str(path)).split()[1]
    (home / ".ssh" / "k.pub").unlink()
    key = key_files.load(path)
    assert key.public.fingerprint == expected
    assert (home / ".ssh" / "k.pub").exists()


def test_mismatched_pub_is_an_error(home: Path) -> None:
    path = make_key(home / ".ssh" / "k")
    make_key(home / ".ssh" / "other")
    (home / ".ssh" / "k.pub").write_text((home / ".ssh" / "other.pub").read_text())
    with pytest.raises(ConfigError, match="does not belong"):
        key_files.load(path)


def test_lone_pub_blocks_generation(home: Path) -> None:
    (home / ".ssh").mkdir(mode=0o700)
    (home / ".ssh" / "k.pub").write_text("ssh-rsa AAAA x\n")
    with pytest.raises(ConfigError, match="will not replace"):
        key_files.ensure(home / ".ssh" / "k", bits=2048)
    assert not (home / ".ssh" / "k").exists()


def test_ed25519_existing_key_is_refused(home: Path) -> None:
    path = make_key(home / ".ssh" / "id_ed25519", "ed25519")
    with pytest.raises(KeyRejected, match="RSA"):
        key_files.ensure(path)


def test_encrypted_key_without_pub_explains_the_fix(home: Path) -> None:
    path = home / ".ssh" / "enc"
    path.parent.mkdir()
    ssh_keygen("-q", "-t", "rsa", "-b", "2048", "-N", "passphrase", "-f", str(path))
    (home / ".ssh" / "enc.pub").unlink()
    with pytest.raises(KeyRejected, match="ssh-keygen -y"):
        key_files.load(path)


def test_encrypted_key_with_pub_is_usable(home: Path) -> None:
    path = home / ".ssh" / "enc"
    path.parent.mkdir()
    ssh_keygen("-q", "-t", "rsa", "-b", "2048", "-N", "passphrase", "-f", str(path))
    assert key_files.load(path).public.bits == 2048


def test_generate_refuses_an_existing_private_key(home: Path) -> None:
    path = make_key(home / ".ssh" / "k")
    (home / ".ssh" / "k.pub").unlink()
    before = path.read_bytes()
    with pytest.raises(FileExistsError):
        key_files.generate(path, bits=2048)
    assert path.read_bytes() == before


def test_small_keys_are_not_generated(home: Path) -> None:
    with pytest.raises(KeyRejected):
        key_files.generate(home / ".ssh" / "k", bits=1024)


def test_switch_keeps_the_old_pair_and_puts_the_staged_one_in_place(home: Path) -> None:
    old = make_key(home / ".ssh" / "k")
    old_fp = ssh_keygen("-lf", str(old)).split()[1]
    started = rotation.begin(old, bits=2048)
    retired = rotation.switch(started)
    assert ssh_keygen("-lf", str(retired)).split()[1] == old_fp
    assert ssh_keygen("-lf", f"{retired}.pub").split()[1] == old_fp
    assert ssh_keygen("-lf", str(old)).split()[1] == started.new.fingerprint != old_fp
    assert not rotation.staged_path(old).exists()
    assert rotation.switch(rotation.pending(old)) == retired  # again: nothing moves
    assert ssh_keygen("-lf", str(retired)).split()[1] == old_fp
    rotation.finish(old)
    assert not rotation.journal_path(old).exists()


def test_two_retirements_in_the_same_second_get_distinct_names(home: Path) -> None:
    now = datetime(2026, 12, 2, 12, 0, 0, tzinfo=UTC)
    path = home / ".ssh" / "k"
    make_key(path)
    names = []
    for _ in range(3):
        retired = rotation.switch(rotation.begin(path, bits=2048), now=now)
        rotation.finish(path)
        names.append(retired.name)
        assert Path(f"{retired}.pub").exists() and path.exists()
    assert names == ["k.retired-20261202T120000Z", "k.retired-20261202T120000Z.1",
                     "k.retired-20261202T120000Z.2"]


def test_a_symlinked_key_is_refused_and_its_target_keeps_its_mode(home: Path) -> None:
    victim = home / "shadow"
    victim.write_text("not yours\n")
    victim.chmod(0o644)
    (home / ".ssh").mkdir(mode=0o700)
    (home / ".ssh" / "id_rsa_azrepos").symlink_to(victim)
    with pytest.raises(ConfigError, match="symbolic link"):
        key_files.ensure(home / ".ssh" / "id_rsa_azrepos", bits=2048)
    assert stat.S_IMODE(victim.stat().st_mode) == 0o644 and victim.read_text() == "not yours\n"


def test_a_dangling_symlinked_key_is_refused_not_created_through(home: Path) -> None:
    (home / ".ssh").mkdir(mode=0o700)
    (home / ".ssh" / "k").symlink_to(home / "elsewhere")
    with pytest.raises(ConfigError, match="symbolic link"):
        key_files.ensure(home / ".ssh" / "k", bits=2048)
    assert not (home / "elsewhere").exists()


def test_a_symlinked_pub_or_ssh_dir_is_refused(home: Path) -> None:
    key = make_key(home / ".ssh" / "k")
    Path(f"{key}.pub").unlink()
    Path(f"{key}.pub").symlink_to(home / "planted.pub")
    with pytest.raises(ConfigError, match="symbolic link"):
        key_files.load(key)
    assert not (home / "planted.pub").exists()
    real = home / "dotfiles-ssh"
    real.mkdir(mode=0o755)
    (home / "linked").symlink_to(real)
    with pytest.raises(ConfigError, match="symbolic link"):
        ensure_private_dir(home / "linked")
    assert stat.S_IMODE(real.stat().st_mode) == 0o755


def test_a_staged_key_without_its_predecessor_is_explained_not_replaced(home: Path) -> None:
    staged = make_key(home / ".ssh" / "k.next")
    before = staged.read_bytes()
    with pytest.raises(ConfigError, match="older azrepos was interrupted"):
        rotation.begin(home / ".ssh" / "k", bits=2048)
    assert staged.read_bytes() == before and not (home / ".ssh" / "k").exists()


def test_a_symlinked_rotation_journal_is_refused(home: Path) -> None:
    key = make_key(home / ".ssh" / "k")
    victim = home / "victim"
    victim.write_text("{}")
    rotation.journal_path(key).symlink_to(victim)
    with pytest.raises(ConfigError, match="symbolic link"):
        rotation.begin(key, bits=2048)
    assert victim.read_text() == "{}"
