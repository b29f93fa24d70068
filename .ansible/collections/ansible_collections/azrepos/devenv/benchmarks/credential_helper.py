"""Hot path of ``git-credential-azrepos get`` against GCM, side by side in one run.

Both helpers answer for the same dev.azure.com organization from a stored credential, with no
network: GCM from its plaintext store in PAT mode, azrepos from its file store (PAT) and from a
cached Entra token. Each helper is run directly (as git runs it) and through `git credential
fill`. Prints p50/p90 wall time, peak RSS and the ratio to GCM.
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

from tests.seed_state import cache_token, store_pat

from azrepos.config.gcm import find_gcm

ORG = "https://dev.azure.com/benchorg"
REQUEST = "protocol=https\nhost=dev.azure.com\npath=benchorg/p/_git/r\nusername=benchorg\n\n"
PAT = "b" * 52
HELPER = str(Path(sys.executable).parent / "git-credential-azrepos")


def run_once(argv: list[str], env: dict[str, str], stdin: str) -> tuple[float, int, str]:
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env, text=True)
    proc.stdin.write(stdin)
    proc.stdin.close()
    out = proc.stdout.read()
    proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0 or ("password=" not in out and "credential=" not in out):
        raise SystemExit(f"{argv[0]} did not answer: rc={proc.returncode}")
    return elapsed, usage.ru_maxrss // 1024, out


def measure(name: str, argv: list[str], env: dict[str, str], runs: int) -> dict[str, float]:
    for _ in range(3):  # warm the page cache
        run_once(argv, env, REQUEST)
    times, rss = [], []
    for _ in range(runs):
        elapsed, peak, _ = run_once(argv, env, REQUEST)
        times.append(elapsed * 1000)
        rss.append(peak)
    times.sort()
    row = {"p50_ms": statistics.median(times), "p90_ms": times[int(len(times) * 0.9) - 1],
           "rss_mb": max(rss)}
    print(f"{name:48s} p50 {row['p50_ms']:7.1f} ms  p90 {row['p90_ms']:7.1f} ms  "
          f"RSS {row['rss_mb']:5.1f} MB", flush=True)
    return row


def setup(home: Path, gcm: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "GCM_", "AZREPOS_"))}
    env.update({"HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config"),
                "GIT_CONFIG_NOSYSTEM": "1", "GCM_INTERACTIVE": "never",
                "GIT_TERMINAL_PROMPT": "0", "AZREPOS_SECRET_STORE": "file"})
    gitconfig = home / ".gitconfig"
    gitconfig.write_text(
        "[credential]\n\thelper =\n\thelper = " + gcm + "\n\tcredentialStore = plaintext\n"
        "\tazreposCredentialType = pat\n[credential \"https://dev.azure.com\"]\n"
        "\tuseHttpPath = true\n")
    subprocess.run(["git", "credential", "approve"], input=REQUEST.replace(
        "\n\n", f"\npassword={PAT}\n\n"), text=True, env=env, check=True)
    return env


def seed_azrepos(env: dict[str, str], with_token: bool) -> None:
    os.environ.update({"HOME": env["HOME"], "XDG_CONFIG_HOME": env["XDG_CONFIG_HOME"]})
    store_pat(ORG, PAT)
    if with_token:
        cache_token(ORG, "eyJ0." + "a" * 1200 + ".sig")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=40)
    args = parser.parse_args()
    gcm = find_gcm()
    if not gcm:
        raise SystemExit("GCM not found: run scripts/bootstrap test")
    with tempfile.TemporaryDirectory() as tmp:
        env = setup(Path(tmp), gcm)
        print(f"GCM: {subprocess.run([gcm, '--version'], capture_output=True, text=True).stdout.strip()}"
              f" at {gcm}; {args.runs} runs each\n")
        anchor = measure("GCM get (anchor)", [gcm, "get"], env, args.runs)
        seed_azrepos(env, with_token=False)
        pat_row = measure("git-credential-azrepos get (stored PAT)", [HELPER, "get"], env,
                          args.runs)
        seed_azrepos(env, with_token=True)
        token_row = measure("git-credential-azrepos get (cached Entra token)", [HELPER, "get"],
                            env, args.runs)
        fill_env = {**env, "GIT_CONFIG_GLOBAL": os.devnull}
        fill_gcm = measure("git credential fill via GCM", ["git", "-c", "credential.helper=",
                           "-c", f"credential.helper={gcm}", "-c",
                           "credential.credentialStore=plaintext", "-c",
                           "credential.azreposCredentialType=pat", "-c",
                           "credential.useHttpPath=true", "credential", "fill"], fill_env,
                           args.runs)
        fill_ours = measure("git credential fill via azrepos", ["git", "-c", "credential.helper=",
                            "-c", f"credential.helper={HELPER}", "-c",
                            "credential.useHttpPath=true", "credential", "fill"], fill_env,
                            args.runs)
    print("\nratios (GCM / azrepos, higher is better for azrepos):")
    for name, row, base in (("stored PAT", pat_row, anchor), ("cached token", token_row, anchor),
                            ("git credential fill", fill_ours, fill_gcm)):
        print(f"  {name:20s} {base['p50_ms'] / row['p50_ms']:5.1f}x faster (p50), "
              f"{base['rss_mb'] / row['rss_mb']:4.1f}x less memory")
    print("\ntargets: p50 <= 30 ms, RSS <= 25 MB, >= 10x faster than GCM")
    for name, row in (("stored PAT", pat_row), ("cached token", token_row)):
        ok = row["p50_ms"] <= 30 and row["rss_mb"] <= 25 and anchor["p50_ms"] / row["p50_ms"] >= 10
        print(f"  {name:20s} {'met' if ok else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
