"""How long azrepos.devenv.ssh_key takes through ansible-playbook, and what it sends.

    .venv/bin/python benchmarks/ansible_ssh_key_module.py [--runs N]

Starts a sandbox, registers a fresh key once, then re-runs the same task N times. Prints the
wall time of each kind of run (ansible-playbook start-up included, which dominates) and the
REST calls the module reports: a re-run must be one list and no write.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from azrepos_sandbox.testing import start

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def playbook(path: Path, sandbox_info: dict, public_key: str, check: bool = False) -> None:
    task = {
        "name": "probe",
        "azrepos.devenv.ssh_key": {
            "org_url": sandbox_info["org_url"],
            "ca_bundle": sandbox_info["ca_file"],
            "pat": "{{ lookup('ansible.builtin.env', 'BENCH_PAT') }}",
            "public_key": public_key,
            "name": "benchmark",
        },
        "vars": {"ansible_python_interpreter": "{{ ansible_playbook_python }}"},
    }
    path.write_text(json.dumps([{"hosts": "localhost", "gather_facts": False,
                                 "tasks": [task]}]))


def run(path: Path, env: dict[str, str], *args: str) -> tuple[float, dict]:
    started = time.perf_counter()
    done = subprocess.run([str(BIN / "ansible-playbook"), "-i", "localhost,", "-c", "local",
                           str(path), *args], capture_output=True, text=True, env=env,
                          check=True)
    elapsed = time.perf_counter() - started
    result = json.loads(done.stdout)["plays"][0]["tasks"][0]["hosts"]["localhost"]
    return elapsed, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="azrepos-bench-ansible-"))
    key = work / "key"
    subprocess.run(["ssh-keygen", "-q", "-t", "rsa", "-b", "2048", "-N", "", "-f", str(key)],
                   check=True)
    with start(work / "sandbox") as sandbox:
        env = {**os.environ, "BENCH_PAT": sandbox.info["pat"],
               "ANSIBLE_CONFIG": str(ROOT / "ansible.cfg"),
               "ANSIBLE_STDOUT_CALLBACK": "ansible.posix.json",
               "ANSIBLE_LOCALHOST_WARNING": "0", "ANSIBLE_INVENTORY_UNPARSED_WARNING": "0"}
        path = work / "playbook.json"
        playbook(path, sandbox.info, key.with_suffix(".pub").read_text().strip())
        check_time, check = run(path, env, "--check")
        add_time, added = run(path, env)
        reruns = [run(path, env) for _ in range(args.runs)]
    shutil.rmtree(work, ignore_errors=True)
    rerun_times = [t for t, _ in reruns]
    print(f"check mode (new key): {check_time:.2f}s  outcome={check['outcome']} "
          f"calls={check['calls']}")
    print(f"add:                  {add_time:.2f}s  outcome={added['outcome']} calls={added['calls']}")
    print(f"re-run x{args.runs}:           median {statistics.median(rerun_times):.2f}s "
          f"(min {min(rerun_times):.2f}s)  calls={reruns[-1][1]['calls']} "
          f"writes={reruns[-1][1]['writes']}")
    ok = all(r["calls"] == {"list SSH keys": 1} and r["writes"] == 0 for _, r in reruns)
    print("re-runs made one list and no write" if ok else "FAIL: a re-run wrote or listed twice")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
