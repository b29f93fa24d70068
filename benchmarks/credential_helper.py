"""`git credential fill` through git-credential-azrepos, GCM and git's own credential-store, in one run.

azrepos is measured as users get it: its wheel installed the way the credential_manager role
and the devcontainer Feature install it (a venv made by Debian 12's `python3 -m venv`, its own
old pip, the hash-pinned lock, then the wheel), and from this checkout's `.venv` (editable, new
pip). For comparison, the same venv also gets the entry script pip 23 would have generated.
Every helper answers for one dev.azure.com organization from a stored credential, with no
network: GCM from its plaintext store in PAT mode, credential-store from its file, azrepos from
its file store (PAT) and from a cached Entra token. Each runs through `git credential fill` on
the system git (2.39, Basic) and on git >= 2.46 from scripts/build-git (authtype=Bearer for the
token). The floor for any helper written in Python is credential-store's fill plus one bare
interpreter start (`python -S -c pass`), both measured here. Prints p50/p90 wall time, peak RSS,
the ratio to GCM through the same git, and how far azrepos is above the floor.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # tests.seed_state writes azrepos's state as azrepos does

from tests.seed_state import cache_token, store_pat  # noqa: E402

from azrepos.machine.gcm import find_gcm  # noqa: E402

ORG = "https://dev.azure.com/benchorg"
REQUEST = "protocol=https\nhost=dev.azure.com\npath=benchorg/p/_git/r\nusername=benchorg\n\n"
PAT = "b" * 52
TARGET = 10.0  # azrepos at least this many times faster than GCM, through the same git
# What pip 23 (Debian 12's python3-venv) writes for a console_scripts entry point: data, kept
# to show what the launcher in src/bin replaces.
PIP23_ENTRY = """#!{python}
# -*- coding: utf-8 -*-
import re
import sys
from azrepos.git_helper.fast import main
if __name__ == '__main__':
    sys.argv[0] = re.sub(r'(-script\\.pyw|\\.exe)?$', '', sys.argv[0])
    sys.exit(main())
"""


@dataclass
class Row:
    name: str
    p50: float
    p90: float
    rss: float


def run_once(argv: list[str], env: dict[str, str], stdin: str, answers: bool) -> float:
    start = time.perf_counter()
    done = subprocess.run(argv, input=stdin, capture_output=True, env=env, text=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0 or (answers and "password=" not in done.stdout
                                and "credential=" not in done.stdout):
        raise SystemExit(f"{' '.join(argv)} did not answer: rc={done.returncode}\n{done.stderr}")
    return elapsed * 1000


def peak_rss_mb(argv: list[str], env: dict[str, str], stdin: str) -> float:
    """Peak RSS of the command and its children, by GNU time from its own small process."""
    with tempfile.NamedTemporaryFile("r") as out:
        subprocess.run(["/usr/bin/time", "-q", "-o", out.name, "-f", "%M", *argv], input=stdin,
                       capture_output=True, env=env, text=True, check=True)
        return int(out.read().split()[-1]) / 1024


def measure(name: str, argv: list[str], env: dict[str, str], runs: int, stdin: str = REQUEST,
            answers: bool = True) -> Row:
    for _ in range(3):  # warm the page cache
        run_once(argv, env, stdin, answers)
    times = sorted(run_once(argv, env, stdin, answers) for _ in range(runs))
    row = Row(name, statistics.median(times), times[int(len(times) * 0.9) - 1],
              max(peak_rss_mb(argv, env, stdin) for _ in range(3)))
    print(f"{name:58s} p50 {row.p50:7.1f} ms  p90 {row.p90:7.1f} ms  RSS {row.rss:5.1f} MB",
          flush=True)
    return row


def debian_venv(work: Path, wheel: Path) -> Path:
    """The venv as the role and the Feature make it: no pip upgrade, lock first, then the wheel."""
    python = "/usr/bin/python3" if Path("/usr/bin/python3").exists() else "python3"
    venv = work / "role-venv"
    subprocess.run([python, "-m", "venv", str(venv)], check=True)
    pip = [str(venv / "bin" / "pip"), "install", "-q", "--disable-pip-version-check"]
    lock = ROOT / "roles" / "credential_manager" / "files" / "azrepos-requirements.lock"
    subprocess.run([*pip, "--require-hashes", "-r", str(lock)], check=True)
    subprocess.run([*pip, "--no-deps", str(wheel)], check=True)
    pip_version = subprocess.run([str(venv / "bin" / "pip"), "--version"], capture_output=True,
                                 text=True, check=True).stdout.split()[1]
    print(f"role-style venv: {python} -m venv, pip {pip_version} (not upgraded), lock + wheel")
    old = venv / "bin" / "git-credential-azrepos-pip23"
    old.write_text(PIP23_ENTRY.format(python=venv / "bin" / "python"))
    old.chmod(0o755)
    return venv


def gits() -> list[tuple[str, str]]:
    found = [("git " + subprocess.run(["git", "--version"], capture_output=True, text=True,
                                      check=True).stdout.split()[2], "git")]
    built = sorted(Path(os.environ.get("AZREPOS_CACHE", "/var/cache/azrepos")).glob(
        "git-2.4*/.built"))
    if built:
        found.append((f"git {built[-1].parent.name[4:]}", str(built[-1].parent / "bin" / "git")))
    else:
        print("git >= 2.46 not built (run scripts/build-git): measuring the system git only\n")
    return found


def through_git(git: str, helper: str) -> list[str]:
    return [git, "-c", "credential.helper=", "-c", f"credential.helper={helper}",
            "-c", "credential.useHttpPath=true", "credential", "fill"]


def environment(home: Path, gcm: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "GCM_", "AZREPOS_"))}
    env.update({"HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config"),
                "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": str(home / ".gitconfig"),
                "GCM_INTERACTIVE": "never", "GIT_TERMINAL_PROMPT": "0",
                "AZREPOS_SECRET_STORE": "file"})
    (home / ".gitconfig").write_text(
        "[credential]\n\tcredentialStore = plaintext\n\tazreposCredentialType = pat\n")
    approve = REQUEST.replace("\n\n", f"\npassword={PAT}\n\n")
    for helper in (gcm, f"store --file {home / 'store'}"):
        subprocess.run(["git", "-c", "credential.helper=", "-c", f"credential.helper={helper}",
                        "-c", "credential.useHttpPath=true", "credential", "approve"],
                       input=approve, text=True, env=env, check=True)
    os.environ.update({"HOME": env["HOME"], "XDG_CONFIG_HOME": env["XDG_CONFIG_HOME"]})
    store_pat(ORG, PAT)  # azrepos's file store, as `azrepos login --pat-stdin` leaves it
    return env


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=40)
    args = parser.parse_args()
    gcm = find_gcm()
    if not gcm:
        raise SystemExit("GCM not found: run scripts/bootstrap test")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        wheels = work / "wheels"
        subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels),
                        str(ROOT)], check=True)
        venv = debian_venv(work, next(wheels.glob("azrepos-*.whl")))
        home = work / "home"
        home.mkdir()
        env = environment(home, gcm)
        gcm_version = subprocess.run([gcm, "--version"], capture_output=True, text=True).stdout
        print(f"GCM {gcm_version.strip()} at {gcm}; {args.runs} runs each\n")
        helpers = {"role venv": str(venv / "bin" / "git-credential-azrepos"),
                   ".venv (editable)": shutil.which("git-credential-azrepos",
                                                    path=str(Path(sys.executable).parent)) or "",
                   "pip 23 entry script": str(venv / "bin" / "git-credential-azrepos-pip23")}
        bare = measure("python -S -c pass (role venv's interpreter)",
                       [str(venv / "bin" / "python"), "-S", "-c", "pass"], env, args.runs,
                       answers=False)
        results: dict[str, dict[str, Row]] = {}
        for label, git in gits():
            rows = results[label] = {}
            rows["gcm"] = measure(f"{label}: fill via GCM, PAT (anchor)", through_git(git, gcm),
                                  env, args.runs)
            rows["store"] = measure(f"{label}: fill via credential-store", through_git(
                git, f"store --file {home / 'store'}"), env, args.runs)
            for name, helper in helpers.items():
                rows[f"{name} PAT"] = measure(f"{label}: fill via azrepos ({name}), PAT",
                                              through_git(git, helper), env, args.runs)
        cache_token(ORG, "eyJ0." + "a" * 1200 + ".sig")
        for label, git in gits():
            # git's HTTP transport announces authtype where it can; `credential fill` needs it said
            bearer = tuple(map(int, label.split()[1].split(".")[:2])) >= (2, 46)
            request = "capability[]=authtype\n" + REQUEST if bearer else REQUEST
            for name in ("role venv", ".venv (editable)"):
                results[label][f"{name} token"] = measure(
                    f"{label}: fill via azrepos ({name}), Entra token",
                    through_git(git, helpers[name]), env, args.runs, stdin=request)
    report(results, bare)
    return 0


def report(results: dict[str, dict[str, Row]], bare: Row) -> None:
    print("\nratio to GCM's fill through the same git (p50), and the floor: credential-store's "
          f"fill + a bare Python start ({bare.p50:.1f} ms)")
    print("| git | azrepos | stored | p50 ms | p90 ms | RSS MB | x GCM | above floor |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    verdicts = []
    for label, rows in results.items():
        gcm, floor = rows["gcm"], rows["store"].p50 + bare.p50
        print(f"| {label} | GCM (anchor) | PAT | {gcm.p50:.1f} | {gcm.p90:.1f} | {gcm.rss:.0f} | 1.0 | |")
        print(f"| {label} | credential-store | PAT | {rows['store'].p50:.1f} | "
              f"{rows['store'].p90:.1f} | {rows['store'].rss:.0f} | {gcm.p50 / rows['store'].p50:.1f} | |")
        for key, row in rows.items():
            if key in ("gcm", "store"):
                continue
            name, stored = key.rsplit(" ", 1)
            ratio = gcm.p50 / row.p50
            print(f"| {label} | {name} | {stored} | {row.p50:.1f} | {row.p90:.1f} | {row.rss:.0f} | "
                  f"{ratio:.1f} | +{row.p50 - floor:.1f} ms |")
            if name == "role venv":
                verdicts.append((f"{label}, {stored}", ratio))
    print(f"\ntarget: azrepos as the role installs it >= {TARGET:.0f}x GCM on every git")
    for name, ratio in verdicts:
        print(f"  {name:22s} {ratio:5.1f}x  {'met' if ratio >= TARGET else 'NOT met'}")


if __name__ == "__main__":
    sys.exit(main())
