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
# How long a connection may stay silent (idle keep-alive, or a half-sent request) before the server closes it; longer
# than any client's pause between polls, shorter than forever (nginx's keepalive_timeout default is 75 s).
IDLE_TIMEOUT = 60.0


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
        idle_timeout: float = IDLE_TIMEOUT,
    ) -> None:
        self.emulator = emulator
        self.idle_timeout = idle_timeout
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
        # Every read and write of this connection (the TLS handshake first) gives up after the idle timeout, so a
        # silent or half-sent request cannot hold a server thread for ever (StreamRequestHandler applies `timeout`).
        self.timeout = self.server.idle_timeout
        self.request.settimeout(self.timeout)
        if isinstance(self.request, ssl.SSLSocket):
            self.request.do_handshake()
        super().setup()

    def handle_one_request(self) -> None:
        try:
            super().handle_one_request()
        except (socket.timeout, TimeoutError):
            # A body that never came in full: close; the client sent too little to deserve an answer.
            self.close_connection = True

    def __getattr__(self, name: str) -> Any:
        # Every method reaches the gateway, which answers in JSON (APIGW.0101 for what no API serves, PATCH included)
        # instead of http.server's HTML 501 page.
        if name.startswith("do_"):
            return self._serve
        raise AttributeError(name)

    def send_error(self, code: int, message: Optional[str] = None, explain: Optional[str] = None) -> None:
        """http.server's own errors (bad request line, headers too long) as the gateway's JSON, not HTML."""
        self.close_connection = True
        body = {"error_code": "APIGW.0%d" % code, "error_msg": message or self.responses.get(code, ("Error",))[0]}
        self._write(json_reply(code, body), uuid.uuid4().hex)

    def _content_length(self) -> Optional[int]:
        """The body's length: digits only (no sign, no list), or None when malformed."""
        raw = self.headers.get_all("Content-Length") or []
        if not raw:
            return 0
        if len(raw) > 1 or not raw[0].strip().isdigit() or not raw[0].strip().isascii():
            return None
        return int(raw[0].strip())

    def _serve(self) -> None:
        started = time.monotonic()
        request_id = uuid.uuid4().hex
        raw_path, dummy, raw_query = self.path.partition("?")
        length = self._content_length()
        if length is None:
            # A negative length used to become read(-1): read until the client leaves, one thread held meanwhile.
            self.close_connection = True
            self._write(
                json_reply(400, {"error_code": "APIGW.0400", "error_msg": "Invalid Content-Length."}), request_id
            )
            self._log(raw_path, "400", started)
            return
        if length > MAX_BODY:
            self.close_connection = True
            self._write(Reply(413, b"", {}), request_id)
            return
        body = self.rfile.read(length) if length else b""
        if len(body) < length:
            # The client closed before sending the whole body.
            self.close_connection = True
            return
        headers = {}
        for name, value in self.headers.items():
            headers.setdefault(name.lower(), header_text(value))
        req = Received(self.command, raw_path, raw_query, headers, body, request_id, peer=str(self.client_address[0]))
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
        # The server's clock, not the host's: with --clock-skew the Date header runs ahead or behind too. A reply
        # with a Date of its own (record passes the cloud's on, replay serves the recorded one) keeps it.
        dates = [value for name, value in reply.headers.items() if name.lower() == "date"]
        self.send_header("Date", dates[0] if dates else self.server.emulator.clock.http_date())
        self.send_header("X-Request-Id", request_id)
        for name, value in reply.headers.items():
            if name.lower() != "date":
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
