# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Bounded JSON and the whole-attempt watchdog (issue 15), through DmsHttpClient.request against raw sockets."""

from __future__ import annotations

import socket
import threading
import time

import pytest

from ansible_collections.hwcloud.dms.plugins.module_utils._auth import AkSkAuth
from ansible_collections.hwcloud.dms.plugins.module_utils._body import (
    MAX_JSON_DEPTH,
    MAX_JSON_OBJECTS,
    JsonTooComplex,
    loads_bounded,
)
from ansible_collections.hwcloud.dms.plugins.module_utils._errors import DmsResponseError, DmsTransportError
from ansible_collections.hwcloud.dms.plugins.module_utils._http import DmsHttpClient, RunLimits


@pytest.mark.parametrize(
    "text",
    [
        "[" * (MAX_JSON_DEPTH + 1) + "]" * (MAX_JSON_DEPTH + 1),
        "[" * 100000 + "]" * 100000,
        "[" + "{}," * MAX_JSON_OBJECTS + "{}]",
        '{"n": NaN}',
        '{"n": Infinity}',
        "1" * 101,
        '{"task_count": 1e999}',
    ],
)
def test_json_no_dms_answer_has_is_refused(text):
    with pytest.raises(JsonTooComplex):
        loads_bounded(text)


def test_ordinary_json_decodes_as_json_loads_does():
    text = '{"tasks": [{"id": "t1", "n": 1.5, "m": -3, "p": {"a": [1, 2, {"b": null}]}}], "ok": true}'
    import json

    assert loads_bounded(text.encode()) == json.loads(text)
    assert loads_bounded("[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH) is not None


class Server:
    """Answers each connection with ``behave(conn)`` after reading the request head."""

    def __init__(self, behave):
        self.behave = behave
        self.stop = threading.Event()
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.1)
        threading.Thread(target=self._serve, daemon=True).start()

    @property
    def url(self):
        return "http://127.0.0.1:%d" % self.sock.getsockname()[1]

    def _serve(self):
        while not self.stop.is_set():
            try:
                conn, _address = self.sock.accept()
            except OSError:
                continue
            threading.Thread(target=self._one, args=(conn,), daemon=True).start()

    def _one(self, conn):
        with conn:
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = conn.recv(65536)
                if not chunk:
                    return
                data += chunk
            try:
                self.behave(conn, self.stop)
            except OSError:
                pass


@pytest.fixture
def serve():
    servers = []

    def make(behave):
        servers.append(Server(behave))
        return servers[-1]

    yield make
    for server in servers:
        server.stop.set()
        server.sock.close()


def drip(data, every):
    def behave(conn, stop):
        for index in range(len(data)):
            if stop.wait(every):
                return
            conn.sendall(data[index : index + 1])

    return behave


@pytest.mark.parametrize(
    "behave",
    [
        drip(b"HTTP/1.1 200 OK\r\nX-Pad: " + b"a" * 1000 + b"\r\n\r\n{}", 0.02),
        drip(b"HTTP/1.1 200 " + b"O" * 1000 + b"\r\n\r\n", 0.02),
        lambda conn, stop: [
            conn.sendall(b"HTTP/1.1 100 Continue\r\n\r\n") for _flood in range(100) if not stop.wait(0.1)
        ],
    ],
    ids=["drip_headers", "drip_status_line", "continue_flood"],
)
def test_status_line_and_headers_are_inside_the_attempt_budget(serve, behave):
    server = serve(behave)
    client = DmsHttpClient(server.url, AkSkAuth("AK", "SK"), "p", request_timeout=0.8, retries=0)
    started = time.monotonic()
    with pytest.raises(DmsTransportError) as info:
        client.get_json("/x")
    assert time.monotonic() - started < 0.8 + 0.5
    assert "timed out" in str(info.value)


def test_the_run_deadline_clips_every_request_of_every_derived_client(serve):
    server = serve(drip(b"HTTP/1.1 200 OK\r\nX-Pad: " + b"a" * 1000 + b"\r\n\r\n{}", 0.02))
    client = DmsHttpClient(
        server.url,
        AkSkAuth("AK", "SK"),
        "p",
        request_timeout=30,
        retries=5,
        sleep=lambda s: None,
        limits=RunLimits(deadline=time.monotonic() + 1.0),
    )
    iam = client.derive(service="IAM")
    started = time.monotonic()
    with pytest.raises(DmsTransportError) as info:
        iam.get_json("/v3/projects")
    assert time.monotonic() - started < 1.0 + 0.5
    assert "IAM" in str(info.value) and "DMS API" not in str(info.value)


def test_a_redirect_is_an_error_naming_its_target(serve):
    body = b'{"task_count":"1","tasks":[{"id":"t1","status":"SUCCESS"}]}'
    head = (
        b"HTTP/1.1 301 Moved\r\nLocation: http://elsewhere.example/x\r\nContent-Length: %d\r\nConnection: close\r\n\r\n"
        % len(body)
    )
    server = serve(lambda conn, stop: conn.sendall(head + body))
    with pytest.raises(DmsResponseError) as info:
        DmsHttpClient(server.url, AkSkAuth("AK", "SK"), "p", retries=0).get_json("/x")
    assert "HTTP 301" in str(info.value) and "http://elsewhere.example/x" in str(info.value)
