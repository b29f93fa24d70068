"""``azrepos status --json`` (no --refresh) against ``azrepos --version`` in the same run.

Target: status takes at most 2x the version's time. The state is a realistic machine's: two
organizations with a stored PAT and a helper, an Entra sign-in, and an SSH key with its
recorded registration, in a temporary HOME.

    .venv/bin/python benchmarks/status.py [--runs 20]
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
AZREPOS = Path(sys.executable).parent / "azrepos"
SEED = """
import subprocess
from pathlib import Path
from azrepos.auth.accounts import Account, save
from azrepos.sshkeys import host_setup, registrations
from azrepos.sshkeys.public_key import fingerprint_of
from azrepos.urls import parse_org_url
from tests.seed_state import store_pat
home = Path.home()
for org in ("https://dev.azure.com/contoso", "https://dev.azure.com/fabrikam"):
    store_pat(org, "p" * 52)
    subprocess.run(["git", "config", "--global", f"credential.{org}.helper", "azrepos"],
                   check=True)
save(Account("https://dev.azure.com/tailspin", "https://login.microsoftonline.com/t", "t",
             "c", "dev@tailspin.example", "uid.t", "browser"))
key = home / ".ssh" / "id_rsa_azrepos"
key.parent.mkdir(mode=0o700)
subprocess.run(["ssh-keygen", "-q", "-t", "rsa", "-b", "2048", "-N", "", "-f", str(key)],
               check=True)
org = parse_org_url("https://dev.azure.com/contoso")
host_setup.configure(home, org, key, host_setup.target_for(org))
registrations.remember(org.url, fingerprint_of(Path(f"{key}.pub").read_text()), True,
                       "2027-03-01T00:00:00Z")
"""


def timed(argv: list[str], env: dict[str, str], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(argv, env=env, check=True, stdout=subprocess.DEVNULL)
        times.append((time.perf_counter() - started) * 1000)
    return times


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder)
        env = {**os.environ, "HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config"),
               "GIT_CONFIG_NOSYSTEM": "1", "AZREPOS_SECRET_STORE": "file",
               "PYTHONPATH": str(ROOT)}
        subprocess.run([sys.executable, "-c", SEED], env=env, check=True)
        anchor = timed([str(AZREPOS), "--version"], env, runs)
        status = timed([str(AZREPOS), "status", "--json"], env, runs)
    p50_anchor, p50_status = statistics.median(anchor), statistics.median(status)
    print("| command | p50 ms | x --version |\n| --- | --- | --- |")
    print(f"| azrepos --version (anchor) | {p50_anchor:.1f} | 1.00 |")
    print(f"| azrepos status --json | {p50_status:.1f} | {p50_status / p50_anchor:.2f} |")
    print("target: at most 2.00x", "met" if p50_status <= 2 * p50_anchor else "MISSED")
    return 0


if __name__ == "__main__":
    sys.exit(main())
