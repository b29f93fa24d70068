"""Secret detection, side by side: azrepos vs detect-secrets (and trufflehog3 when installed).

    .venv/bin/python benchmarks/secret_scan.py [--runs 3] [--seed N]

The corpus comes from tests/hooks/corpus.py (a fixed seed, generated at run time). For each
scanner: recall per kind, false-positive files, leaks whose secret it echoed, time per file (one
process over the whole corpus), and time per commit through real `pre-commit run` with the
scanner as a local hook. Ratios are against detect-secrets, measured in the same run.
trufflehog3 pins an old attrs, so it lives in its own venv:
    python3 -m venv /var/cache/azrepos/peer-trufflehog3
    /var/cache/azrepos/peer-trufflehog3/bin/pip install trufflehog3==3.0.10
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.hooks.corpus import SEED, generate  # noqa: E402
from tests.hooks.peers import SCANNERS, Score, score, trufflehog3  # noqa: E402

IDENTITY = {"GIT_AUTHOR_NAME": "b", "GIT_AUTHOR_EMAIL": "b@example.com",
            "GIT_COMMITTER_NAME": "b", "GIT_COMMITTER_EMAIL": "b@example.com"}


def hook_entries() -> dict[str, str]:
    bindir = Path(sys.executable).parent
    entries = {"azrepos": f"{bindir}/azrepos-detect-secrets",
               "detect-secrets": f"{bindir}/detect-secrets-hook"}
    if trufflehog3():
        entries["trufflehog3"] = f"{trufflehog3()} -z --no-history"
    return entries


def pre_commit_seconds(name: str, entry: str, corpus_root: Path, runs: int) -> float:
    """Median wall time of `pre-commit run --all-files` with the scanner as a local hook."""
    with tempfile.TemporaryDirectory() as scratch:
        repo = Path(scratch) / "repo"
        env = {**os.environ, **IDENTITY, "PRE_COMMIT_HOME": str(Path(scratch) / "pc-home"),
               "PRE_COMMIT_COLOR": "never"}
        subprocess.run(["cp", "-r", str(corpus_root), str(repo)], check=True)
        subprocess.run(["git", "init", "-q", str(repo)], check=True, env=env)
        (repo / ".pre-commit-config.yaml").write_text(
            "repos:\n  - repo: local\n    hooks:\n"
            f"      - id: {name}\n        name: {name}\n        entry: {entry}\n"
            "        language: system\n        types: [text]\n")
        subprocess.run(["git", "add", "-A"], cwd=repo, check=True, env=env)
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "pre_commit", "run", "--all-files"], cwd=repo, env=env,
                           capture_output=True, check=False, timeout=600)
            times.append(time.perf_counter() - start)
        return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        corpus = generate(Path(scratch) / "corpus", args.seed)
        names = [n for n in SCANNERS if n != "trufflehog3" or trufflehog3()]
        scores: dict[str, Score] = {}
        for name in names:
            runs = [SCANNERS[name](corpus) for _ in range(args.runs)]
            best = min(runs, key=lambda r: r.seconds)
            scores[name] = score(name, corpus, best)
        commits = {n: pre_commit_seconds(n, e, corpus.root, args.runs) for n, e in hook_entries().items()}
    anchor = scores["detect-secrets"]
    kinds = sorted({leak.kind for leak in corpus.leaks})
    print(f"corpus: seed {args.seed}, {len(corpus.leaks)} leaks in {len(kinds)} "
          f"kinds, {len(corpus.clean)} look-alike files; best of {args.runs} runs")
    print("| scanner | recall | FP files | echoed | ms/file | vs detect-secrets | pre-commit run (s) |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for name, s in scores.items():
        ratio = anchor.seconds_per_file / s.seconds_per_file
        print(f"| {name} | {s.caught}/{s.leaks} ({s.recall:.0%}) | {len(s.false_positive_files)} "
              f"| {s.echoed} | {s.seconds_per_file * 1000:.1f} | {ratio:.2f}x faster "
              f"| {commits.get(name, 0):.2f} |")
    print("\nrecall per kind (caught/total):")
    print("| kind | " + " | ".join(scores) + " |")
    print("| --- |" + " --- |" * len(scores))
    for kind in kinds:
        cells = [f"{s.per_kind[kind][0]}/{s.per_kind[kind][1]}" for s in scores.values()]
        print(f"| {kind} | " + " | ".join(cells) + " |")
    for name, s in scores.items():
        if s.false_positive_files:
            print(f"{name} false positives: {', '.join(s.false_positive_files)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
