# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one loopback HTTP server of the unit tests: raw sockets, so a test scripts exactly what goes on the wire.

Each request gets the next scripted answer (the last repeats, see fakes.Script): a ``Reply`` (status, headers, a
JSON or bytes body, optionally after a delay or dripped byte by byte), or a callable ``behave(conn, stop)`` that
writes whatever it likes (a dripping status line, endless ``100 Continue``) and ends the connection. Connections
are kept alive between ``Reply`` answers unless one says ``close``. Every request is recorded in ``received``.
Import it by the collection's name: ``from ansible_collections.hwcloud.dms.tests.unit.http_server import ...``.
"""

from __future__ import annotations

import json
import socket
import threading
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Optional, Union

import pytest

from ansible_collections.hwcloud.dms.tests.unit.fakes import Script


@dataclass
class Reply:
    status: int = 200
    body: Union[bytes, Any] = None  # bytes as they are, anything else as JSON; None is ``{}``
    headers: dict = field(default_factory=dict)
    delay: float = 0.0  # seconds before the answer
    drip: float = 0.0  # seconds between the body's bytes (the head goes at once)
    close: bool = False
    reason: str = "X"

    def head_and_body(self) -> tuple[bytes, bytes]:
        body = (
            self.body if isinstance(self.body, bytes) else json.dumps({} if self.body is None else self.body).encode()
        )
        head = "HTTP/1.1 %d %s\r\nContent-Length: %d\r\n" % (self.status, self.reason, len(body))
        if self.close:
            head += "Connection: close\r\n"
        for name, value in self.headers.items():
            head += "%s: %s\r\n" % (name, value)
        return head.encode("latin-1") + b"\r\n", body


Answer = Union[Reply, Callable[[socket.socket, threading.Event], None]]


class TestServer:
    """A loopback HTTP/1.1 server answering from a script; ``received`` holds method, path, headers, body, client."""

    __test__ = False  # not a test class, whatever its name

    def __init__(self, answers: Iterable[Answer] = (Reply(),)) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.1)
        self.script = Script(answers)
        self.received: list[dict[str, Any]] = []
        self.connections = 0
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        threading.Thread(target=self._serve, daemon=True).start()

    @property
    def url(self) -> str:
        return "http://127.0.0.1:%d" % self.port

    @property
    def port(self) -> int:
        return self.sock.getsockname()[1]

    @property
    def requests(self) -> int:
        return len(self.received)

    def replies(self, *answers: Answer) -> None:
        self.script = Script(answers)

    def close(self) -> None:
        self.stopping.set()
        self.sock.close()

    def _serve(self) -> None:
        while not self.stopping.is_set():
            try:
                conn, address = self.sock.accept()
            except OSError:
                continue
            with self.lock:
                self.connections += 1
            threading.Thread(target=self._connection, args=(conn, address), daemon=True).start()

    def _connection(self, conn: socket.socket, address: Any) -> None:
        with conn:
            conn.settimeout(10)
            buffer = b""
            try:
                while not self.stopping.is_set():
                    request, buffer = _read_request(conn, buffer)
                    if request is None:
                        return
                    request["client"] = address
                    with self.lock:
                        self.received.append(request)
                    if not self._answer(conn, self.script.next()):
                        return
            except OSError:
                return

    def _answer(self, conn: socket.socket, answer: Answer) -> bool:
        """Send one answer; False when the connection is to end."""
        if not isinstance(answer, Reply):
            answer(conn, self.stopping)
            return False
        if answer.delay and self.stopping.wait(answer.delay):
            return False
        head, body = answer.head_and_body()
        if not answer.drip:
            conn.sendall(head + body)
            return not answer.close
        conn.sendall(head)
        for index in range(len(body)):
            if self.stopping.wait(answer.drip):
                return False
            conn.sendall(body[index : index + 1])
        return not answer.close


def _read_request(conn: socket.socket, buffer: bytes) -> tuple[Optional[dict[str, Any]], bytes]:
    while b"\r\n\r\n" not in buffer:
        chunk = conn.recv(65536)
        if not chunk:
            return None, b""
        buffer += chunk
    head, buffer = buffer.split(b"\r\n\r\n", 1)
    lines = head.decode("latin-1").split("\r\n")
    method, path, _version = lines[0].split(" ", 2)
    headers = dict(line.split(": ", 1) for line in lines[1:] if ": " in line)
    length = int(next((value for name, value in headers.items() if name.lower() == "content-length"), 0))
    while len(buffer) < length:
        chunk = conn.recv(65536)
        if not chunk:
            return None, b""
        buffer += chunk
    body, buffer = buffer[:length], buffer[length:]
    return {"method": method, "path": path, "headers": headers, "body": body}, buffer


@pytest.fixture
def test_server():
    """A TestServer answering 200 ``{}`` until a test scripts it (``replies``); closed after the test."""
    server = TestServer()
    yield server
    server.close()


def free_port() -> int:
    """A loopback port nothing listens on (for connection-refused tests)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
