"""Rotating a key pair on disk so that a crash at any step resumes: the disk half of
``ssh-key rotate``, shared by the CLI (``sync.KeySync.rotate``) and the Ansible role (the
target-side ``azrepos.devenv.ssh_key_rotation`` module).

A journal beside the key (``KEY.rotation``, 0600) holds the old public key and the name chosen
for the retired pair; the files present say how far the rotation got:

1. ``begin``: journal written, then ``KEY.next`` generated (or picked up);
2. the caller registers ``KEY.next`` in each organization;
3. ``switch``: the old pair hard-linked as ``KEY.retired-STAMP``, then ``KEY.next`` renamed
   over ``KEY`` (``KEY`` never goes missing, so ``ssh-key add`` never makes a third key);
4. the caller revokes the old key;
5. ``finish``: journal removed.

Every step is idempotent, so a run that resumes simply does them all again. The caller holds
``lock(KEY)`` around the steps it runs.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from ..errors import ConfigError
from ..fileio import locked, refuse_symlink, write_atomic
from . import key_files
from .public_key import PublicKey, parse

CRASH_ENV = "AZREPOS_TEST_CRASH_AFTER"


def crash_point(step: str) -> None:
    """Test-only: the crash tests make the process die right after ``step``."""
    if os.environ.get(CRASH_ENV) == step:
        os._exit(137)


def staged_path(key_path: Path) -> Path:
    return key_path.with_name(key_path.name + ".next")


def journal_path(key_path: Path) -> Path:
    return key_path.with_name(key_path.name + ".rotation")


def lock_path(key_path: Path) -> Path:
    return key_path.with_name(key_path.name + ".lock")


def files_of(key_path: Path) -> list[Path]:
    """What azrepos leaves for a key once no rotation is under way: the pair and its lock."""
    return [key_path, key_files.pub_path(key_path), lock_path(key_path)]


@contextmanager
def lock(key_path: Path, *, shared: bool = False) -> Iterator[None]:
    """Exclusive for a rotation, shared for ``ssh-key add``. A second rotation exits with a
    clear message instead of waiting (it would rotate the fresh key again); ``add`` waits."""
    key_files.prepare_dir(key_path.parent)
    if shared:
        with locked(lock_path(key_path), shared=True):
            yield
        return
    with locked(lock_path(key_path), wait=False) as held:
        if held:
            yield
            return
    with locked(lock_path(key_path), shared=True, wait=False) as only_readers:
        if not only_readers:
            raise ConfigError(
                f"another azrepos process is rotating {key_path} right now",
                hint="wait for it to finish; run 'azrepos ssh-key rotate' again only if you "
                "want yet another key",
            )
    with locked(lock_path(key_path)):  # only 'ssh-key add' runs: wait for it
        yield


@dataclass(frozen=True)
class Journal:
    old_public: str
    retired: str | None = None  # file name chosen for the retired private key
    started: str = ""

    @property
    def old(self) -> PublicKey:
        return parse(self.old_public)


def read_journal(key_path: Path) -> Journal | None:
    path = journal_path(key_path)
    refuse_symlink(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return Journal(str(data["old_public"]), data.get("retired"), str(data.get("started", "")))
    except FileNotFoundError:
        return None
    except (ValueError, KeyError, TypeError):
        raise ConfigError(
            f"{path} (the journal of an interrupted key rotation) is damaged",
            hint=f"check which key is registered (azrepos ssh-key list), then remove it: rm {path}",
        ) from None


def _write_journal(key_path: Path, journal: Journal) -> None:
    text = json.dumps({"old_public": journal.old_public, "retired": journal.retired,
                       "started": journal.started}, indent=1) + "\n"
    write_atomic(journal_path(key_path), text, mode=0o600)


@dataclass(frozen=True)
class Rotation:
    """A rotation under way: the key being replaced, its successor, and whether ``KEY``
    already holds the successor."""

    key_path: Path
    old: PublicKey
    new: PublicKey
    switched: bool

    @property
    def retired_path(self) -> Path | None:
        journal = read_journal(self.key_path)
        return self.key_path.with_name(journal.retired) if journal and journal.retired else None


def due(key_path: Path, after_days: int, now: datetime | None = None) -> bool:
    """Whether a key is old enough to rotate (0: always)."""
    if after_days <= 0:
        return True
    age = (now or datetime.now(UTC)).timestamp() - key_path.stat().st_mtime
    return age > after_days * 86400


def pending(key_path: Path, *, bits: int = key_files.DEFAULT_BITS,
            comment: str | None = None) -> Rotation | None:
    """The rotation a journal says is under way, from the files present; ``KEY.next`` is
    generated if the crash came before it was."""
    journal = read_journal(key_path)
    if journal is None:
        return None
    staged = staged_path(key_path)
    staged_pub = key_files.pub_path(staged)
    for part in (staged, staged_pub):
        refuse_symlink(part)
    if staged.exists():  # not switched yet (or the .pub not yet renamed)
        new = key_files.load(staged).public
        return Rotation(key_path, journal.old, new, switched=False)
    if staged_pub.exists():  # KEY is the new private key already, KEY.pub not yet
        return Rotation(key_path, journal.old, parse(staged_pub.read_text(encoding="utf-8")),
                        switched=False)
    current = key_files.load(key_path).public
    if current.fingerprint != journal.old.fingerprint:
        return Rotation(key_path, journal.old, current, switched=True)
    new = key_files.ensure(staged, bits=bits, comment=comment).public  # crashed before keygen
    crash_point("generated")
    return Rotation(key_path, journal.old, new, switched=False)


def begin(key_path: Path, *, bits: int = key_files.DEFAULT_BITS,
          comment: str | None = None) -> Rotation:
    """Resume the rotation under way, or start one: journal first, then ``KEY.next``."""
    under_way = pending(key_path, bits=bits, comment=comment)
    if under_way is not None:
        return under_way
    staged = staged_path(key_path)
    if not key_path.exists() and staged.exists():  # left by azrepos 0.1, which moved KEY first
        raise ConfigError(
            f"{key_path} is missing but {staged} is there: an older azrepos was interrupted "
            "while rotating",
            hint=f"put the staged key in place (mv {staged} {key_path}; mv {staged}.pub "
            f"{key_path}.pub), run 'azrepos ssh-key rotate' again, and revoke keys you no "
            "longer have with 'azrepos ssh-key remove --fingerprint'",
        )
    old = key_files.load(key_path)
    _write_journal(key_path, Journal(old.public.line,
                                     started=datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")))
    crash_point("journal")
    new = key_files.ensure(staged_path(key_path), bits=bits, comment=comment).public
    crash_point("generated")
    return Rotation(key_path, old.public, new, switched=False)


def switch(rotation: Rotation, now: datetime | None = None) -> Path:
    """Keep the old pair as ``KEY.retired-STAMP`` (hard links), then rename ``KEY.next`` over
    ``KEY``, private key first; returns the retired private path."""
    key_path = rotation.key_path
    journal = read_journal(key_path)
    if journal is None:
        raise ConfigError(f"no rotation of {key_path} is under way",
                          hint="start one: azrepos ssh-key rotate")
    if journal.retired is None:
        retired_name = key_files.free_retired_name(key_path, now=now)
        journal = Journal(journal.old_public, retired_name, journal.started)
        _write_journal(key_path, journal)
    retired = key_path.with_name(journal.retired or "")
    staged = staged_path(key_path)
    if not rotation.switched:
        for source, dest in ((key_path, retired),
                             (key_files.pub_path(key_path), key_files.pub_path(retired))):
            if not dest.exists() and source.exists():
                os.link(source, dest)  # the old file, still in place: fails rather than overwrite
            crash_point("retired-private" if source == key_path else "retired")
        if staged.exists():
            os.replace(staged, key_path)
            crash_point("promoted-private")
        if key_files.pub_path(staged).exists():
            os.replace(key_files.pub_path(staged), key_files.pub_path(key_path))
    crash_point("promoted")
    return retired


def finish(key_path: Path) -> None:
    """Drop the journal once the new key is in place (and the old one revoked)."""
    journal = read_journal(key_path)
    if journal is None:
        return
    if key_files.load(key_path).public.fingerprint == journal.old.fingerprint:
        raise ConfigError(f"the rotation of {key_path} has not switched keys yet",
                          hint="run 'azrepos ssh-key rotate' again to finish it")
    journal_path(key_path).unlink()
