"""An example test in a user's own repository: bind a public IP on an emulated RabbitMQ instance, offline.

It needs nothing but ``pip install hwcloud-dms-emulator`` (and pytest): the package's pytest plugin brings the
fixtures (``emulator``, ``emulator_url``, ``emulator_credentials``, ``emulator_admin``) and the ``dms_progression``
marker. The calls go over HTTP with an IAM token the emulator issues, so the test needs no signing library; a real
test would run its playbook or its own client against ``emulator.url`` with ``emulator.module_params`` instead.

Run it with ``pytest -q test_offline_bind.py``.
"""

import json
import urllib.request

import pytest

INSTANCE = "6b8f1a52-5c3d-4e0f-9a7b-2c1d0e9f8a71"
EIP = "f3b0c5aa-1c9e-4b57-8d2b-4a6f0e1d2c3b"


def call(url, token, method, path, body=None):
    """One API call with an IAM token; returns (status, decoded JSON or None)."""
    data = json.dumps(body).encode("utf-8") if body is not None else None
    request = urllib.request.Request(
        url + path, data=data, method=method, headers={"Content-Type": "application/json", "X-Auth-Token": token}
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        raw = answer.read()
        return answer.status, (json.loads(raw) if raw else None)


@pytest.fixture
def rabbitmq(emulator_url, emulator_credentials, emulator_admin):
    """A RabbitMQ instance without public access, and a way to call the API as its project."""
    emulator_admin.create_instance(INSTANCE, engine="rabbitmq")
    token = emulator_admin.issue_token()["token"]
    base = "/v2/%s/instances/%s" % (emulator_credentials["project_id"], INSTANCE)

    def api(method, suffix="", body=None):
        return call(emulator_url, token, method, base + suffix, body)

    return api


def bind_task(api):
    dummy, listing = api("GET", "/tasks")
    return next(task for task in listing["tasks"] if task["name"] == "bindInstancePublicIp")


@pytest.mark.dms_progression("immediate")
def test_bind_is_done_on_the_next_read(rabbitmq):
    status, dummy = rabbitmq("PUT", body={"enable_publicip": True, "publicip_id": EIP})
    assert status == 204
    dummy, detail = rabbitmq("GET")
    assert detail["enable_publicip"] is True and detail["publicip_id"] == EIP
    assert bind_task(rabbitmq)["status"] == "SUCCESS"


@pytest.mark.dms_progression("manual")
def test_bind_moves_only_when_the_test_says_advance(rabbitmq, emulator):
    rabbitmq("PUT", body={"enable_publicip": True, "publicip_id": EIP})
    for dummy in range(3):  # however often it is read, nothing moves
        assert bind_task(rabbitmq)["status"] == "CREATED"
        assert rabbitmq("GET")[1]["enable_publicip"] is False
    emulator.advance()  # one step: the task to its next status
    assert bind_task(rabbitmq)["status"] == "EXECUTING"
    assert rabbitmq("GET")[1]["enable_publicip"] is False
    emulator.advance()
    assert bind_task(rabbitmq)["status"] == "SUCCESS"
    assert rabbitmq("GET")[1]["enable_publicip"] is True
