"""The outside judge for the hook: a generated leak corpus, scored side by side with detect-secrets.

No timing here (benchmarks/secret_scan.py times it): recall, false-positive files and echoes only.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from .corpus import generate
from .peers import echoed, run_azrepos, run_detect_secrets, score

MIN_RECALL = 0.95


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return generate(tmp_path_factory.mktemp("corpus"))


@pytest.fixture(scope="module")
def ours(corpus):
    return score("azrepos", corpus, run_azrepos(corpus))


def test_the_corpus_is_large_enough_and_covers_every_kind(corpus):
    assert len(corpus.leaks) >= 40 and len(corpus.clean) >= 40
    assert len({leak.kind for leak in corpus.leaks}) >= 25


def test_recall_is_at_least_95_percent_and_every_kind_is_caught(ours):
    missed = {kind: counts for kind, counts in ours.per_kind.items() if counts[0] < counts[1]}
    assert ours.recall >= MIN_RECALL, missed
    assert not missed


def test_no_look_alike_file_is_reported(ours):
    assert ours.false_positive_files == []


def test_no_secret_is_echoed(ours):
    assert ours.echoed == 0


def test_recall_is_ahead_of_detect_secrets_on_the_same_corpus(corpus, ours):
    peer = score("detect-secrets", corpus, run_detect_secrets(corpus))
    assert peer.caught > 0  # the peer really ran and found something
    assert ours.caught >= peer.caught
    assert len(ours.false_positive_files) <= len(peer.false_positive_files)


@pytest.mark.parametrize(("args", "env"), [
    (["azrepos", "-vv", "detect-secrets"], {}),
    (["azrepos-detect-secrets"], {"AZREPOS_LOG_LEVEL": "DEBUG"}),
], ids=["cli-debug", "hook-debug-env"])
def test_debug_logging_never_echoes_a_corpus_secret(corpus, args, env):
    bindir = Path(sys.executable).parent
    done = subprocess.run([str(bindir / args[0]), *args[1:], *corpus.files], cwd=corpus.root,
                          capture_output=True, text=True, env={**os.environ, **env}, timeout=120)
    assert done.returncode == 1, done.stderr
    output = done.stdout + done.stderr
    assert all(not echoed(leak.secret, output) for leak in corpus.leaks)
