# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""_body's bounded JSON, and _watchdog's whole-attempt limit through DmsHttpClient.request against raw sockets."""

from __future__ import annotations

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
from ansible_collections.hwcloud.dms.plugins.module_utils._http import DmsHttpClient
from ansible_collections.hwcloud.dms.plugins.module_utils._transport import open_transport
from ansible_collections.hwcloud.dms.tests.unit.http_server import TestServer


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


@pytest.fixture
def serve():
    servers = []

    def make(behave):
        servers.append(TestServer([behave]))
        return servers[-1]

    yield make
    for server in servers:
        server.close()


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
    client = DmsHttpClient(open_transport(request_timeout=0.8, retries=0), server.url, AkSkAuth("AK", "SK"), "p")
    started = time.monotonic()
    with pytest.raises(DmsTransportError) as info:
        client.get_json("/x")
    assert time.monotonic() - started < 0.8 + 0.5
    assert "timed out" in str(info.value)


def test_the_run_deadline_clips_every_request_of_every_client_on_the_transport(serve):
    server = serve(drip(b"HTTP/1.1 200 OK\r\nX-Pad: " + b"a" * 1000 + b"\r\n\r\n{}", 0.02))
    transport = open_transport(request_timeout=30, retries=5, deadline=time.monotonic() + 1.0, sleep=lambda s: None)
    client = DmsHttpClient(transport, server.url, AkSkAuth("AK", "SK"), "p")
    iam = client.for_service("IAM", server.url, AkSkAuth("AK", "SK"))
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
        DmsHttpClient(open_transport(retries=0), server.url, AkSkAuth("AK", "SK"), "p").get_json("/x")
    assert "HTTP 301" in str(info.value) and "http://elsewhere.example/x" in str(info.value)
