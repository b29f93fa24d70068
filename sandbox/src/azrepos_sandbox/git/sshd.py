"""The sandbox's OpenSSH server: host key, sshd_config, the key-lookup script, the process.

sshd asks ``ssh_gate keys`` (through a small script) which keys may log in; each key it
prints carries a forced command that runs ``ssh_gate serve`` for that key.
"""

from __future__ import annotations

import contextlib
import getpass
import hashlib
import os
import shlex
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from azrepos_sandbox.disk import replace_file
from azrepos_sandbox.git.safe_path import is_safe_path
from azrepos_sandbox.session_tokens.ssh_key_rules import read_key_line

SSHD = "/usr/sbin/sshd"
HOST_KEY_BITS = 3072


@dataclass(frozen=True)
class HostKey:
    path: Path
    public_line: str  # "ssh-rsa AAAA..." without a comment
    fingerprint: str  # "SHA256:..."


def ensure_host_key(ssh_dir: Path) -> HostKey:
    """The sshd RSA host key, made once and kept, so known_hosts entries stay valid."""
    path = ssh_dir / "ssh_host_rsa_key"
    if not path.exists():
        key = rsa.generate_private_key(public_exponent=65537, key_size=HOST_KEY_BITS)
        private = key.private_bytes(serialization.Encoding.PEM,
                                    serialization.PrivateFormat.OpenSSH,
                                    serialization.NoEncryption())
        public = key.public_key().public_bytes(serialization.Encoding.OpenSSH,
                                               serialization.PublicFormat.OpenSSH)
        replace_file(path.with_name(path.name + ".pub"), public + b"\n", mode=0o644)
        replace_file(path, private, mode=0o600)
    loaded = serialization.load_ssh_private_key(path.read_bytes(), password=None)
    line = loaded.public_key().public_bytes(serialization.Encoding.OpenSSH,
                                            serialization.PublicFormat.OpenSSH).decode()
    return HostKey(path, line, read_key_line(line).fingerprint)


def _mkdir(path: Path, mode: int) -> None:
    if not path.exists():
        path.mkdir(mode=mode)
        path.chmod(mode)  # mkdir's mode is filtered by the umask


def _fallback_bases() -> list[Path]:
    """Places outside the state dir that sshd can accept, best first: the user's runtime dir,
    /run for root, and last the user's cache (so a demo leaves HOME alone where it can)."""
    bases = []
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if runtime:
        bases.append(Path(runtime) / "azrepos-sandbox")
    if os.geteuid() == 0:
        bases.append(Path("/run/azrepos-sandbox"))
    bases.append(Path.home() / ".cache" / "azrepos" / "sandbox-bin")
    return bases


def _existing_ancestor(path: Path) -> Path:
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def gate_script_dir(state_dir: Path) -> Path:
    """Where the AuthorizedKeysCommand script can live so that sshd accepts its path.

    The state dir if it is safe; otherwise (say, under /tmp) a per-state-dir folder in the
    first fallback base whose existing part is safe.
    """
    resolved = state_dir.resolve()
    if is_safe_path(resolved):
        return resolved / "bin"
    digest = hashlib.sha256(str(resolved).encode()).hexdigest()[:16]
    bases = _fallback_bases()
    base = next((b for b in bases if is_safe_path(_existing_ancestor(b))), bases[-1])
    return base / digest


def install_gate_script(state_dir: Path, db_path: Path) -> Path:
    folder = gate_script_dir(state_dir)
    if folder.parent == state_dir.resolve():
        _mkdir(folder, 0o755)
    else:
        existing = _existing_ancestor(folder)
        missing = [folder, *folder.parents][:len(folder.parts) - len(existing.parts)]
        for directory in reversed(missing):  # ours, and writable by nobody else
            _mkdir(directory, 0o755)
    if not is_safe_path(folder):
        raise RuntimeError(
            f"{folder}: sshd refuses an AuthorizedKeysCommand there (some directory on the "
            "path is group/world-writable or owned by another user); use a state directory "
            "whose parents are owned by you or root and not group/world-writable")
    script = folder / "authorized-keys"
    package_root = Path(__file__).resolve().parents[2]
    replace_file(script, (
        "#!/bin/sh\n"
        f"# azrepos sandbox: sshd AuthorizedKeysCommand for {state_dir.resolve()}\n"
        f"PYTHONPATH={shlex.quote(str(package_root))}\n"
        "export PYTHONPATH\n"
        f"exec {shlex.quote(sys.executable)} -m azrepos_sandbox.git.ssh_gate keys "
        f'{shlex.quote(str(db_path.resolve()))} "$@"\n'
    ), mode=0o755)
    return script


def remove_gate_script(script: Path, state_dir: Path) -> None:
    """Tidy a fallback folder on shutdown; a script inside the state dir stays."""
    if script.parent.parent == state_dir.resolve():
        return
    script.unlink(missing_ok=True)
    with contextlib.suppress(OSError):
        script.parent.rmdir()
        script.parent.parent.rmdir()  # the base too, once no other sandbox uses it


def _config_value(value: Path | str) -> str:
    text = str(value)
    return f'"{text}"' if any(c.isspace() for c in text) else text


def write_sshd_config(ssh_dir: Path, port: int, host_key: HostKey, script: Path) -> Path:
    command_user = "root" if os.geteuid() == 0 else getpass.getuser()
    config = ssh_dir / "sshd_config"
    replace_file(config, "\n".join([
        "# Written by the azrepos sandbox on each start; edits are lost.",
        "ListenAddress 127.0.0.1",
        f"Port {port}",
        f"HostKey {_config_value(host_key.path)}",
        f"PidFile {_config_value(ssh_dir / 'sshd.pid')}",
        "AuthorizedKeysFile none",
        f"AuthorizedKeysCommand {_config_value(script)} %u %f",
        f"AuthorizedKeysCommandUser {command_user}",
        "UsePAM no",
        "PasswordAuthentication no",
        "KbdInteractiveAuthentication no",
        "PubkeyAuthentication yes",
        "PermitRootLogin prohibit-password",
        "StrictModes no",
        "LogLevel VERBOSE",
        "AcceptEnv GIT_PROTOCOL",  # lets git use protocol v2 over SSH
        "AllowTcpForwarding no",
        "X11Forwarding no",
        "PermitTunnel no",
        "PermitUserRC no",
        "PrintMotd no",
        "PrintLastLog no",
        "UseDNS no",
        "",
    ]), mode=0o600)
    return config


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _banner(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
            return sock.recv(64).startswith(b"SSH-2.0-")
    except OSError:
        return False


class SshdProcess:
    """One ``sshd -D`` child on a loopback port."""

    def __init__(self, config: Path, log: Path, port: int) -> None:
        self.port = port
        self._log = log
        Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)  # privilege separation dir
        self.process = subprocess.Popen(
            [SSHD, "-D", "-f", str(config), "-E", str(log)],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )

    def wait_ready(self, timeout: float = 15) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"sshd exited with {self.process.returncode}: "
                                   f"{self._failure_text()}")
            if _banner(self.port):
                return
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"sshd did not accept connections on port {self.port} within "
                           f"{timeout:.0f} s: {self._failure_text()}")

    def _failure_text(self) -> str:
        stderr = self.process.stderr.read().decode(errors="replace") if (
            self.process.stderr and self.process.poll() is not None) else ""
        log = self._log.read_text(errors="replace") if self._log.exists() else ""
        return (stderr + log).strip()[-2000:] or "no output"

    def running(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process.stderr:
            self.process.stderr.close()


def stop_stale_sshd(ssh_dir: Path) -> None:
    """Stop an sshd left behind by a sandbox that was killed outright (SIGKILL, OOM).

    Only a process whose command line names this state dir's sshd_config is touched.
    """
    pid_file, config = ssh_dir / "sshd.pid", str(ssh_dir / "sshd_config")
    try:
        pid = int(pid_file.read_text().strip())
        # sshd rewrites its title ("sshd: /usr/sbin/sshd -D -f CONFIG ..."), so split on
        # spaces as well as NULs.
        words = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").split()
    except (OSError, ValueError):
        return
    if not words or b"sshd" not in words[0] or config.encode() not in words:
        return
    os.kill(pid, signal.SIGTERM)
    for _ in range(50):
        if not Path(f"/proc/{pid}").exists():
            return
        time.sleep(0.1)


def start_sshd(ssh_dir: Path, log: Path, port: int, host_key: HostKey,
               script: Path) -> SshdProcess:
    """Start sshd on ``port`` (0: a free one, retrying if another process takes it first)."""
    stop_stale_sshd(ssh_dir)
    attempts = 1 if port else 5
    for attempt in range(attempts):
        chosen = port or free_port()
        config = write_sshd_config(ssh_dir, chosen, host_key, script)
        sshd = SshdProcess(config, log, chosen)
        try:
            sshd.wait_ready()
            return sshd
        except RuntimeError:
            sshd.stop()
            if attempt == attempts - 1:
                raise
    raise AssertionError("unreachable")
