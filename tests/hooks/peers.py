"""Runs secret scanners over a generated corpus (tests/hooks/corpus.py) and scores them alike.

Each scanner is a real command: ``azrepos detect-secrets``, ``detect-secrets scan`` (PyPI) and,
when installed, ``trufflehog3`` (PyPI, in its own venv: it pins an old attrs). A file counts as
caught when the scanner reports anything in it; an echo is any 8-character piece of a secret
(or of its base64 form) in what the scanner printed.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .corpus import Corpus, basic

TRUFFLEHOG_VENV = Path(os.environ.get("AZREPOS_CACHE", "/var/cache/azrepos")) / "peer-trufflehog3"
ECHO_PIECE = 8


@dataclass(frozen=True)
class Run:
    found: frozenset[str]  # corpus-relative paths with at least one finding
    output: str  # everything the scanner printed
    seconds: float


@dataclass(frozen=True)
class Score:
    name: str
    caught: int
    leaks: int
    per_kind: dict[str, tuple[int, int]]  # kind -> (caught, total)
    false_positive_files: list[str]
    echoed: int  # leaks with a piece of the secret in the output
    seconds_per_file: float

    @property
    def recall(self) -> float:
        return self.caught / self.leaks


def _bin(name: str) -> str:
    here = Path(sys.executable).parent / name
    return str(here) if here.exists() else (shutil.which(name) or name)


def _timed(args: list[str], cwd: Path) -> tuple[subprocess.CompletedProcess[str], float]:
    start = time.perf_counter()
    done = subprocess.run(args, cwd=cwd, capture_output=True, text=True, check=False, timeout=600)
    return done, time.perf_counter() - start


def run_azrepos(corpus: Corpus) -> Run:
    done, seconds = _timed([_bin("azrepos"), "detect-secrets", "--json", *corpus.files], corpus.root)
    found = {f["path"] for f in json.loads(done.stdout)["findings"]}
    return Run(frozenset(found), done.stdout + done.stderr, seconds)


def run_detect_secrets(corpus: Corpus) -> Run:
    done, seconds = _timed([_bin("detect-secrets"), "scan", "--all-files", *corpus.files], corpus.root)
    results = json.loads(done.stdout)["results"]
    return Run(frozenset(p for p, hits in results.items() if hits), done.stdout + done.stderr, seconds)


def trufflehog3() -> str | None:
    path = TRUFFLEHOG_VENV / "bin" / "trufflehog3"
    return str(path) if path.exists() else None


def run_trufflehog3(corpus: Corpus) -> Run:
    done, seconds = _timed([str(trufflehog3()), "-z", "--no-history", "--format", "json", "."],
                           corpus.root)
    found = {str(hit["path"]) for hit in json.loads(done.stdout or "[]")}
    return Run(frozenset(found), done.stdout + done.stderr, seconds)


SCANNERS: dict[str, Callable[[Corpus], Run]] = {
    "azrepos": run_azrepos,
    "detect-secrets": run_detect_secrets,
    "trufflehog3": run_trufflehog3,
}


def echoed(secret: str, output: str) -> bool:
    forms = [secret]
    if len(secret) in (52, 84):
        forms.append(basic(secret))
    return any(form[i:i + ECHO_PIECE] in output
               for form in forms for i in range(0, len(form) - ECHO_PIECE + 1, ECHO_PIECE))


def score(name: str, corpus: Corpus, run: Run) -> Score:
    per_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    caught = echoes = 0
    for leak in corpus.leaks:
        hit = leak.path in run.found
        caught += hit
        per_kind[leak.kind][0] += hit
        per_kind[leak.kind][1] += 1
        echoes += echoed(leak.secret, run.output)
    false_positives = sorted(p for p in corpus.clean if p in run.found)
    return Score(name, caught, len(corpus.leaks), {k: (v[0], v[1]) for k, v in per_kind.items()},
                 false_positives, echoes, run.seconds / len(corpus.files))
