"""Fleet provisioning with playbooks/workstation.yml on real podman containers, over SSH.

Each container runs its own sshd on a loopback port; Ansible connects as a real fleet would:
the ssh connection with pipelining and ControlPersist, forks = fleet size, linear strategy.

1. One container: the first converge against the idempotent re-run (which must report
   changed=0 and make no write to the REST API). Target: re-run <= 1/3 of the converge.
2. Wall time of N containers (default 20) in one playbook run against 1 container.
   Target: 20 hosts <= 4x one host on 2 cores.
3. playbooks/report.yml over the N containers: the controller's CPU and wall time per host,
   against `ansible -m ping` over the same hosts (`--fleet 5` is the fleet scenario's size).

Prints each time and the ratios. Needs the images from scripts/build-images (the sshd image
is made from it once); takes minutes. `--connection podman` measures the podman connection
instead, for comparison.

    .venv/bin/python benchmarks/ansible_fleet.py [--fleet 20] [--connection ssh|podman]
"""

from __future__ import annotations

import argparse
import os
import resource
import socket
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
    build_ssh_image,
    build_wheel,
    ensure_collection_link,
    remove_containers,
    sandbox_environment,
    ssh_rig,
    start_containers,
    start_ssh_containers,
    write_inventory,
)

from azrepos_sandbox.testing import RunningSandbox, start

PLAYS = [ROOT / "molecule" / "shared" / "prepare.yml", ROOT / "molecule" / "shared" / "converge.yml"]


def containers(count: int) -> list[str]:
    return [f"azrepos-bench-{uuid.uuid4().hex[:6]}-{i}" for i in range(count)]


def controller_run(argv: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """Wall time, the controller's CPU seconds (Ansible and its ssh clients; the containers'
    processes are not its children) and the output of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    done = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    elapsed = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{argv[0]} failed:\n{done.stdout[-4000:]}\n{done.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed, cpu, done.stdout


def converge(folder: Path, forks: int, env: dict[str, str], plays: list[Path]) -> tuple[float, str]:
    elapsed, _, output = controller_run([str(VENV_BIN / "ansible-playbook"), "-i", str(folder),
                                         "-f", str(forks), *map(str, plays)], env)
    return elapsed, output


def report_per_host(folder: Path, hosts: int, env: dict[str, str], work: Path) -> str:
    """playbooks/report.yml over the fleet against `ansible -m ping` over the same hosts."""
    ping = controller_run([str(VENV_BIN / "ansible"), "all", "-i", str(folder), "-f", str(hosts),
                           "-m", "ansible.builtin.ping"], env)
    report = controller_run([str(VENV_BIN / "ansible-playbook"), "-i", str(folder), "-f",
                             str(hosts), str(ROOT / "playbooks" / "report.yml"),
                             "-e", f"report_dir={work / 'report'}"], env)
    assert (work / "report" / "fleet-report.html").exists(), "no report written"
    return (f"report.yml over {hosts} hosts: {report[0]:5.1f} s wall, controller "
            f"{report[1] / hosts:5.2f} CPU s per host ({report[0] / hosts:5.2f} wall s per host); "
            f"anchor ping: {ping[1] / hosts:5.2f} CPU s per host; report / ping = "
            f"{report[1] / ping[1]:.1f}x")


class Fleet:
    """Containers and their inventories, reached over SSH or through podman."""

    def __init__(self, work: Path, env: dict[str, str], connection: str) -> None:
        self.work, self.env, self.connection = work, env, connection
        self.names: list[str] = []
        self.next_port = 42200
        if connection == "ssh":
            self.key = ssh_rig(work / "ssh")
            build_ssh_image(env)

    def start(self, count: int, label: str) -> Path:
        names = containers(count)
        self.names += names
        if self.connection == "podman":
            start_containers(names, self.env)
            return write_inventory(self.work / f"inventory-{label}", names)
        ports = start_ssh_containers(names, self.env, self.work / "ssh", self.next_port)
        self.next_port += count
        for port in ports.values():
            wait_for_port(port)
        host_vars = {name: {"ansible_host": "127.0.0.1", "ansible_port": port,
                            "ansible_user": "root", "ansible_ssh_private_key_file": str(self.key)}
                     for name, port in ports.items()}
        return write_inventory(self.work / f"inventory-{label}", names, "ssh", host_vars)

    def remove(self) -> None:
        remove_containers(self.names, self.env)


def wait_for_port(port: int, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise SystemExit(f"sshd on port {port} did not start")


def ssh_environment(work: Path) -> dict[str, str]:
    """The settings the README recommends for fleets: pipelining, one master per host."""
    return {
        "ANSIBLE_PIPELINING": "True",
        "ANSIBLE_SSH_ARGS": "-o ControlMaster=auto -o ControlPersist=120s -o BatchMode=yes "
                            "-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null",
        "ANSIBLE_SSH_CONTROL_PATH_DIR": str(work / "cp"),
    }


def slowest(output: str, count: int) -> str:
    """The first lines of profile_tasks' recap (slowest first)."""
    recap = output.split("TASKS RECAP")[-1].splitlines()
    timed = [line for line in recap if line.rstrip().endswith("s") and "---" in line]
    return "\n".join("  " + line.strip() for line in timed[:count])


def writes(sandbox: RunningSandbox) -> int:
    log = sandbox.admin("GET", "/_sandbox/requests")["value"]
    return sum(1 for e in log if e["method"] in ("POST", "DELETE") and e.get("kind") == "rest")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--fleet", type=int, default=20)
    parser.add_argument("--connection", choices=("ssh", "podman"), default="ssh")
    args = parser.parse_args()
    env = {**base_environment(), "ANSIBLE_NOCOLOR": "1", "ANSIBLE_HOST_KEY_CHECKING": "False",
           "ANSIBLE_CALLBACKS_ENABLED": "ansible.posix.profile_tasks"}
    build_images(env, "bookworm")
    ensure_collection_link()
    with tempfile.TemporaryDirectory(prefix="azrepos-bench-") as tmp:
        work = Path(tmp)
        if args.connection == "ssh":
            env.update(ssh_environment(work))
        wheel = build_wheel(work / "wheels")  # once per run, copied to every host
        sandbox = start(work / "sandbox")
        env.update(sandbox_environment(sandbox.info, wheel))
        fleet = Fleet(work, env, args.connection)
        try:
            one = fleet.start(1, "one")
            first, _ = converge(one, 1, env, PLAYS)
            sandbox.admin("DELETE", "/_sandbox/requests")
            again, output = converge(one, 1, env, PLAYS[1:])
            assert "changed=0" in output.split("PLAY RECAP")[-1], "the re-run changed something"
            print(f"[{args.connection}] one container: first converge {first:6.1f} s, idempotent "
                  f"re-run {again:6.1f} s (re-run / converge = {again / first:.2f}, target <= "
                  f"0.33), REST writes on re-run: {writes(sandbox)}", flush=True)
            print("the re-run's slowest tasks:\n" + slowest(output, 8), flush=True)
            many_inventory = fleet.start(args.fleet, "fleet")
            many, _ = converge(many_inventory, args.fleet, env, PLAYS)
            print(f"[{args.connection}] {args.fleet} containers in one run: {many:6.1f} s against "
                  f"{first:6.1f} s for one: {many / first:.1f}x the time for {args.fleet}x the "
                  f"machines (target <= 4.0x; {args.fleet * first / many:.1f}x parallel speed-up)",
                  flush=True)
            # No package installs on a re-run: what is left is the controller's own share.
            many_again, _ = converge(many_inventory, args.fleet, env, PLAYS[1:])
            print(f"[{args.connection}] {args.fleet} containers' idempotent re-run: "
                  f"{many_again:6.1f} s against {again:6.1f} s for one: "
                  f"{many_again / again:.1f}x", flush=True)
            print(f"[{args.connection}] " + report_per_host(many_inventory, args.fleet, env, work))
        finally:
            fleet.remove()
            sandbox.stop()
    return 0


if __name__ == "__main__":
    os.chdir(ROOT)
    sys.exit(main())
