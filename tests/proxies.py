"""Real proxies from Debian, started on loopback for a test, with their access logs read back so
a test proves the traffic went through them: squid (plain, or with Basic authentication) and
mitmproxy's mitmdump (TLS inspection, re-signing with its own CA).

squid, not tinyproxy, for the authenticating proxy: tinyproxy 1.11 answers a wrong password on
CONNECT with 401 and WWW-Authenticate, where squid (and the HTTP spec) answers 407."""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_listening(port: int, proc: subprocess.Popen[bytes], log: Path, what: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"{what} exited: {log.read_text(errors='replace')[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"{what} did not listen on {port}")


@dataclass
class Proxy:
    port: int
    log: Path
    ca_file: Path | None = None  # the inspecting proxy's CA

    def url(self, user: str | None = None, password: str | None = None) -> str:
        auth = f"{user}:{password}@" if user is not None else ""
        return f"http://{auth}127.0.0.1:{self.port}"

    def text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def mark(self) -> int:
        """Where the log ends now; ``since`` reads only what came after."""
        return len(self.text())

    def since(self, mark: int) -> str:
        return self.text()[mark:]


@contextmanager
def squid(folder: Path, *, user: str | None = None, password: str | None = None,
          hosts: dict[str, str] | None = None) -> Iterator[Proxy]:
    """squid in the foreground with a config of its own (never the system service); with
    ``user``, Basic authentication through squid's own ``basic_ncsa_auth``; ``hosts`` are
    names only the proxy resolves (its own hosts file)."""
    # Run as root, squid works as its own unprivileged user, which cannot enter pytest's 0700
    # folders: its files live in a folder of their own under /tmp, copied back at the end.
    work = Path(tempfile.mkdtemp(prefix="azrepos-squid-"))
    work.chmod(0o777)
    folder.mkdir(parents=True, exist_ok=True)
    port, log = free_port(), work / "access.log"
    access = ["http_access allow all"]
    if user is not None:
        hashed = subprocess.run(["openssl", "passwd", "-apr1", str(password)], check=True,
                                capture_output=True, text=True).stdout.strip()
        (work / "passwd").write_text(f"{user}:{hashed}\n")
        access = [f"auth_param basic program /usr/lib/squid/basic_ncsa_auth {work}/passwd",
                  "auth_param basic realm azrepos-test", "acl authed proxy_auth REQUIRED",
                  "http_access allow authed", "http_access deny all"]
    (work / "hosts").write_text("".join(f"{ip} {name}\n" for name, ip in (hosts or {}).items()))
    access.append(f"hosts_file {work}/hosts")
    config = work / "squid.conf"
    config.write_text("\n".join([
        f"http_port 127.0.0.1:{port}", f"pid_filename {work}/squid.pid",
        f"access_log stdio:{log}", f"cache_log {work}/cache.log", "cache_store_log none",
        f"coredump_dir {work}", "cache deny all", "shutdown_lifetime 1 seconds",
        *access]) + "\n")
    with (folder / "squid.out").open("wb") as out:
        # -n: a service name of its own, so squids side by side share no memory segment
        proc = subprocess.Popen(["squid", "-N", "-n", f"azrepos{port}", "-f", str(config)],
                                stdout=out,
                                stderr=subprocess.STDOUT)
    try:
        _wait_listening(port, proc, folder / "squid.out", "squid")
        yield Proxy(port, log)
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        for name in ("access.log", "cache.log"):
            if (work / name).exists():
                shutil.copy(work / name, folder / name)
        shutil.rmtree(work, ignore_errors=True)


@contextmanager
def mitmdump(folder: Path, upstream_ca: str) -> Iterator[Proxy]:
    """A TLS-inspecting proxy: it trusts ``upstream_ca`` towards the service and re-signs
    every site with its own CA (``Proxy.ca_file``)."""
    folder.mkdir(parents=True, exist_ok=True)
    port, log = free_port(), folder / "mitmdump.log"
    confdir = folder / "conf"
    with log.open("wb") as out:
        proc = subprocess.Popen(["mitmdump", "--listen-host", "127.0.0.1", "--listen-port",
                                 str(port), "--set", f"confdir={confdir}", "--set",
                                 f"ssl_verify_upstream_trusted_ca={upstream_ca}"],
                                stdout=out, stderr=subprocess.STDOUT)
    try:
        _wait_listening(port, proc, log, "mitmdump")
        yield Proxy(port, log, confdir / "mitmproxy-ca-cert.pem")
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def tunnels(text: str, status: str = "TCP_TUNNEL/200") -> list[str]:
    """``HOST:PORT`` of every CONNECT in a squid access log that ended with ``status``."""
    found = []
    for line in text.splitlines():
        fields = line.split()
        if len(fields) > 6 and fields[5] == "CONNECT" and fields[3] == status:
            found.append(fields[6])
    return found
