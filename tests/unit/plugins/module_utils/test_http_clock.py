# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The shared HTTP client learns each server's clock from its answers' Date (issue 17), against the emulator in-process."""

from __future__ import annotations

import threading

import pytest

from ansible_collections.hwcloud.dms.plugins.module_utils._auth import AkSkAuth
from ansible_collections.hwcloud.dms.plugins.module_utils._errors import DmsApiError
from ansible_collections.hwcloud.dms.plugins.module_utils._http import DmsHttpClient
from dms_emulator import DEFAULT_ACCESS_KEY, DEFAULT_PROJECT_ID, DEFAULT_SECRET_KEY
from dms_emulator.app import Emulator
from dms_emulator.server import EmulatorServer

INSTANCE = "11111111-2222-3333-4444-555555555555"
TASKS = "/v2/%s/instances/%s/tasks" % (DEFAULT_PROJECT_ID, INSTANCE)


@pytest.fixture
def skewed():
    """start(skew) -> (emulator, base URL) of an in-process emulator whose clock runs `skew` seconds off this host's."""
    servers = []

    def start(skew):
        emulator = Emulator(clock_skew=skew)
        server = EmulatorServer(("127.0.0.1", 0), emulator, quiet=True)
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        servers.append(server)
        emulator.store.ensure_instance(DEFAULT_PROJECT_ID, INSTANCE)
        return emulator, server.base_url

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def client_for(url, retries=0):
    return DmsHttpClient(
        url, AkSkAuth(DEFAULT_ACCESS_KEY, DEFAULT_SECRET_KEY), DEFAULT_PROJECT_ID, request_timeout=5, retries=retries
    )


@pytest.mark.parametrize("skew", [-30, 30])
def test_every_answer_teaches_the_servers_clock(skewed, skew):
    dummy, url = skewed(skew)
    client = client_for(url)
    try:
        assert not client.server_clock.known
        answer = client.get_json(TASKS)
        assert answer.sent_at <= answer.received_at and answer.headers["Date"].endswith(" GMT")
        assert client.server_clock.measurable and client.server_clock.offset == pytest.approx(skew, abs=1.1)
        with pytest.raises(DmsApiError):
            client.get_json(TASKS + "/nosuchtask")  # a 404 is dated too
        assert client.server_clock.observations == 2
        # A derived client (same base URL) adds to the same estimate; another server has its own.
        client.derive(auth=client.auth, project_id=DEFAULT_PROJECT_ID).get_json(TASKS)
        assert client.server_clock.observations == 3
        assert not client.server_clock_of("https://iam.example.com").known
    finally:
        client.close()


def test_separate_servers_keep_separate_clocks(skewed):
    dummy, dms_url = skewed(-30)
    dummy, other_url = skewed(0)
    client = client_for(dms_url)
    try:
        client.get_json(TASKS)
        other = client.derive(base_url=other_url, auth=client.auth, project_id=DEFAULT_PROJECT_ID)
        other.get_json(TASKS)
        assert client.server_clock.offset == pytest.approx(-30, abs=1.1)
        assert other.server_clock.offset == pytest.approx(0, abs=1.1) and not other.server_clock.measurable
    finally:
        client.close()


@pytest.mark.parametrize("skew, direction", [(-16 * 60, "behind"), (16 * 60, "ahead of")])
def test_signature_expired_says_the_clock_is_the_cause(skewed, skew, direction):
    dummy, url = skewed(skew)
    client = client_for(url, retries=2)
    try:
        with pytest.raises(DmsApiError) as info:
            client.get_json(TASKS)
    finally:
        client.close()
    message = str(info.value)
    assert info.value.status == 401 and info.value.error_code == "APIGW.0303"
    assert "This host's clock is the cause" in message and direction + " it" in message and "NTP" in message
    assert "Check access_key/secret_key" not in message  # the generic 401 advice would mislead here
    assert client.requests_sent == 1  # and a 401 is never retried
