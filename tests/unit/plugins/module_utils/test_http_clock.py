# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The HTTP client learns each server's clock from its answers' Date, against the shared loopback test server.

A server whose clock runs ``skew`` seconds off this host's is one that dates its answers so: the Date header is all
the client reads (the emulator's clock skew does the same, tested with the emulator itself in tests/unit/emulator).
"""

from __future__ import annotations

import email.utils
import time

import pytest

from ansible_collections.hwcloud.dms.plugins.module_utils._auth import AkSkAuth
from ansible_collections.hwcloud.dms.plugins.module_utils._errors import DmsApiError
from ansible_collections.hwcloud.dms.plugins.module_utils._http import DmsHttpClient
from ansible_collections.hwcloud.dms.plugins.module_utils._transport import open_transport
from ansible_collections.hwcloud.dms.tests.unit.http_server import Reply, TestServer

AK, SK = "HPUAEXAMPLEAK0000001", "exampleSecretKey0123456789abcdefghijABCD"
PROJECT = "0123456789abcdef0123456789abcdef"
TASKS = "/v2/%s/instances/11111111-2222-3333-4444-555555555555/tasks" % PROJECT


def dated(skew, status=200, body=None):
    """An answer dated by a server clock ``skew`` seconds off this host's."""
    return Reply(status, body, {"Date": email.utils.formatdate(time.time() + skew, usegmt=True)})


@pytest.fixture
def servers():
    made = []

    def start(*answers):
        made.append(TestServer(answers))
        return made[-1]

    yield start
    for server in made:
        server.close()


def client_for(url, retries=0):
    return DmsHttpClient(open_transport(request_timeout=5, retries=retries), url, AkSkAuth(AK, SK), PROJECT)


@pytest.mark.parametrize("skew", [-30, 30])
def test_every_answer_teaches_the_servers_clock(servers, skew):
    server = servers(dated(skew), dated(skew, 404, {"error_code": "DMS.00404023", "error_msg": "no task"}), dated(skew))
    client = client_for(server.url)
    try:
        assert not client.server_clock.known
        answer = client.get_json(TASKS)
        assert answer.sent_at <= answer.received_at and answer.headers["date"].endswith(" GMT")  # any case reads it
        assert client.server_clock.measurable and client.server_clock.offset == pytest.approx(skew, abs=1.1)
        with pytest.raises(DmsApiError):
            client.get_json(TASKS + "/nosuchtask")  # a 404 is dated too
        assert client.server_clock.observations == 2
        # A client for the same server on the same transport adds to the same estimate; another server has its own.
        client.with_auth(client.auth, PROJECT).get_json(TASKS)
        assert client.server_clock.observations == 3
        assert not client.transport.server_clock("https://iam.example.com").known
    finally:
        client.close()


def test_separate_servers_keep_separate_clocks(servers):
    dms, other_server = servers(dated(-30)), servers(dated(0))
    client = client_for(dms.url)
    try:
        client.get_json(TASKS)
        other = client.for_service("IAM", other_server.url, client.auth)
        other.get_json(TASKS)
        assert client.server_clock.offset == pytest.approx(-30, abs=1.1)
        assert other.server_clock.offset == pytest.approx(0, abs=1.1) and not other.server_clock.measurable
    finally:
        client.close()


def test_an_answer_without_a_usable_date_teaches_nothing(servers):
    server = servers(Reply(200, {}, {"Date": "yesterday"}))
    client = client_for(server.url)
    try:
        client.get_json(TASKS)
        assert not client.server_clock.known and client.server_clock.observations == 0
    finally:
        client.close()


@pytest.mark.parametrize("skew, direction", [(-16 * 60, "behind"), (16 * 60, "ahead of")])
def test_signature_expired_says_the_clock_is_the_cause(servers, skew, direction):
    now = time.time()
    message = "signature expired, signature time:%s, server time:%s" % (
        time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(now)),
        time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(now + skew)),
    )
    server = servers(dated(skew, 401, {"error_code": "APIGW.0303", "error_msg": message}))
    client = client_for(server.url, retries=2)
    try:
        with pytest.raises(DmsApiError) as info:
            client.get_json(TASKS)
    finally:
        client.close()
    message = str(info.value)
    assert info.value.status == 401 and info.value.error_code == "APIGW.0303"
    assert "This host's clock is the cause" in message and direction + " it" in message and "NTP" in message
    assert "Check access_key/secret_key" not in message  # the generic 401 advice would mislead here
    assert client.requests_sent == 1 and server.requests == 1  # and a 401 is never retried
