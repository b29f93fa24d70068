"""Git smart HTTP, served by the real ``git http-backend`` run as a CGI program."""

from __future__ import annotations

import logging
import os
import subprocess
from pathlib import Path

from azrepos_sandbox.admin.request_log import LOGGER_NAME
from azrepos_sandbox.http_types import Request, Response
from azrepos_sandbox.identity.pat_auth import Principal

HTTP_BACKEND = "/usr/lib/git-core/git-http-backend"
_SERVICES = {"git-upload-pack": "vso.code", "git-receive-pack": "vso.code_write"}
_HOP_BY_HOP = {"connection", "transfer-encoding", "keep-alive", "content-length"}
_log = logging.getLogger(LOGGER_NAME)


def git_route(rest: list[str], request: Request) -> tuple[str, str] | None:
    """(path inside the repo, scope it needs) for a smart-HTTP route, or None."""
    if rest == ["info", "refs"]:
        service = request.query.get("service", "git-upload-pack")
        return ("info/refs", _SERVICES[service]) if service in _SERVICES else None
    if len(rest) == 1 and rest[0] in _SERVICES and request.method == "POST":
        return rest[0], _SERVICES[rest[0]]
    return None


def _parse_cgi(output: bytes) -> Response:
    # CGI output: headers, a blank line, then the body. Git writes CRLF, but accept LF too.
    crlf, lf = output.find(b"\r\n\r\n"), output.find(b"\n\n")
    if crlf != -1 and (lf == -1 or crlf < lf):
        head, body = output[:crlf], output[crlf + 4:]
    elif lf != -1:
        head, body = output[:lf], output[lf + 2:]
    else:
        return Response(502, b"git http-backend sent no headers\n", kind="git")
    status, headers = 200, []
    for line in head.decode("latin-1").splitlines():
        name, _, value = line.partition(":")
        name, value = name.strip(), value.strip()
        if name.lower() == "status":
            status = int(value.split()[0])
        elif name and name.lower() not in _HOP_BY_HOP:
            headers.append((name, value))
    return Response(status, body, headers, kind="git")


def run_http_backend(repos_root: Path, rel_repo: str, inner_path: str, request: Request,
                     principal: Principal) -> Response:
    """Hand an authenticated request to git http-backend and relay its answer."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "GIT_PROJECT_ROOT": str(repos_root),
        "GIT_HTTP_EXPORT_ALL": "1",
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "HOME": str(repos_root),
        "PATH_INFO": f"/{rel_repo}/{inner_path}",
        # http-backend enables receive-pack only for an authenticated REMOTE_USER.
        "REMOTE_USER": principal.user.email,
        "REMOTE_ADDR": "127.0.0.1",
        "REQUEST_METHOD": request.method,
        "QUERY_STRING": request.raw_query,
        "CONTENT_TYPE": request.headers.get("Content-Type") or "",
        "CONTENT_LENGTH": str(len(request.body)),
        "GATEWAY_INTERFACE": "CGI/1.1",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "SERVER_SOFTWARE": "azrepos-sandbox",
    }
    encoding = request.headers.get("Content-Encoding")
    if encoding:
        env["HTTP_CONTENT_ENCODING"] = encoding
    protocol = request.headers.get("Git-Protocol")
    if protocol:
        env["GIT_PROTOCOL"] = protocol
    result = subprocess.run([HTTP_BACKEND], input=request.body, capture_output=True,
                            env=env, timeout=600, check=False)
    if result.stderr:
        _log.info("git http-backend: %s", result.stderr.decode(errors="replace").strip())
    if result.returncode != 0 and not result.stdout:
        return Response(500, b"git http-backend failed\n", kind="git")
    return _parse_cgi(result.stdout)
