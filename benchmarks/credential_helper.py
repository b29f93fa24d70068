"""Hot path of ``git-credential-azrepos get`` against GCM, side by side in one run.

Both helpers answer for the same dev.azure.com organization from a stored credential, with no
network: GCM from its plaintext store in PAT mode, azrepos from its file store (PAT) and from a
cached Entra token. Each helper is run directly (as git runs it), and through `git credential
fill` and `git credential approve` (what git runs after every successful fetch) on the system
git (2.39, Basic) and on git 2.47 from scripts/build-git (authtype=Bearer for the token), when it
is built. Prints p50/p90 wall time, peak RSS and the ratio to GCM measured in the same run.
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

from azrepos.machine.gcm import find_gcm

ORG = "https://dev.azure.com/benchorg"
REQUEST = "protocol=https\nhost=dev.azure.com\npath=benchorg/p/_git/r\nusername=benchorg\n\n"
PAT = "b" * 52
HELPER = str(Path(sys.executable).parent / "git-credential-azrepos")


def run_once(argv: list[str], env: dict[str, str], stdin: str, answers: bool = True
             ) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run(argv, input=stdin, capture_output=True, env=env, text=True,
                          check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0 or (answers and "password=" not in done.stdout
                                and "credential=" not in done.stdout):
        raise SystemExit(f"{argv[0]} did not answer: rc={done.returncode}")
    return elapsed, done.stdout


def peak_rss_mb(argv: list[str], env: dict[str, str], stdin: str) -> float:
    """Peak RSS of the command (and its children), measured by GNU time from its own small
    process: a child forked from this (large) benchmark would report this process's pages."""
    with tempfile.NamedTemporaryFile("r") as out:
        subprocess.run(["/usr/bin/time", "-q", "-o", out.name, "-f", "%M", *argv], input=stdin,
                       capture_output=True, env=env, text=True, check=True)
        return int(out.read().split()[-1]) / 1024


def measure(name: str, argv: list[str], env: dict[str, str], runs: int, stdin: str = REQUEST,
            answers: bool = True) -> dict[str, float]:
    for _ in range(3):  # warm the page cache
        run_once(argv, env, stdin, answers)
    times = []
    for _ in range(runs):
        elapsed, _ = run_once(argv, env, stdin, answers)
        times.append(elapsed * 1000)
    rss = [peak_rss_mb(argv, env, stdin) for _ in range(3)]
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


def gits() -> list[tuple[str, str]]:
    found = [("git 2.39", "git")]
    built = sorted(Path(os.environ.get("AZREPOS_CACHE", "/var/cache/azrepos")).glob(
        "git-2.4*/.built"))
    if built:
        found.append((f"git {built[-1].parent.name[4:]}", str(built[-1].parent / "bin" / "git")))
    else:
        print("git >= 2.46 not built (run scripts/build-git): measuring the system git only\n")
    return found


def through_git(git: str, helper: list[str]) -> list[str]:
    return [git, "-c", "credential.helper=", "-c", f"credential.helper={' '.join(helper)}",
            "-c", "credential.useHttpPath=true", "credential"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=40)
    args = parser.parse_args()
    gcm = find_gcm()
    if not gcm:
        raise SystemExit("GCM not found: run scripts/bootstrap test")
    rows: list[tuple[str, dict[str, float], dict[str, float]]] = []
    with tempfile.TemporaryDirectory() as tmp:
        env = setup(Path(tmp), gcm)
        fill_env = {**env, "GIT_CONFIG_GLOBAL": str(Path(tmp) / ".gitconfig")}
        print(f"GCM: {subprocess.run([gcm, '--version'], capture_output=True, text=True).stdout.strip()}"
              f" at {gcm}; {args.runs} runs each\n")
        anchor = measure("GCM get (anchor)", [gcm, "get"], env, args.runs)
        seed_azrepos(env, with_token=False)
        rows.append(("get, stored PAT", measure("git-credential-azrepos get (stored PAT)",
                                                [HELPER, "get"], env, args.runs), anchor))
        gcm_fills = {}
        for label, git in gits():
            gcm_fills[label] = measure(f"{label}: credential fill via GCM",
                                       [*through_git(git, [gcm]), "fill"], fill_env, args.runs)
            rows.append((f"{label} fill, PAT", measure(
                f"{label}: credential fill via azrepos (PAT)",
                [*through_git(git, [HELPER]), "fill"], fill_env, args.runs), gcm_fills[label]))
        seed_azrepos(env, with_token=True)
        rows.append(("get, cached token", measure("git-credential-azrepos get (cached token)",
                                                  [HELPER, "get"], env, args.runs), anchor))
        for label, git in gits():
            ours = [*through_git(git, [HELPER])]
            # git's HTTP transport announces authtype where it can; `credential fill` needs it said
            request = REQUEST if label == "git 2.39" else "capability[]=authtype\n" + REQUEST
            rows.append((f"{label} fill, token", measure(
                f"{label}: credential fill via azrepos (token)", [*ours, "fill"], fill_env,
                args.runs, stdin=request), gcm_fills[label]))
            answer = run_once([*ours, "fill"], fill_env, request)[1]
            assert ("authtype=Bearer" in answer) == (label != "git 2.39"), answer
            rows.append((f"{label} approve, token", measure(
                f"{label}: credential approve via azrepos (token)", [*ours, "approve"],
                fill_env, args.runs, stdin=answer + "\n", answers=False), gcm_fills[label]))
    print("\nratios against GCM in this run (GCM get, or GCM fill through the same git):")
    for name, row, base in rows:
        print(f"  {name:28s} {base['p50_ms'] / row['p50_ms']:5.1f}x faster (p50), "
              f"{base['rss_mb'] / row['rss_mb']:4.1f}x less memory")
    print("\ntargets for get: p50 <= 30 ms, RSS <= 25 MB, >= 10x faster than GCM get")
    for name, row, base in rows[:1] + [r for r in rows if r[0] == "get, cached token"]:
        ok = row["p50_ms"] <= 30 and row["rss_mb"] <= 25 and base["p50_ms"] / row["p50_ms"] >= 10
        print(f"  {name:20s} {'met' if ok else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
