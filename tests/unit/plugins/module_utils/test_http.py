# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""_http.DmsHttpClient against the shared loopback test server: signing on the wire, retries, deadlines, errors."""

from __future__ import annotations

import json
import os
import time
from urllib.parse import parse_qsl, urlsplit

import pytest
import requests
import yaml

from ansible_collections.hwcloud.dms.plugins.module_utils import _body, _http, _retry
from ansible_collections.hwcloud.dms.plugins.module_utils._auth import AkSkAuth, TokenAuth
from ansible_collections.hwcloud.dms.plugins.module_utils._errors import (
    TRANSIENT_STATUSES,
    DmsApiError,
    DmsResponseError,
    DmsTransportError,
)
from ansible_collections.hwcloud.dms.plugins.module_utils._http import DeadlineExceeded, DmsHttpClient
from ansible_collections.hwcloud.dms.plugins.module_utils._signer import canonical_query, sign_request
from ansible_collections.hwcloud.dms.plugins.module_utils._transport import open_transport
from ansible_collections.hwcloud.dms.tests.unit import http_server
from ansible_collections.hwcloud.dms.tests.unit.http_server import TestServer, free_port

AK = "HPUAEXAMPLEAK0000001"
SK = "exampleSecretKey0123456789abcdefghijABCD"
PROJECT = "0123456789abcdef0123456789abcdef"
PATH = "/v2/%s/instances/11111111-2222-3333-4444-555555555555/tasks" % PROJECT
OK_BODY = {"task_count": "1", "tasks": [{"id": "t1", "status": "SUCCESS"}]}
HTML_503 = (
    "<html><head><title>503 Service Temporarily Unavailable</title></head><body><center><h1>503 Service Temporarily"
    " Unavailable</h1></center>" + "<p>padding padding padding</p>" * 200 + "<hr><center>nginx</center></body></html>"
)


def Reply(status=200, body=None, headers=None, delay=0.0):  # noqa: N802 - reads like the class it builds
    """The shared server's Reply, with a task list as the default body."""
    return http_server.Reply(status, OK_BODY if body is None else body, headers or {}, delay)


@pytest.fixture
def server():
    srv = TestServer([Reply()])
    yield srv
    srv.close()


@pytest.fixture
def make_client(pauses):
    clients = []

    def make(base_url, **kwargs):
        kwargs.setdefault("sleep", pauses)
        client = DmsHttpClient(open_transport(**kwargs), base_url, AkSkAuth(AK, SK), PROJECT)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


# --- signing on the wire ---------------------------------------------------------------------------------------


def test_signed_get_sends_the_signed_headers_and_query(server, make_client):
    client = make_client(server.url)
    query = [("start", "1"), ("limit", "100"), ("name", "a b/c~d*e"), ("begin_time", "20240101000000")]
    response = client.get_json(PATH, query=query)
    assert response.status == 200
    assert response.data == OK_BODY

    (got,) = server.received
    headers = got["headers"]
    path, _sep, query_string = got["path"].partition("?")
    assert path == PATH
    assert query_string == canonical_query(query) == "begin_time=20240101000000&limit=100&name=a%20b%2Fc~d%2Ae&start=1"
    assert headers["X-Project-Id"] == PROJECT
    assert headers["Host"] == "127.0.0.1:%d" % server.port
    assert len(headers["X-Sdk-Date"]) == 16 and headers["X-Sdk-Date"].endswith("Z")
    authorization = headers["Authorization"]
    assert authorization.startswith("SDK-HMAC-SHA256 Access=%s, SignedHeaders=" % AK)
    signed_names = authorization.split("SignedHeaders=")[1].split(",")[0].split(";")
    assert signed_names == ["content-type", "host", "user-agent", "x-project-id", "x-sdk-date"]

    # Recompute the signature from exactly what the server received.
    received = {name: value for name, value in headers.items() if name.lower() in signed_names}
    received_query = parse_qsl(query_string, keep_blank_values=True)
    expected = sign_request(
        AK, SK, got["method"], server.url + path, query=received_query, headers=received, body=got["body"]
    )
    assert authorization == expected["Authorization"]


def test_security_token_is_sent_and_signed(server, make_client):
    client = make_client(server.url)
    client.auth = AkSkAuth(AK, SK, "TEMP-TOKEN")
    client.get_json(PATH)
    headers = server.received[0]["headers"]
    assert headers["X-Security-Token"] == "TEMP-TOKEN"
    assert "x-security-token" in headers["Authorization"]


def test_each_attempt_is_signed_afresh(server, make_client):
    calls = []

    class CountingAuth(AkSkAuth):
        def headers(self, *args, **kwargs):
            calls.append(args[1])
            return super().headers(*args, **kwargs)

    server.replies(Reply(503, {}), Reply(200))
    client = make_client(server.url)
    client.auth = CountingAuth(AK, SK)
    client.get_json(PATH)
    assert calls == [server.url + PATH] * 2
    assert client.requests_sent == 2 and len(server.received) == 2


# --- retries ---------------------------------------------------------------------------------------------------


def test_429_then_200_is_retried_honouring_retry_after(server, make_client, pauses):
    server.replies(Reply(429, {"error_code": "APIGW.0308", "error_msg": "throttled"}, {"Retry-After": "1"}), Reply(200))
    response = make_client(server.url).get_json(PATH)
    assert response.data == OK_BODY
    assert len(server.received) == 2
    assert pauses == [1.0]


def test_retry_after_is_capped(server, make_client, pauses):
    server.replies(Reply(429, {}, {"Retry-After": "3600"}), Reply(200))
    make_client(server.url).get_json(PATH)
    assert pauses == [_retry.RETRY_AFTER_MAX]


def test_backoff_without_retry_after_grows_and_has_a_floor(server, make_client, pauses):
    server.replies(Reply(502, {}), Reply(502, {}), Reply(502, {}), Reply(200))
    make_client(server.url, retries=5).get_json(PATH)
    assert len(server.received) == 4
    assert len(pauses) == 3
    assert pauses[0] >= _retry.BACKOFF_FACTOR
    assert all(0 < pause <= _retry.BACKOFF_MAX + _retry.BACKOFF_JITTER for pause in pauses)
    assert pauses[2] > pauses[0]


def test_503_html_retried_then_error_with_status_and_short_excerpt(server, make_client, pauses):
    server.replies(Reply(503, HTML_503.encode("utf-8"), {"Content-Type": "text/html", "X-Request-Id": "rid-503"}))
    with pytest.raises(DmsApiError) as info:
        make_client(server.url, retries=2).get_json(PATH)
    assert len(server.received) == 3
    assert len(pauses) == 2
    error = info.value
    message = str(error)
    assert error.status == 503
    assert "HTTP 503" in message
    assert "503 Service Temporarily Unavailable" in message
    assert "nginx" not in message and "padding padding padding padding padding" not in message
    assert len(message) < 500
    assert error.request_id == "rid-503"
    assert error.path == PATH


@pytest.mark.parametrize("status", [400, 401, 403, 404])
def test_client_errors_are_not_retried_and_carry_the_details(server, make_client, pauses, status):
    server.replies(
        Reply(
            status,
            {"error_code": "DMS.00%d" % status, "error_msg": "nope %d" % status},
            {"X-Request-Id": "req-%d" % status},
        )
    )
    with pytest.raises(DmsApiError) as info:
        make_client(server.url).get_json(PATH)
    assert len(server.received) == 1
    assert pauses == []
    error = info.value
    expected = {
        "status": status,
        "error_code": "DMS.00%d" % status,
        "error_msg": "nope %d" % status,
        "request_id": "req-%d" % status,
    }
    assert (error.status, error.error_code, error.error_msg, error.request_id) == tuple(expected.values())
    assert error.as_dict() == expected
    assert "req-%d" % status in str(error) and "HTTP %d" % status in str(error)


@pytest.mark.parametrize(
    "body,code,msg",
    [
        (
            {"error_code": "APIGW.0301", "error_msg": "verify aksk signature fail", "request_id": "x"},
            "APIGW.0301",
            "verify aksk signature fail",
        ),
        ({"errorCode": "DMS.1", "errorMsg": "camel"}, "DMS.1", "camel"),
        ({"code": "DMS.2", "message": "plain"}, "DMS.2", "plain"),
        ({"error": {"code": "DMS.3", "message": "nested"}}, "DMS.3", "nested"),
        ({"error": {"error_code": "DMS.4", "error_msg": "nested snake"}}, "DMS.4", "nested snake"),
        ({"code": 400, "message": None}, "400", None),
        ({"something": "else"}, None, None),
        ([1, 2], None, None),
    ],
)
def test_error_body_spellings(server, make_client, body, code, msg):
    server.replies(Reply(400, body))
    with pytest.raises(DmsApiError) as info:
        make_client(server.url).get_json(PATH)
    assert (info.value.error_code, info.value.error_msg) == (code, msg)
    if code is None and msg is None:
        assert "no error details in the body" in str(info.value)


def test_empty_error_body(server, make_client):
    server.replies(Reply(401, b""))
    with pytest.raises(DmsApiError) as info:
        make_client(server.url).get_json(PATH)
    assert (info.value.error_code, info.value.error_msg) == (None, None)
    assert "Check access_key/secret_key" in str(info.value)


def test_retries_zero_turns_retries_off(server, make_client, pauses):
    server.replies(Reply(503, {"error_code": "DMS.503", "error_msg": "busy"}), Reply(200))
    with pytest.raises(DmsApiError) as info:
        make_client(server.url, retries=0).get_json(PATH)
    assert info.value.status == 503
    assert len(server.received) == 1
    assert pauses == []


def test_retry_after_past_the_deadline_gives_up_at_once(server, make_client, pauses):
    server.replies(
        Reply(429, {"error_code": "APIGW.0308", "error_msg": "throttled"}, {"Retry-After": "30"}), Reply(200)
    )
    started = time.monotonic()
    with pytest.raises(DmsApiError) as info:
        make_client(server.url).get_json(PATH, deadline=started + 5)
    assert info.value.status == 429
    assert len(server.received) == 1
    assert pauses == []
    assert time.monotonic() - started < 2


def test_deadline_already_passed_sends_nothing(server, make_client):
    with pytest.raises(DeadlineExceeded) as info:
        make_client(server.url).get_json(PATH, deadline=time.monotonic() - 1)
    assert server.received == []
    assert "deadline" in str(info.value)


def test_socket_timeout_is_clipped_to_the_deadline(server, make_client):
    server.replies(Reply(200, delay=5))
    started = time.monotonic()
    with pytest.raises(DmsTransportError) as info:
        make_client(server.url, request_timeout=30).get_json(PATH, deadline=started + 0.4)
    took = time.monotonic() - started
    assert 0.3 <= took < 0.4 + 0.5
    assert "timed out" in str(info.value)


def test_socket_timeout_is_request_timeout_without_deadline(server, make_client, pauses):
    server.replies(Reply(200, delay=5))
    started = time.monotonic()
    with pytest.raises(DmsTransportError) as info:
        make_client(server.url, request_timeout=0.2, retries=0).get_json(PATH)
    assert time.monotonic() - started < 1.5
    assert "request_timeout" in str(info.value)
    assert pauses == []


# --- bodies ----------------------------------------------------------------------------------------------------


def test_non_json_200_is_a_response_error(server, make_client):
    server.replies(Reply(200, b"<html>login page</html>"))
    with pytest.raises(DmsResponseError) as info:
        make_client(server.url).get_json(PATH)
    assert "HTTP 200" in str(info.value) and "not JSON" in str(info.value) and "<html>login page" in str(info.value)


def test_empty_body_decodes_to_none(server, make_client):
    server.replies(Reply(204, b""))
    response = make_client(server.url).request("DELETE", PATH + "/t1")
    assert (response.status, response.data) == (204, None)
    assert server.received[0]["method"] == "DELETE"


def test_body_over_the_cap_is_refused(server, make_client, monkeypatch):
    monkeypatch.setattr(_body, "MAX_RESPONSE_BYTES", 1000)
    server.replies(Reply(200, {"tasks": [{"id": "x" * 2000}]}))
    with pytest.raises(DmsResponseError) as info:
        make_client(server.url).get_json(PATH)
    assert "over 1000 bytes" in str(info.value)


def test_body_at_the_cap_is_read(server, make_client, monkeypatch):
    body = json.dumps({"tasks": [{"id": "x" * 100}]}).encode("utf-8")
    monkeypatch.setattr(_body, "MAX_RESPONSE_BYTES", len(body))
    server.replies(Reply(200, body))
    assert make_client(server.url).get_json(PATH).data["tasks"][0]["id"] == "x" * 100


# --- transport -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("retries", [0, 2])
def test_connection_refused_is_a_transport_error_naming_the_endpoint(make_client, pauses, retries):
    endpoint = "http://127.0.0.1:%d" % free_port()
    with pytest.raises(DmsTransportError) as info:
        make_client(endpoint, retries=retries).get_json(PATH)
    message = str(info.value)
    assert endpoint in message
    assert "Could not reach the DMS API" in message and "refused" in message.lower()
    assert "Check 'endpoint'/'region'" in message
    assert len(pauses) == retries
    assert SK not in message


def test_netrc_does_not_replace_the_authorization_header(server, make_client, tmp_path, monkeypatch):
    netrc = tmp_path / ".netrc"
    netrc.write_text("machine 127.0.0.1\nlogin netrc-user\npassword netrc-password\n")
    os.chmod(netrc, 0o600)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("NETRC", raising=False)
    # The file is one requests would use: without the client's guard the header would be Basic auth.
    assert requests.utils.get_netrc_auth(server.url + PATH) == ("netrc-user", "netrc-password")
    make_client(server.url).get_json(PATH)
    assert server.received[0]["headers"]["Authorization"].startswith("SDK-HMAC-SHA256 Access=%s" % AK)


def test_keep_alive_uses_one_connection(server, make_client):
    client = make_client(server.url)
    for attempt in range(4):
        client.get_json(PATH, query=[("start", str(attempt))])
    assert len(server.received) == 4
    assert server.connections == 1
    assert len({got["client"] for got in server.received}) == 1


def test_keep_alive_survives_an_error_body(server, make_client):
    server.replies(Reply(404, {"error_code": "DMS.00404022", "error_msg": "This instance does not exist."}), Reply(200))
    client = make_client(server.url)
    with pytest.raises(DmsApiError):
        client.get_json(PATH)
    client.get_json(PATH)
    assert server.connections == 1


def test_trailing_slash_of_base_url_is_dropped(server, make_client):
    make_client(server.url + "/").get_json(PATH)
    assert urlsplit(server.received[0]["path"]).path == PATH


# --- one version, one transient set -----------------------------------------------------------------------------


def test_user_agent_carries_galaxy_yml_version(server, make_client):
    galaxy = os.path.join(os.path.dirname(__file__), "..", "..", "..", "..", "galaxy.yml")
    with open(galaxy, encoding="utf-8") as handle:
        version = yaml.safe_load(handle)["version"]
    assert _http.COLLECTION_VERSION == version
    server.replies(Reply(200))
    make_client(server.url).get_json(PATH)
    assert server.received[0]["headers"]["User-Agent"] == "hwcloud.dms-ansible/%s" % version


@pytest.mark.parametrize("status", sorted(TRANSIENT_STATUSES))
def test_every_transient_status_is_retried_by_the_client(server, make_client, pauses, status):
    server.replies(Reply(status, {"error_code": "X", "error_msg": "try again"}), Reply(200, {"ok": True}))
    assert make_client(server.url).get_json(PATH).data == {"ok": True}
    assert len(server.received) == 2 and len(pauses) == 1


def test_clients_made_from_a_client_share_its_transport_but_not_auth_or_project(make_client):
    client = make_client("http://127.0.0.1:1")
    client.redact.remember({"X-Auth-Token": "MIIE-secret-token"})
    iam = client.for_service("IAM", "http://127.0.0.1:2/", None, "'iam_endpoint' (set in the task)")
    assert iam.transport is client.transport and iam.redact is client.redact
    assert (iam.base_url, iam.project_id, iam.auth, iam.service, iam.origin) == (
        "http://127.0.0.1:2",
        None,
        None,
        "IAM",
        "'iam_endpoint' (set in the task)",
    )
    assert iam.redact("echo MIIE-secret-token and x-auth-token:abc|") == "echo <hidden> and x-auth-token:<hidden>|"
    token = TokenAuth("TOKEN")
    dms = client.with_auth(token, "p2")
    assert (dms.transport, dms.base_url, dms.auth, dms.project_id, dms.service) == (
        client.transport,
        client.base_url,
        token,
        "p2",
        "DMS",
    )
    assert (client.auth.access_key, client.project_id) == (AK, PROJECT)


def test_the_transport_prepares_a_session_from_the_injected_factory():
    made = []

    def factory():
        made.append(requests.Session())
        return made[-1]

    transport = open_transport(session_factory=factory)
    assert transport.session is made[0]
    assert transport.session.headers["Accept-Encoding"] == "identity"
    assert all(
        type(transport.session.get_adapter(url)).__name__ == "WatchedAdapter" for url in ("http://x", "https://x")
    )
    transport.close()
