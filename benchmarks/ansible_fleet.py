"""Fleet provisioning with playbooks/workstation.yml on real podman containers.

1. One container: the first converge against the idempotent re-run (which must report
   changed=0 and make no write to the REST API).
2. Wall time of N containers (default 20) in one playbook run against 1 container.

Prints each time and the ratios. Needs the images from scripts/build-images; takes minutes
(every container installs azrepos from PyPI on its first converge).

    .venv/bin/python benchmarks/ansible_fleet.py [--fleet 20]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "molecule"))
from harness import (
    ROOT,
    VENV_BIN,
    base_environment,
    build_images,
    build_wheel,
    ensure_collection_link,
    remove_containers,
    sandbox_environment,
    start_containers,
    write_inventory,
)

from azrepos_sandbox.testing import RunningSandbox, start

PLAYS = [ROOT / "molecule" / "shared" / "prepare.yml", ROOT / "molecule" / "shared" / "converge.yml"]


def containers(count: int) -> list[str]:
    return [f"azrepos-bench-{uuid.uuid4().hex[:6]}-{i}" for i in range(count)]


def converge(folder: Path, forks: int, env: dict[str, str], plays: list[Path]) -> tuple[float, str]:
    started = time.monotonic()
    done = subprocess.run([str(VENV_BIN / "ansible-playbook"), "-i", str(folder), "-f", str(forks),
                           *map(str, plays)], cwd=ROOT, env=env, capture_output=True, text=True,
                          check=False)
    elapsed = time.monotonic() - started
    if done.returncode != 0:
        raise SystemExit(f"ansible-playbook failed:\n{done.stdout[-4000:]}\n{done.stderr[-2000:]}")
    return elapsed, done.stdout


def writes(sandbox: RunningSandbox) -> int:
    log = sandbox.admin("GET", "/_sandbox/requests")["value"]
    return sum(1 for e in log if e["method"] in ("POST", "DELETE") and e.get("kind") == "rest")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--fleet", type=int, default=20)
    args = parser.parse_args()
    env = {**base_environment(), "ANSIBLE_NOCOLOR": "1", "ANSIBLE_HOST_KEY_CHECKING": "False"}
    build_images(env, "bookworm")
    ensure_collection_link()
    with tempfile.TemporaryDirectory(prefix="azrepos-bench-") as tmp:
        work = Path(tmp)
        wheel = build_wheel(work / "wheels")
        sandbox = start(work / "sandbox")
        env.update(sandbox_environment(sandbox.info, wheel))
        one: list[str] = []
        fleet: list[str] = []
        try:
            one = containers(1)
            start_containers(one, env)
            first, _ = converge(write_inventory(work / "inventory-1", one), 1, env, PLAYS)
            sandbox.admin("DELETE", "/_sandbox/requests")
            again, output = converge(work / "inventory-1", 1, env, PLAYS[1:])
            assert "changed=0" in output.split("PLAY RECAP")[-1], "the re-run changed something"
            print(f"one container: first converge {first:6.1f} s, idempotent re-run "
                  f"{again:6.1f} s ({first / again:.1f}x), REST writes on re-run: "
                  f"{writes(sandbox)}", flush=True)
            fleet = containers(args.fleet)
            start_containers(fleet, env)
            many, _ = converge(write_inventory(work / "inventory-fleet", fleet),
                               min(args.fleet, 20), env, PLAYS)
            print(f"{args.fleet} containers in one run: {many:6.1f} s against {first:6.1f} s for "
                  f"one: {many / first:.1f}x the time for {args.fleet}x the machines "
                  f"({args.fleet * first / many:.1f}x parallel speed-up)")
        finally:
            remove_containers(one + fleet, env)
            sandbox.stop()
    return 0


if __name__ == "__main__":
    os.chdir(ROOT)
    sys.exit(main())
