"""Instance states set per instance (seed, admin), the detail's public-field options, and the admin instance list."""

from __future__ import annotations

import json

import pytest
from emu_harness import INSTANCE

from dms_emulator import DEFAULT_PROJECT_ID
from dms_emulator.app import Emulator
from dms_emulator.clock import FakeClock
from dms_emulator.instance_model import INSTANCE_STATUSES

DETAIL = "/v2/%s/instances/%s" % (DEFAULT_PROJECT_ID, INSTANCE)
EIPS = ["1aea7aed-e7d8-40ea-b3de-6f3ee9d5db9f", "2bfb8bfe-f8e9-41fb-c4ef-7f4ff0e6ec0a"]
STATE = "/_emulator/instances/%s/state" % INSTANCE


def _instance(harness, **spec):
    spec.setdefault("instance_id", INSTANCE)
    status, body = harness.admin("POST", "/_emulator/instances", spec)
    assert status == 201, body
    return body


def _detail(harness):
    reply, body = harness.call("GET", DETAIL)
    assert reply.status == 200, body
    return body


def _bind(harness):
    return harness.call("PUT", DETAIL, body=json.dumps({"enable_publicip": True, "publicip_id": EIPS[0]}).encode())


@pytest.mark.parametrize("status", [s for s in INSTANCE_STATUSES if s != "RUNNING"])
def test_a_change_on_a_non_running_instance_is_dms_00400026(harness, status):
    _instance(harness, engine="rabbitmq", status=status)
    assert _detail(harness)["status"] == status
    reply, body = _bind(harness)
    assert reply.status == 400
    assert body == {
        "error_code": "DMS.00400026",
        "error_msg": "This operation is not allowed due to the instance status.",
    }


def test_admin_state_sets_status_of_an_existing_instance(harness):
    _instance(harness, engine="rabbitmq")
    status, body = harness.admin("POST", STATE, {"status": "FROZEN"})
    assert status == 200 and body["detail"]["status"] == "FROZEN"
    assert _bind(harness)[0].status == 400
    harness.admin("POST", STATE, {"status": "RUNNING"})
    assert _bind(harness)[0].status == 204


def test_a_passing_window_extending_for_seconds_then_running(harness, clock):
    _instance(harness, engine="rabbitmq", status_timeline=[{"status": "EXTENDING", "seconds": 5}, "RUNNING"])
    assert _detail(harness)["status"] == "EXTENDING"
    assert _bind(harness)[1]["error_code"] == "DMS.00400026"
    clock.advance(5)
    assert _bind(harness)[0].status == 204  # no read in between: the change call itself sees RUNNING
    assert _detail(harness)["status"] == "RUNNING"


def test_a_phase_may_last_a_number_of_detail_reads(harness):
    status, body = harness.admin("POST", "/_emulator/instances", {"instance_id": INSTANCE, "engine": "kafka"})
    assert status == 201
    harness.admin("POST", STATE, {"status_timeline": [{"status": "UPGRADING", "polls": 2}, {"status": "RUNNING"}]})
    assert [_detail(harness)["status"] for _read in range(3)] == ["UPGRADING", "UPGRADING", "RUNNING"]


def test_an_unknown_status_is_kept_as_sent(harness):
    _instance(harness, engine="kafka", status="MIGRATING")
    assert _detail(harness)["status"] == "MIGRATING"


@pytest.mark.parametrize(
    "spec, message",
    [
        ({"status": ""}, "status must be a non-empty string"),
        ({"status": "RUNNING", "status_timeline": ["RUNNING"]}, "not both"),
        ({"status_timeline": [{"status": "", "seconds": 1}, "RUNNING"]}, "non-empty status"),
        ({"publicip_id_in_detail": "maybe"}, "publicip_id_in_detail must be one of"),
        ({"kafka_public_status": 1}, "kafka_public_status"),
        ({"colour": "red"}, "unknown state keys"),
    ],
)
def test_bad_state_input_is_400_naming_the_key(harness, spec, message):
    _instance(harness, engine="kafka")
    status, body = harness.admin("POST", STATE, spec)
    assert status == 400 and message in body["error"]


def test_state_of_an_unknown_instance_is_404(harness):
    status, body = harness.admin("POST", "/_emulator/instances/nope/state", {"status": "RUNNING"})
    assert status == 404 and "nope" in body["error"]


@pytest.mark.parametrize("engine", ["rabbitmq", "rocketmq"])
@pytest.mark.parametrize("form, expected", [("ids", "present"), ("null", None), ("absent", "missing")])
def test_publicip_id_in_detail_forms(harness, engine, form, expected):
    ids = EIPS[:1] if engine == "rabbitmq" else EIPS
    _instance(harness, engine=engine, publicip_ids=ids, publicip_id_in_detail=form)
    detail = _detail(harness)
    assert detail["enable_publicip"] is True
    if expected == "present":
        assert detail["publicip_id"] == ",".join(ids)
    elif expected is None:
        assert "publicip_id" in detail and detail["publicip_id"] is None
    else:
        assert "publicip_id" not in detail


def test_rocketmq_public_addresses_are_comma_separated(harness):
    _instance(harness, engine="rocketmq", publicip_ids=EIPS)
    detail = _detail(harness)
    assert len(detail["public_broker_address"].split(",")) == 2 and ";" not in detail["public_broker_address"]
    assert len(detail["public_namesrv_address"].split(",")) == 2


def test_kafka_public_status_can_be_freezed(harness):
    _instance(harness, engine="kafka", publicip_ids=EIPS + ["3c0c9c0f-09fa-42ac-d5f0-8a5001f7fd1b"])
    assert _detail(harness)["kafka_public_status"] == "true"
    harness.admin("POST", STATE, {"kafka_public_status": "freezed"})
    detail = _detail(harness)
    assert detail["kafka_public_status"] == "freezed" and detail["public_access_enabled"] == "true"
    harness.admin("POST", STATE, {"kafka_public_status": None})
    assert _detail(harness)["kafka_public_status"] == "true"


def test_admin_lists_instances_with_their_detail(harness):
    status, body = harness.admin("GET", "/_emulator/instances")
    assert (status, body) == (200, {"instances": []})
    _instance(harness, engine="rocketmq", status="FROZEN", name="orders")
    status, body = harness.admin("GET", "/_emulator/instances")
    row = body["instances"][0]
    assert (row["instance_id"], row["engine"], row["status"], row["name"]) == (INSTANCE, "rocketmq", "FROZEN", "orders")
    assert row["detail"]["engine"] == "reliability" and row["detail"]["status"] == "FROZEN"


def test_seed_instance_with_a_status_timeline_restarts_it_at_reset():
    clock = FakeClock()
    seed = {
        "instances": [
            {"id": INSTANCE, "engine": "kafka", "status_timeline": [{"status": "CREATING", "seconds": 3}, "RUNNING"]}
        ]
    }
    emu = Emulator(clock=clock, seed=seed)
    instance = emu.store.instance(DEFAULT_PROJECT_ID, INSTANCE)
    assert instance is not None and instance.status == "CREATING"
    clock.advance(3)
    emu.store.settle(emu.clock.now())
    assert instance.status == "RUNNING"
    emu.reset()
    assert emu.store.instance(DEFAULT_PROJECT_ID, INSTANCE).status == "CREATING"
