"""git-credential-azrepos under real git with many processes at once, and what its fast path loads.

20 parallel ``git credential approve`` for distinct organizations must all land in the file
store (it is locked around read-modify-write); 20 parallel ``fill`` must each get their own PAT.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.seed_state import store_pat

BIN = Path(sys.executable).parent
HELPER = str(BIN / "git-credential-azrepos")
COUNT = 20


def git_env(home: Path) -> dict[str, str]:
    return {"HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config"),
            "PATH": f"{BIN}:/usr/bin:/bin", "GIT_TERMINAL_PROMPT": "0",
            "GIT_CONFIG_NOSYSTEM": "1", "AZREPOS_SECRET_STORE": "file",
            "GIT_CONFIG_COUNT": "1", "GIT_CONFIG_KEY_0": "credential.helper",
            "GIT_CONFIG_VALUE_0": "azrepos"}


def pat_for(n: int) -> str:
    return f"{n:02d}" + "q" * 50


def request(n: int, extra: str = "") -> str:
    return f"protocol=https\nhost=dev.azure.com\npath=org{n}/p/_git/r\n{extra}\n"


def run_all(home: Path, operation: str, inputs: list[str]) -> list[tuple[int, str]]:
    procs = [subprocess.Popen(["git", "credential", operation], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                              env=git_env(home)) for _ in inputs]
    for proc, text in zip(procs, inputs, strict=True):  # every process is running before any reads
        assert proc.stdin is not None
        proc.stdin.write(text)
        proc.stdin.close()
    results = []
    for proc in procs:
        assert proc.stdout is not None
        out = proc.stdout.read()
        results.append((proc.wait(timeout=120), out))
    return results


def test_parallel_approves_keep_every_org_and_parallel_fills_get_their_own(home: Path) -> None:
    approves = [request(n, f"username=org{n}\npassword={pat_for(n)}\n") for n in range(COUNT)]
    assert all(rc == 0 for rc, _ in run_all(home, "approve", approves))
    fills = run_all(home, "fill", [request(n, f"username=org{n}\n") for n in range(COUNT)])
    for n, (rc, out) in enumerate(fills):
        answer = dict(line.split("=", 1) for line in out.splitlines() if "=" in line)
        assert rc == 0 and answer.get("password") == pat_for(n), f"org{n} lost its PAT"


def test_fast_path_imports_no_heavy_module(home: Path) -> None:
    store_pat("https://dev.azure.com/contoso", "p" * 52)
    env = {**git_env(home), "PYTHONPROFILEIMPORTTIME": "1"}
    done = subprocess.run([sys.executable, HELPER, "get"], input=request(0).replace(
        "org0", "contoso"), capture_output=True, text=True, env=env, timeout=60, check=False)
    assert done.returncode == 0 and "password=" + "p" * 52 in done.stdout
    imported = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines()
                if line.startswith("import time:")}
    assert "azrepos.git_helper.fast" in imported  # the probe sees the helper's own imports
    heavy = {"json", "re", "requests", "msal", "keyring", "azrepos.git_helper.helper"} & imported
    assert not heavy, f"the fast path imported {sorted(heavy)}"


def test_non_utf8_input_is_refused_without_traceback_or_echo(home: Path) -> None:
    data = b"protocol=https\nhost=dev.azure.com\npath=contoso/\xffsecret-ish\n\n"
    done = subprocess.run([HELPER, "get"], input=data, capture_output=True,
                          env={**git_env(home), "LANG": "C.UTF-8"}, timeout=60, check=False)
    assert done.returncode != 0 and done.stdout == b""
    assert b"UTF-8" in done.stderr and b"Traceback" not in done.stderr
    assert b"secret-ish" not in done.stderr


def test_crlf_lines_are_taken(home: Path) -> None:
    store_pat("https://dev.azure.com/contoso", "p" * 52)
    data = "protocol=https\r\nhost=dev.azure.com\r\npath=contoso/p/_git/r\r\n\r\n"
    done = subprocess.run([HELPER, "get"], input=data, capture_output=True, text=True,
                          env=git_env(home), timeout=60, check=False)
    assert done.returncode == 0 and "password=" + "p" * 52 in done.stdout

