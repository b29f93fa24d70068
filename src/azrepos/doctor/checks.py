"""The checks, in order. Each returns a Check with a one-line fix; none prints a secret."""

from __future__ import annotations

import base64
import os
import shlex
import socket
import ssl
import subprocess
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ..auth.chain import resolve_credential, sources_present
from ..auth.order import PAT_ENV
from ..connection import ConnectionProfile
from ..errors import AzreposError, ConfigError, CredentialMissing
from ..git_command import config_get as git_config_get
from ..git_command import run_git
from ..machine import environment
from ..machine.gcm import helper_kind
from ..network import TRUST_HINT, proxy_failure
from ..rest.client import AzureDevOpsClient
from ..sshkeys import host_setup, key_files
from ..sshkeys.public_key import fingerprint_of
from ..urls import Organization, RepoRef
from .result import FAIL, PASS, SKIP, WARN, Check


@dataclass
class Context:
    ref: RepoRef
    profile: ConnectionProfile
    home: Path
    key_path: Path | None
    client: AzureDevOpsClient | None = None
    notes: dict[str, str] = field(default_factory=dict)

    @property
    def org(self) -> Organization:
        return self.profile.org

    @property
    def ca_bundle(self) -> str | None:
        return self.profile.git_ca_bundle


def url_check(ctx: Context) -> Check:
    ref = ctx.ref
    parts = [f"{ref.transport} URL", f"{ctx.org.kind}", f"org {ctx.org.name}"]
    parts += [f"project {ref.project}"] if ref.project else []
    parts += [f"repo {ref.repo}"] if ref.repo else []
    return Check("URL", PASS, ", ".join(parts))


def _network_fix(ctx: Context, default: str) -> str:
    if ctx.notes.get("org_guessed"):  # an ssh://host:port URL says nothing of the HTTPS side
        return (f"{ctx.org.url} was guessed from the SSH URL; give the server's HTTPS "
                "address: azrepos doctor URL --org https://SERVER/COLLECTION")
    return default


def _through_proxy(proxy_url: str, host: str, port: int) -> socket.socket:
    """A socket tunnelled to ``host:port`` by an HTTP proxy's CONNECT (git's and curl's way)."""
    parts = urlsplit(proxy_url)
    if parts.scheme != "http":
        raise OSError(f"doctor tests http:// proxies only, not {parts.scheme}://")
    sock = socket.create_connection((parts.hostname or "", parts.port or 80), timeout=10)
    auth = ""
    if parts.username is not None:
        pair = f"{unquote(parts.username)}:{unquote(parts.password or '')}".encode()
        auth = f"Proxy-Authorization: Basic {base64.b64encode(pair).decode()}\r\n"
    sock.sendall(f"CONNECT {host}:{port} HTTP/1.1\r\nHost: {host}:{port}\r\n{auth}\r\n"
                 .encode())
    answer = b""
    while b"\r\n\r\n" not in answer and len(answer) < 8192:
        chunk = sock.recv(1024)
        if not chunk:
            break
        answer += chunk
    status = answer.split(b" ", 2)[1:2]
    if status != [b"200"]:
        sock.close()
        raise ProxyRefused(status[0].decode(errors="replace") if status else "no answer")
    return sock


class ProxyRefused(OSError):
    """The proxy answered CONNECT with something other than 200."""


def tls_check(ctx: Context) -> Check:
    host, _, port = ctx.org.host.partition(":")
    proxy = ctx.profile.proxy
    proxy_url = proxy.for_host(ctx.org.host)
    via = f" via the proxy {proxy.describe()}" if proxy_url else ""
    if not proxy_url:  # through a proxy, the proxy resolves the name
        try:
            socket.getaddrinfo(host, int(port or 443))
        except OSError:
            return Check("DNS and TLS", FAIL, f"{host} does not resolve",
                         _network_fix(ctx, "check the host name in the URL, DNS and any proxy"))
    context = ssl.create_default_context(cafile=ctx.ca_bundle)
    try:
        with (_through_proxy(proxy_url, host, int(port or 443)) if proxy_url
              else socket.create_connection((host, int(port or 443)), timeout=10)) as sock, \
                context.wrap_socket(sock, server_hostname=host):
            pass
    except ProxyRefused as exc:
        failure = proxy_failure(str(exc), proxy)
        if str(exc) != "407":
            failure = ConfigError(f"the proxy {proxy.address} refused to connect to {host} "
                                  f"({exc})", hint="ask the proxy's owners to allow it")
        return Check("DNS and TLS", FAIL, failure.message, failure.hint)
    except ssl.SSLCertVerificationError as exc:
        return Check("DNS and TLS", FAIL,
                     f"{host} resolves, but its TLS certificate is not trusted ({exc.reason})",
                     TRUST_HINT)
    except OSError as exc:
        if proxy_url:  # the proxy is the only thing connected to directly
            failure = proxy_failure(str(exc), proxy)
            return Check("DNS and TLS", FAIL, failure.message, failure.hint)
        return Check("DNS and TLS", FAIL, f"cannot connect to {ctx.org.host}: {exc.strerror}",
                     _network_fix(ctx, "check the network, firewall and proxy"))
    ca = ctx.ca_bundle or "system CAs"
    reached = f"{host} reached{via}" if proxy_url else f"{host} resolves (no proxy)"
    return Check("DNS and TLS", PASS, f"{reached}; TLS certificate trusted ({ca})")


def credential_check(ctx: Context) -> Check:
    sources = []
    helper = git_config_get("credential.helper", ctx.org.url)
    if helper:
        sources.append(f"git helper {Path(helper.split()[0]).name}")
    found = sources_present(ctx.profile)
    if not sources and not found:
        return Check("Credential", FAIL, "no credential source found",
                     f"azrepos login --org {ctx.org.url}   (or set {PAT_ENV})")
    used = f"; azrepos uses {found[0]}" if found else ""
    return Check("Credential", PASS, "found: " + ", ".join(sources + found) + used)


def rest_check(ctx: Context) -> Check:
    try:
        credential = resolve_credential(ctx.profile)
        ctx.client = ctx.profile.client(credential)
        data = ctx.client.connection_data()
    except CredentialMissing:
        return Check("REST auth", SKIP, "no credential to call the REST API with",
                     f"azrepos login --org {ctx.org.url}")
    except AzreposError as exc:
        return Check("REST auth", FAIL, exc.message, exc.hint)
    return Check("REST auth", PASS, f"{data.user.display_name} ({data.user.id}) via "
                 f"{ctx.client.credential_description}")


def ls_remote_check(ctx: Context) -> Check:
    url = ctx.ref.https_url
    if not url:
        return Check("git over HTTPS", SKIP, "not a repository URL")
    done = run_git("ls-remote", "--heads", url, timeout=60)
    if done.returncode == 0:
        return Check("git over HTTPS", PASS, f"git ls-remote works ({len(done.stdout.splitlines())}"
                     " branches)")
    reason = (done.stderr.strip().splitlines() or ["failed"])[-1][:200]
    return Check("git over HTTPS", FAIL, f"git ls-remote failed: {reason}",
                 f"azrepos configure-git --org {ctx.org.url}, then azrepos login")


def _ssh_base() -> list[str]:
    command = os.environ.get("GIT_SSH_COMMAND") or git_config_get("core.sshCommand") or "ssh"
    return shlex.split(command)


def ssh_checks(ctx: Context) -> list[Check]:
    checks = []
    key_path = ctx.key_path or host_setup.identity_file(ctx.home, ctx.org) or \
        key_files.default_key_path(ctx.home)
    pub = key_files.pub_path(key_path)
    if not key_path.exists() or not pub.exists():
        return [Check("SSH key", FAIL, f"no key pair at {key_path}",
                      f"azrepos ssh-key add --org {ctx.org.url}")]
    fingerprint = fingerprint_of(pub.read_text(encoding="utf-8"))
    if ctx.client is None:
        checks.append(Check("SSH key", WARN, f"{key_path} ({fingerprint}); registration not "
                            "checked without a REST credential"))
    else:
        try:
            tokens = [t for t in ctx.client.list_ssh_keys()
                      if fingerprint_of(t.public_data) == fingerprint]
        except AzreposError as exc:
            tokens = []
            checks.append(Check("SSH key", FAIL, f"cannot list keys: {exc.message}", exc.hint))
        now = datetime.now(UTC)
        live = [t for t in tokens if t.valid_to is None or t.valid_to > now]
        if not checks and not tokens:
            checks.append(Check("SSH key", FAIL, f"{fingerprint} is not registered in "
                                f"{ctx.org.name}", f"azrepos ssh-key add --org {ctx.org.url}"))
        elif not checks and not live:
            checks.append(Check("SSH key", FAIL, f"{fingerprint} expired",
                                f"azrepos ssh-key add --org {ctx.org.url} (extends it)"))
        elif not checks:
            until = max(t.valid_to for t in live if t.valid_to) if any(
                t.valid_to for t in live) else None
            checks.append(Check("SSH key", PASS, f"{fingerprint} registered"
                                + (f", valid until {until:%Y-%m-%d}" if until else "")))
    checks.append(_ssh_answer(ctx, key_live=bool(checks) and checks[-1].status == PASS))
    return checks


def _ssh_answer(ctx: Context, *, key_live: bool = False) -> Check:
    host = ctx.ref.ssh_host or "ssh.dev.azure.com"
    user = ctx.ref.ssh_user or "git"
    argv = [*_ssh_base(), "-T", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=yes"]
    argv += ["-p", str(ctx.ref.ssh_port)] if ctx.ref.ssh_port else []
    done = subprocess.run([*argv, f"{user}@{host}"], capture_output=True, text=True,
                          timeout=60, check=False, stdin=subprocess.DEVNULL)
    text = done.stdout + done.stderr
    if "Shell access is not supported" in text:
        return Check("SSH", PASS, f"{host} accepted the key (host key pinned and verified)")
    if "Host key verification failed" in text or "No RSA host key is known" in text:
        return Check("SSH", FAIL, f"the host key of {host} is not pinned or has changed",
                     f"azrepos ssh-key add --org {ctx.org.url} pins the published host key")
    if "Permission denied" in text and key_live:
        # The service says the key is registered and valid, yet SSH refuses it: the
        # organization's policy has SSH authentication off.
        return Check("SSH", FAIL, "SSH authentication is turned off for this organization: "
                     f"{host} refused a key that {ctx.org.name} lists as registered and valid",
                     "ask an organization administrator to allow SSH authentication "
                     "(Organization settings > Policies), or use HTTPS: "
                     f"azrepos configure-git --org {ctx.org.url}")
    if "Permission denied" in text:
        return Check("SSH", FAIL, f"{host} refused the key (not registered, expired or revoked)",
                     f"azrepos ssh-key add --org {ctx.org.url}")
    last = (text.strip().splitlines() or ["no answer"])[-1][:200]
    return Check("SSH", FAIL, f"ssh to {host} failed: {last}", "check network access to port 22")


def gitconfig_check(ctx: Context) -> Check:
    done = run_git("config", "--get-regexp", r"^credential\.(.*\.)?helper$")
    helpers = [line.split(" ", 1)[1] if " " in line else "" for line in done.stdout.splitlines()]
    effective = git_config_get("credential.helper", ctx.org.url) or ""
    problems = []
    if not effective:
        problems.append("no credential helper applies to this URL")
    elif helper_kind(effective) is None:
        problems.append(f"the helper git uses here is {Path(effective.split()[0]).name}")
    if any(h.strip() == "store" or h.startswith("store ") for h in helpers):
        problems.append("credential.helper=store keeps passwords in plain text")
    if (git_config_get("credential.useHttpPath", ctx.org.url) or "").lower() != "true":
        problems.append("useHttpPath is off, so several organizations cannot coexist")
    store = git_config_get("credential.credentialStore", ctx.org.url)
    if store and "manager" in effective:
        wanted = environment.gcm_store_for(environment.detect()).credential_store
        if store == "secretservice" and wanted != "secretservice":
            problems.append("GCM's secretservice store needs a desktop session here")
    if problems:
        return Check("gitconfig", FAIL, "; ".join(problems),
                     f"azrepos configure-git --org {ctx.org.url}")
    return Check("gitconfig", PASS, f"helper {Path(effective.split()[0]).name}, useHttpPath on")
