"""HTTP plumbing: ThreadingHTTPServer + a handler that turns bytes into `Received` and `Reply` into bytes."""

from __future__ import annotations

import socket
import ssl
import sys
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Optional, TextIO, Tuple

from .app import Emulator
from .reply import Reply, json_reply
from .request import Received, header_text

MAX_BODY = 10 * 1024 * 1024


class EmulatorServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(
        self,
        address: Tuple[str, int],
        emulator: Emulator,
        quiet: bool = False,
        ssl_context: Optional[ssl.SSLContext] = None,
        log_stream: Optional[TextIO] = None,
    ) -> None:
        self.emulator = emulator
        self.quiet = quiet
        self.ssl_context = ssl_context
        self.log_stream = log_stream or sys.stderr
        super().__init__(address, EmulatorHandler)

    def get_request(self) -> Tuple[socket.socket, Any]:
        sock, addr = super().get_request()
        # Count every accepted TCP connection: the benchmark asserts that clients reuse them.
        self.emulator.stats.bump("connections")
        # The handler sends headers and body separately; without TCP_NODELAY, Nagle's algorithm holds the body
        # until the client's delayed ACK (~40 ms per keep-alive request). Real gateways (nginx) send at once.
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if self.ssl_context is not None:
            # Handshake lazily in the worker thread so that one slow client cannot block accept().
            sock = self.ssl_context.wrap_socket(sock, server_side=True, do_handshake_on_connect=False)
        return sock, addr

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Clients that drop connections (or fail TLS) are normal in fault tests; keep stderr quiet.
        if not self.quiet:
            exc = sys.exc_info()[1]
            self.log_stream.write("connection error from %s: %s\n" % (client_address[0], exc))
            self.log_stream.flush()

    @property
    def base_url(self) -> str:
        host, port = self.server_address[0], self.server_address[1]
        if ":" in str(host):
            host = "[%s]" % host
        return "%s://%s:%d" % ("https" if self.ssl_context else "http", host, port)


class EmulatorHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, so connection reuse is observable
    server_version = "dms-emulator"
    sys_version = ""
    server: EmulatorServer

    def setup(self) -> None:
        if isinstance(self.request, ssl.SSLSocket):
            self.request.do_handshake()
        super().setup()

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def do_DELETE(self) -> None:
        self._serve()

    def do_PUT(self) -> None:
        self._serve()

    def _serve(self) -> None:
        started = time.monotonic()
        request_id = uuid.uuid4().hex
        raw_path, dummy, raw_query = self.path.partition("?")
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            self.close_connection = True
            self._write(Reply(413, b"", {}), request_id)
            return
        body = self.rfile.read(length) if length else b""
        headers = {}
        for name, value in self.headers.items():
            headers.setdefault(name.lower(), header_text(value))
        req = Received(self.command, raw_path, raw_query, headers, body, request_id)
        try:
            reply = self.server.emulator.dispatch(req)
        except Exception as exc:  # pylint: disable=broad-except
            # An emulator bug must surface as a visible 500, not as a silently closed connection.
            reply = json_reply(500, {"error_code": "EMU.0500", "error_msg": "emulator bug: %s" % type(exc).__name__})
            if not self.server.quiet:
                self.server.log_stream.write("emulator error: %r\n" % (exc,))
        if reply.drop:
            # Close without a status line: the client sees a connection reset / remote disconnect.
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            self._log(raw_path, "DROP", started)
            return
        self._write(reply, request_id)
        self._log(raw_path, str(reply.status), started)

    def _write(self, reply: Reply, request_id: str) -> None:
        self.server.emulator.stats.bump_key("responses_by_status", str(reply.status))
        self.send_response_only(reply.status)
        # The server's clock, not the host's: with --clock-skew the Date header runs ahead or behind too.
        self.send_header("Date", self.server.emulator.clock.http_date())
        self.send_header("X-Request-Id", request_id)
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(reply.body)))
        self.end_headers()
        if reply.body and self.command != "HEAD":
            self.wfile.write(reply.body)
        self.wfile.flush()

    def _log(self, raw_path: str, status: str, started: float) -> None:
        # Path only: the query is harmless but headers and bodies may carry secrets and are never logged.
        if self.server.quiet:
            return
        elapsed_ms = (time.monotonic() - started) * 1000
        self.server.log_stream.write("%s %s %s %.1fms\n" % (self.command, raw_path, status, elapsed_ms))
        self.server.log_stream.flush()

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - signature fixed by http.server
        # http.server's default access log would print the request line; we log our own line instead.
        return
