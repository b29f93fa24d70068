"""The CLI against the sandbox: keys over REST, then real git over SSH with those keys."""

from __future__ import annotations

import json
import stat

from tests.conftest import make_key
from tests.integration.conftest import User


def key_add(user: User, *extra: str) -> dict:
    done = user.azrepos("ssh-key", "add", "--org", user.org, "--json", "--bits", "2048",
                        *user.ssh_args(), *extra, check=True)
    return json.loads(done.stdout)


def writes(user: User) -> list[dict]:
    log = user.sandbox.admin("GET", "/_sandbox/requests")["value"]
    return [r for r in log if r["method"] in ("POST", "PUT", "DELETE", "PATCH")]


def test_add_generates_key_registers_it_and_ssh_clone_works(pat_user: User) -> None:
    user = pat_user
    first = key_add(user)
    key = user.home / ".ssh" / "id_rsa_azrepos"
    assert first["changed"] is True and first["id"] and first["valid_to"]
    assert first["fingerprint"].startswith("SHA256:")
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert stat.S_IMODE((user.home / ".ssh").stat().st_mode) == 0o700
    user.sandbox.admin("DELETE", "/_sandbox/requests")
    second = key_add(user)
    assert second["changed"] is False and second["id"] == first["id"]
    assert writes(user) == []
    text = user.azrepos("ssh-key", "add", "--org", user.org, *user.ssh_args(), check=True).stdout
    assert text.startswith("unchanged")
    clone = user.git("clone", user.sandbox.info["ssh_clone_url"], str(user.home / "repo"))
    assert clone.returncode == 0, clone.stderr
    assert (user.home / "repo" / "README.md").exists()


def test_remove_then_ssh_clone_is_denied(pat_user: User) -> None:
    user = pat_user
    added = key_add(user)
    removed = user.azrepos("ssh-key", "remove", "--org", user.org, "--json",
                           "--fingerprint", added["fingerprint"], check=True)
    assert json.loads(removed.stdout)["changed"] is True
    clone = user.git("clone", user.sandbox.info["ssh_clone_url"], str(user.home / "repo"))
    assert clone.returncode != 0
    assert "Permission denied" in clone.stderr
    again = user.azrepos("ssh-key", "remove", "--org", user.org, "--json",
                         "--key", str(user.home / ".ssh" / "id_rsa_azrepos"), check=True)
    assert json.loads(again.stdout)["changed"] is False


def test_list_shows_registered_keys(pat_user: User) -> None:
    added = key_add(pat_user)
    listing = json.loads(pat_user.azrepos("ssh-key", "list", "--org", pat_user.org, "--json",
                                          check=True).stdout)
    assert added["fingerprint"] in [k["fingerprint"] for k in listing["keys"]]


def test_existing_key_is_used_and_not_overwritten(pat_user: User) -> None:
    path = make_key(pat_user.home / "keys" / "mine")
    before = path.read_bytes()
    added = key_add(pat_user, "--key", str(path))
    assert path.read_bytes() == before
    assert added["key_path"] == str(path)


def test_ed25519_key_is_refused_before_any_write(pat_user: User) -> None:
    path = make_key(pat_user.home / "keys" / "ed", "ed25519")
    pat_user.sandbox.admin("DELETE", "/_sandbox/requests")
    done = pat_user.azrepos("ssh-key", "add", "--org", pat_user.org, "--key", str(path))
    assert done.returncode == 1
    assert "RSA" in done.stderr and "Ed25519" in done.stderr
    assert writes(pat_user) == []


def test_rotate_switches_key_and_revokes_the_old(pat_user: User) -> None:
    user = pat_user
    old = key_add(user)
    rotated = json.loads(user.azrepos("ssh-key", "rotate", "--org", user.org, "--json",
                                      "--bits", "2048", *user.ssh_args(), check=True).stdout)
    assert rotated["changed"] and rotated["fingerprint"] != old["fingerprint"]
    assert rotated["revoked_ids"] == [old["id"]]
    fingerprints = [k["fingerprint"] for k in json.loads(user.azrepos(
        "ssh-key", "list", "--org", user.org, "--json", check=True).stdout)["keys"]]
    assert rotated["fingerprint"] in fingerprints and old["fingerprint"] not in fingerprints
    retired = list((user.home / ".ssh").glob("id_rsa_azrepos.retired-*"))
    assert len([p for p in retired if not p.name.endswith(".pub")]) == 1
    clone = user.git("clone", user.sandbox.info["ssh_clone_url"], str(user.home / "repo"))
    assert clone.returncode == 0, clone.stderr


def test_expired_key_is_denied_then_renewed_by_add(pat_user: User) -> None:
    user = pat_user
    added = key_add(user)
    user.sandbox.admin("POST", f"/_sandbox/keys/{added['id']}/expire")
    clone = user.git("clone", user.sandbox.info["ssh_clone_url"], str(user.home / "r1"))
    assert clone.returncode != 0
    renewed = key_add(user)
    assert renewed["action"] == "extended" and renewed["id"] == added["id"]
    clone = user.git("clone", user.sandbox.info["ssh_clone_url"], str(user.home / "r2"))
    assert clone.returncode == 0, clone.stderr


def test_ssh_config_and_known_hosts_are_written(pat_user: User) -> None:
    key_add(pat_user)
    config = (pat_user.home / ".ssh" / "config").read_text()
    assert "Host 127.0.0.1" in config and "IdentitiesOnly yes" in config
    assert f"Port {pat_user.sandbox.info['ssh_port']}" in config
    known = (pat_user.home / ".ssh" / "known_hosts").read_text()
    assert f"[127.0.0.1]:{pat_user.sandbox.info['ssh_port']} ssh-rsa" in known
    shell = pat_user.run("ssh", "-F", str(pat_user.home / ".ssh" / "config"), "-o",
                         "BatchMode=yes", "-T", f"{pat_user.sandbox.info['ssh_user']}@127.0.0.1")
    assert "Shell access is not supported." in shell.stderr
