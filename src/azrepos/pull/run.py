"""``azrepos pull-run``: one ``ansible-pull`` of the configuration repository, as the machine's
schedule (a systemd user timer, a launchd agent) starts it, with its output kept in a log on
the machine and the run's time and result recorded for ``azrepos status``.

git fetches the repository with the credential azrepos set up (the helper over HTTPS, or the
SSH host alias): the URL never carries one.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from .. import state_files
from ..errors import ConfigError, UsageError
from ..fileio import ensure_private_dir, write_atomic
from ..rest.models import format_time

_RECAP = re.compile(r"^\S+\s*:\s*ok=\d+\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)", re.M)


@dataclass(frozen=True)
class PullRun:
    started_at: str
    finished_at: str
    exit_code: int
    result: str  # unchanged, changed, failed, skipped (the repository had not changed)
    tasks_changed: int | None  # from the play recap


def log_path() -> Path:
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "azrepos" / "pull.log"


def last_run() -> PullRun | dict[str, str] | None:
    """The last recorded run; a damaged record says so instead of failing."""
    path = state_files.path(state_files.PULL_LAST_RUN)
    if not Path(path).exists():
        return None
    data = state_files.load(path)
    try:
        return PullRun(**data) if data is not None else {"problem": "record damaged"}  # type: ignore[arg-type]
    except TypeError:
        return {"problem": "record damaged"}


def command(repo_url: str, *, playbook: str, branch: str, checkout: Path, ansible_pull: str,
            inventory: str = "localhost,", only_if_changed: bool = True) -> list[str]:
    if "@" in repo_url.split("://", 1)[-1].split("/", 1)[0] and repo_url.startswith("https"):
        raise UsageError("the repository URL carries a user or credential",
                         hint="give the plain https:// URL; git's helper supplies the credential")
    program = shutil.which(ansible_pull) or (ansible_pull if Path(ansible_pull).is_file() else None)
    if program is None:
        raise ConfigError(f"{ansible_pull} is not installed here",
                          hint="install Ansible for this user (pip install ansible-core), or "
                          "give --ansible-pull PATH")
    argv = [program, "--url", repo_url, "--checkout", branch, "--directory", str(checkout),
            "--inventory", inventory, "--limit", "localhost", "--connection", "local",
            "--accept-host-key"]
    if only_if_changed:
        argv.append("--only-if-changed")
    return [*argv, playbook]


def _outcome(code: int, output: str) -> tuple[str, int | None]:
    recap = _RECAP.findall(output)
    changed = sum(int(c) for c, _, _ in recap) if recap else None
    if code != 0 or any(int(u) or int(f) for _, u, f in recap):
        return "failed", changed
    if not recap:  # --only-if-changed and nothing new: the playbook did not run
        return "skipped", None
    return ("changed" if changed else "unchanged"), changed


def pull(argv: list[str], *, timeout: float = 3600) -> PullRun:
    """Run ``argv`` (from ``command``), append its output to the log, record the run."""
    started = datetime.now(UTC)
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "ANSIBLE_NOCOLOR": "1"}
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, env=env,
                              check=False, stdin=subprocess.DEVNULL)
        code, output = done.returncode, done.stdout + done.stderr
    except subprocess.TimeoutExpired:
        code, output = 124, f"ansible-pull took longer than {timeout:g}s and was stopped\n"
    finished = datetime.now(UTC)
    result, changed = _outcome(code, output)
    log = log_path()
    log.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    with log.open("a", encoding="utf-8") as handle:
        handle.write(f"=== {format_time(started)} {result} (exit {code})\n{output}\n")
    run = PullRun(format_time(started), format_time(finished), code, result, changed)
    ensure_private_dir(Path(state_files.config_dir()))
    write_atomic(Path(state_files.path(state_files.PULL_LAST_RUN)),
                 json.dumps(asdict(run), indent=1, sort_keys=True) + "\n", mode=0o600)
    return run
