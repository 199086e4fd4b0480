# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""DmsHttpClient against hostile answers: dripping bodies, malformed Retry-After, echoed secrets.

The shared raw-socket server (tests/unit/http_server.py) answers with exactly what each test scripts, byte by byte
when asked.
"""

from __future__ import annotations

import email.utils
import json
import time

import pytest
import requests

from ansible_collections.hwcloud.dms.plugins.module_utils import _retry
from ansible_collections.hwcloud.dms.plugins.module_utils._auth import AkSkAuth
from ansible_collections.hwcloud.dms.plugins.module_utils._errors import DmsApiError, DmsTransportError
from ansible_collections.hwcloud.dms.plugins.module_utils._http import DmsHttpClient
from ansible_collections.hwcloud.dms.plugins.module_utils._transport import open_transport
from ansible_collections.hwcloud.dms.tests.unit.fakes import Pauses
from ansible_collections.hwcloud.dms.tests.unit.http_server import Reply, TestServer

AK = "HPUAEXAMPLEAK0000001"
SK = "unit-secret-key-7f3a9c"
TOKEN = "unit-security-token-5b8e1d"
PROJECT = "0123456789abcdef0123456789abcdef"
PATH = "/v2/%s/instances/i-1/tasks" % PROJECT
OK = json.dumps({"task_count": "1", "tasks": [{"id": "t1", "status": "SUCCESS"}]}).encode("utf-8")


@pytest.fixture
def raw_server():
    server = TestServer()
    yield server
    server.close()


def client_for(url, pauses, **kwargs):
    return DmsHttpClient(open_transport(sleep=pauses, **kwargs), url, AkSkAuth(AK, SK, TOKEN), PROJECT)


# --- Retry-After in every shape a server may send -------------------------------------------------------------


@pytest.mark.parametrize("value", ["soon", "1.5", "-3", "", "Thu, 99 Foo 2024 25:61:61 GMT"])
def test_malformed_retry_after_falls_back_to_backoff_instead_of_crashing(raw_server, value):
    raw_server.replies(
        Reply(429, b'{"error_code":"APIGW.0308","error_msg":"throttled"}', {"Retry-After": value}, close=True),
        Reply(200, OK, close=True),
    )
    pauses = Pauses()
    response = client_for(raw_server.url, pauses).get_json(PATH)
    assert response.data["tasks"][0]["id"] == "t1"
    assert pauses == [_retry.BACKOFF_FACTOR]


def test_retry_after_as_a_past_http_date_means_retry_after_the_floor_pause(raw_server):
    # "Retry now" still waits the floor on retry pauses (Retry-After: 0 made 21 requests in 0.64 s before).
    past = email.utils.formatdate(time.time() - 3600, usegmt=True)
    raw_server.replies(Reply(503, b"busy", {"Retry-After": past}, close=True), Reply(200, OK, close=True))
    pauses = Pauses()
    client_for(raw_server.url, pauses).get_json(PATH)
    assert raw_server.requests == 2
    assert pauses == [_retry.MIN_RETRY_PAUSE]


def test_retry_after_as_a_future_http_date_is_honoured(raw_server):
    future = email.utils.formatdate(time.time() + 4, usegmt=True)
    raw_server.replies(Reply(429, b"{}", {"Retry-After": future}, close=True), Reply(200, OK, close=True))
    pauses = Pauses()
    client_for(raw_server.url, pauses).get_json(PATH)
    assert len(pauses) == 1 and 2 <= pauses[0] <= 4


def test_huge_retry_after_is_capped_and_clipped_by_the_deadline(raw_server):
    raw_server.replies(Reply(429, b"{}", {"Retry-After": "9" * 30}, close=True), Reply(200, OK, close=True))
    pauses = Pauses()
    client_for(raw_server.url, pauses).get_json(PATH)
    assert pauses == [_retry.RETRY_AFTER_MAX]
    raw_server.replies(Reply(429, b"{}", {"Retry-After": "120"}, close=True))
    with pytest.raises(DmsApiError) as info:
        client_for(raw_server.url, Pauses()).get_json(PATH, deadline=time.monotonic() + 3)
    assert info.value.status == 429


# --- one time budget per attempt ------------------------------------------------------------------------------


def test_each_attempt_gets_a_total_timeout_not_only_per_socket_operation(monkeypatch):
    seen = []

    def fake_request(method, url, **kwargs):
        seen.append(kwargs["timeout"])
        raise requests.exceptions.ConnectTimeout("no route")

    client = client_for("http://127.0.0.1:9", Pauses(), request_timeout=7, retries=0)
    monkeypatch.setattr(client.transport.session, "request", fake_request)
    with pytest.raises(DmsTransportError):
        client.get_json(PATH)
    with pytest.raises(DmsTransportError):
        client.get_json(PATH, deadline=time.monotonic() + 2)
    assert [timeout.total for timeout in seen] == [7, pytest.approx(2, abs=0.2)]
    assert all(timeout.connect_timeout <= timeout.total for timeout in seen)


def test_a_dripping_body_is_cut_at_request_timeout(raw_server):
    raw_server.replies(Reply(200, b" " * 200 + OK, drip=0.02, close=True))
    started = time.monotonic()
    with pytest.raises(DmsTransportError) as info:
        client_for(raw_server.url, Pauses(), request_timeout=0.6, retries=0).get_json(PATH)
    took = time.monotonic() - started
    assert 0.55 <= took < 0.6 + 0.5
    assert "timed out" in str(info.value) and "request_timeout" in str(info.value)


def test_a_dripping_body_is_cut_at_the_deadline_and_retries_do_not_stretch_it(raw_server):
    raw_server.replies(Reply(200, b" " * 400 + OK, drip=0.02, close=True))
    started = time.monotonic()
    client = DmsHttpClient(open_transport(request_timeout=30, retries=5), raw_server.url, AkSkAuth(AK, SK), PROJECT)
    # (real sleeps: the deadline, not the sleep function, must end it)
    with pytest.raises(DmsTransportError):
        client.get_json(PATH, deadline=started + 1.0)
    assert time.monotonic() - started < 1.0 + 0.5


def test_a_dripping_body_that_finishes_in_time_is_read(raw_server):
    raw_server.replies(Reply(200, b" " * 10 + OK, drip=0.005, close=True))
    response = client_for(raw_server.url, Pauses(), request_timeout=10).get_json(PATH)
    assert response.data["tasks"][0]["status"] == "SUCCESS"


# --- error bodies ---------------------------------------------------------------------------------------------


def test_echoed_security_token_is_hidden_in_the_error(raw_server):
    echo = (
        "Incorrect IAM authentication information: verify aksk signature fail, canonicalRequest:GET|%s/||"
        "content-type:application/json|host:127.0.0.1|x-security-token:%s|x-sdk-date:20240115T083000Z||"
        "content-type;host;x-security-token;x-sdk-date|e3b0 also %s" % (PATH, TOKEN, TOKEN)
    )
    body = json.dumps({"error_code": "APIGW.0301", "error_msg": echo}).encode("utf-8")
    raw_server.replies(Reply(401, body, close=True))
    with pytest.raises(DmsApiError) as info:
        client_for(raw_server.url, Pauses()).get_json(PATH)
    message = str(info.value)
    assert TOKEN not in message and SK not in message and TOKEN not in repr(info.value.as_dict())
    assert "x-security-token:<hidden>" in message and "APIGW.0301" in message
    assert raw_server.requests == 1


def test_an_html_error_page_is_reduced_to_its_title(raw_server):
    page = (
        b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body><h1>502 Bad Gateway</h1>"
        + b"x" * 3000
        + b"</body></html>"
    )
    raw_server.replies(Reply(502, page, {"Content-Type": "text/html"}, close=True))
    with pytest.raises(DmsApiError) as info:
        client_for(raw_server.url, Pauses(), retries=1).get_json(PATH)
    assert "HTTP 502: HTML error page: 502 Bad Gateway" in str(info.value)
    assert "<" not in str(info.value)
