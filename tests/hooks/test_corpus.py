"""The outside judge for the hook: a generated leak corpus, scored side by side with detect-secrets.

No timing here (benchmarks/secret_scan.py times it): recall, false-positive files and echoes only.
"""

from __future__ import annotations

import pytest

from .corpus import generate
from .peers import run_azrepos, run_detect_secrets, score

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
