"""The HTTPS listener: a threading stdlib server that turns sockets into Request values."""

from __future__ import annotations

import logging
import socket
import ssl
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from azrepos_sandbox.admin.request_log import LOGGER_NAME
from azrepos_sandbox.app import SandboxApp
from azrepos_sandbox.http_types import Request, Response
from azrepos_sandbox.tls import TlsFiles

_MAX_BODY = 1 << 30  # a push to the sandbox never comes near this
_log = logging.getLogger(LOGGER_NAME)


class BodyError(ValueError):
    """The request body could not be read as declared."""


def read_chunked(rfile: Any) -> bytes:
    """Decode a ``Transfer-Encoding: chunked`` body (git sends large POSTs this way)."""
    parts: list[bytes] = []
    total = 0
    while True:
        line = rfile.readline(1024)
        try:
            size = int(line.split(b";", 1)[0].strip(), 16)
        except ValueError:
            raise BodyError("bad chunk size line") from None
        if size == 0:
            while rfile.readline(1024) not in (b"\r\n", b"\n", b""):
                pass  # trailers carry nothing the sandbox needs
            return b"".join(parts)
        total += size
        if total > _MAX_BODY:
            raise BodyError("body too large")
        chunk = rfile.read(size)
        if len(chunk) != size:
            raise BodyError("connection closed inside a chunk")
        parts.append(chunk)
        rfile.readline(1024)  # the CRLF after each chunk


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, which git and requests both use
    server_version = "azrepos-sandbox"
    timeout = 120
    server: SandboxHTTPServer

    def setup(self) -> None:
        # The TLS handshake runs here, in the connection's own thread, so a slow or broken
        # client cannot stall the accept loop.
        self.request.settimeout(30)
        self.request = self.server.tls.wrap_socket(self.request, server_side=True)
        super().setup()

    def _body(self) -> bytes:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            return read_chunked(self.rfile)
        length = int(self.headers.get("Content-Length") or 0)
        if length < 0 or length > _MAX_BODY:
            raise BodyError("bad Content-Length")
        return self.rfile.read(length) if length else b""

    def _serve(self) -> None:
        try:
            body = self._body()
        except (BodyError, ValueError):
            self.send_error(400, "bad request body")
            return
        target = urlsplit(self.path)
        query = {key.lower(): value
                 for key, value in parse_qsl(target.query, keep_blank_values=True)}
        request = Request(self.command, target.path, query, target.query, self.headers, body)
        app = self.server.app
        if app is None:
            self.send_error(503, "sandbox starting")
            return
        self._send(app.respond(request))

    def _send(self, response: Response) -> None:
        try:
            self.send_response(response.status)
            for name, value in response.headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(response.body)))
            self.end_headers()
            if self.command != "HEAD" and response.status not in (204, 304):
                self.wfile.write(response.body)
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError, TimeoutError, ssl.SSLError):
            # The client gave up (e.g. a test's timeout during a delay fault).
            self.close_connection = True

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _serve

    def version_string(self) -> str:
        return self.server_version

    def log_message(self, format: str, *args: Any) -> None:
        # Request lines are logged by RequestLog; this only sees protocol errors.
        _log.info("http: " + format, *args)

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


class SandboxHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, port: int, tls_files: TlsFiles) -> None:
        self.tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.tls.minimum_version = ssl.TLSVersion.TLSv1_2
        self.tls.load_cert_chain(tls_files.server_cert, tls_files.server_key)
        self.app: SandboxApp | None = None  # set once the port (and so the URLs) is known
        super().__init__(("127.0.0.1", port), _Handler)

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    def handle_error(self, request: socket.socket | tuple[bytes, socket.socket],
                     client_address: Any) -> None:
        _log.info("http: connection from %s failed", client_address, exc_info=True)
