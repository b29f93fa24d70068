#!/usr/bin/env python3
"""What scripts/test runs, in which lanes, and how long each step took.

    scripts/test                  everything: lint, pytest in parallel, Molecule in two lanes
    scripts/test --fast           lint, then the tests that need no container and are not slow
    scripts/test -k PATTERN ...   that pytest selection only (arguments go to pytest)
    scripts/test --serial         everything, one step after another

The expensive things are made once, before the lanes start: the Debian images and the sshd
image, git >= 2.46, and dist/ (the wheel, the collection tarball, the Feature), which pytest's
fixtures and every Molecule scenario then use (AZREPOS_TEST_DIST, AZREPOS_WHEEL). The lanes
share nothing: pytest's workers each start their own sandbox on free ports, and each scenario
has its own containers, sandbox and Molecule state. Each step's output is printed whole when it
ends; the table at the end gives every step's time and the total. Exits 1 if any step failed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
# Two lanes of about equal length. default and devcontainer go through podman exec (a bare
# image; Ansible inside the container); fleet, gcm and onboarding over SSH to the rig's sshd.
MOLECULE_LANES = (("default", "onboarding", "devcontainer"), ("fleet", "gcm"))
FAST_MARKERS = "not containers and not slow"


@dataclass
class Step:
    name: str
    argv: list[str]
    env: dict[str, str] = field(default_factory=dict)


@dataclass
class Outcome:
    lane: str
    name: str
    seconds: float
    returncode: int


class Runner:
    def __init__(self, logs: Path, env: dict[str, str]) -> None:
        self.logs = logs
        self.env = env
        self.outcomes: list[Outcome] = []
        self.lock = threading.Lock()

    def step(self, lane: str, step: Step) -> None:
        log = self.logs / f"{step.name}.log"
        with self.lock:
            print(f"-- {lane}: {step.name} started", flush=True)
        started = time.monotonic()
        with open(log, "wb") as out:
            returncode = subprocess.run(step.argv, cwd=ROOT, env={**self.env, **step.env},
                                        stdout=out, stderr=subprocess.STDOUT, check=False).returncode
        seconds = time.monotonic() - started
        with self.lock:
            print(f"\n== {lane}: {step.name} ({seconds:.0f} s, exit {returncode})", flush=True)
            with open(log, "rb") as out:
                shutil.copyfileobj(out, sys.stdout.buffer)
            sys.stdout.flush()
            self.outcomes.append(Outcome(lane, step.name, seconds, returncode))

    def lane(self, name: str, steps: list[Step]) -> None:
        for step in steps:
            self.step(name, step)

    def lanes(self, lanes: dict[str, list[Step]], serial: bool) -> None:
        if serial:
            for name, steps in lanes.items():
                self.lane(name, steps)
            return
        threads = [threading.Thread(target=self.lane, args=item) for item in lanes.items()]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    def table(self, total: float) -> bool:
        print("\n| lane | step | seconds | result |\n| --- | --- | ---: | --- |")
        for o in self.outcomes:
            print(f"| {o.lane} | {o.name} | {o.seconds:.0f} | {'ok' if o.returncode == 0 else 'FAILED'} |")
        print(f"| | total (wall) | {total:.0f} | |")
        failed = [o.name for o in self.outcomes if o.returncode != 0]
        if failed:
            print(f"scripts/test: FAILED: {' '.join(failed)}")
        else:
            print("scripts/test: all passed")
        return not failed


def python(*argv: str) -> list[str]:
    return [str(BIN / "python"), *argv]


def pytest_step(name: str, workers: int, args: list[str]) -> Step:
    # loadscope keeps a module's tests on one worker, so module fixtures are built once.
    return Step(name, python("-m", "pytest", "-ra", "--durations=15", "-p", "no:cacheprovider",
                             "-n", str(workers), "--dist", "loadscope", *args))


def lint_steps() -> list[Step]:
    return [Step("ruff", [str(BIN / "ruff"), "check", "."]),
            Step("yamllint", [str(BIN / "yamllint"), "--strict", "."]),
            Step("ansible-lint", [str(BIN / "ansible-lint"), "--offline", "--profile", "production"])]


def prepare_steps(dist: Path | None, images: bool) -> list[Step]:
    steps = [Step("build-git", ["bash", "scripts/build-git"])]
    if images:
        steps.insert(0, Step("images", python("molecule/harness.py", "images")))
    if dist is not None:
        steps.append(Step("dist", python("scripts/build-dist", "--out", str(dist))))
    return steps


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--fast", action="store_true", help="lint and the quick tests (no containers)")
    parser.add_argument("--serial", action="store_true", help="one step after another")
    parser.add_argument("--workers", type=int, default=int(os.environ.get("AZREPOS_TEST_WORKERS", "3")),
                        help="pytest-xdist workers (default 3: most tests wait on subprocesses)")
    args, pytest_args = parser.parse_known_args(argv)
    started = time.monotonic()
    work = Path(tempfile.mkdtemp(prefix="azrepos-test-"))
    logs = work / "logs"
    logs.mkdir()
    env = {**os.environ, "PATH": f"{BIN}:{os.environ.get('PATH', '/usr/bin:/bin')}",
           "CONTAINERS_CONF": str(ROOT / "molecule" / "containers.conf")}
    if not sys.stdout.isatty():  # logs, not a terminal: no colour codes
        env.update(NO_COLOR="1", ANSIBLE_NOCOLOR="1", PY_COLORS="0")
    runner = Runner(logs, env)
    if os.environ.get("AZREPOS_TEST_BOOTSTRAP_SECONDS"):  # scripts/bootstrap, before this ran
        bootstrap = float(os.environ["AZREPOS_TEST_BOOTSTRAP_SECONDS"])
        runner.outcomes.append(Outcome("prepare", "bootstrap", bootstrap, 0))
        started -= bootstrap
    print(f"scripts/test: logs in {logs}", flush=True)
    everything = not args.fast and not pytest_args
    dist = work / "dist" if everything else None
    runner.lanes({"prepare": prepare_steps(dist, images=not args.fast)}, serial=True)
    if dist is not None:
        runner.env.update(AZREPOS_TEST_DIST=str(dist),
                          AZREPOS_WHEEL=str(next(dist.glob("azrepos-[0-9]*.whl"), "")))
    if args.fast:
        lanes = {"lint": lint_steps(),
                 "pytest": [pytest_step("pytest-fast", args.workers, ["-m", FAST_MARKERS, *pytest_args])]}
    elif pytest_args:
        lanes = {"pytest": [pytest_step("pytest", args.workers, pytest_args)]}
    else:
        lanes = {"pytest": [*lint_steps(), pytest_step("pytest", args.workers, [])]}
        for number, scenarios in enumerate(MOLECULE_LANES, 1):
            lanes[f"molecule-{number}"] = [
                Step(f"molecule-{scenario}", python("molecule/run-scenario", scenario))
                for scenario in scenarios]
    if all(o.returncode == 0 for o in runner.outcomes):
        runner.lanes(lanes, serial=args.serial)
    ok = runner.table(time.monotonic() - started)
    if ok:
        shutil.rmtree(work, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
