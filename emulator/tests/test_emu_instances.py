"""Instance details and public-access changes: routes, body rules, busy answers, task timelines, seed."""

from __future__ import annotations

import json

import pytest
from emu_harness import INSTANCE

from dms_emulator import DEFAULT_PROJECT_ID
from dms_emulator.app import Emulator
from dms_emulator.instances import eip_address

EIP_A = "1aea7aed-e7d8-40ea-b3de-6f3ee9d5db9f"
EIP_B = "2bfb8bfe-f8e9-41fb-c4ef-7f4ff0e6ec0a"
EIP_C = "3c0c9c0f-09fa-42ac-d5f0-8a5001f7fd1b"


def _instance_path(instance=INSTANCE, project=DEFAULT_PROJECT_ID):
    return "/v2/%s/instances/%s" % (project, instance)


def _switch_path(instance=INSTANCE, project=DEFAULT_PROJECT_ID):
    return "/v1/%s/instances/%s/public-boundwidth" % (project, instance)


def _create(harness, **spec):
    spec.setdefault("instance_id", INSTANCE)
    status, body = harness.admin("POST", "/_emulator/instances", spec)
    assert status == 201, body
    return body


def _show(harness, instance=INSTANCE):
    reply, body = harness.call("GET", _instance_path(instance))
    assert reply.status == 200, body
    return body


def _put(harness, payload, instance=INSTANCE):
    return harness.call("PUT", _instance_path(instance), body=json.dumps(payload).encode("utf-8"))


def _switch(harness, payload, instance=INSTANCE):
    return harness.call("POST", _switch_path(instance), body=json.dumps(payload).encode("utf-8"))


def _tasks(harness):
    dummy, body = harness.call("GET", harness.task_path())
    return body["tasks"]


def test_unknown_instance_detail_is_dms_00404022_with_the_services_text(harness):
    reply, body = harness.call("GET", _instance_path("nope"))
    assert reply.status == 404
    assert body == {"error_code": "DMS.00404022", "error_msg": "This DMS instance does not exist."}
    reply, body = _put(harness, {"enable_publicip": False}, instance="nope")
    assert reply.status == 404 and body["error_code"] == "DMS.00404022"
    reply, body = _switch(harness, {}, instance="nope")
    assert reply.status == 404 and body["error_code"] == "DMS.00404022"


@pytest.mark.parametrize(
    "engine, reported", [("kafka", "kafka"), ("rabbitmq", "rabbitmq"), ("rocketmq", "reliability")]
)
def test_detail_per_engine_reports_engine_status_and_brokers(harness, engine, reported):
    _create(harness, engine=engine, broker_num=3, name="my-%s" % engine)
    detail = _show(harness)
    assert detail["engine"] == reported
    assert (detail["instance_id"], detail["name"], detail["status"]) == (INSTANCE, "my-%s" % engine, "RUNNING")
    assert detail["broker_num"] == 3 and detail["enable_publicip"] is False
    assert isinstance(detail["created_at"], str) and detail["created_at"].isdigit()  # epoch ms, a string in the SDK


def test_rocketmq_engine_field_can_be_rocketmq(harness):
    _create(harness, engine="rocketmq", engine_field="rocketmq")
    assert _show(harness)["engine"] == "rocketmq"


def test_instance_made_by_a_task_has_a_default_detail(harness):
    harness.admin("POST", "/_emulator/tasks", {"instance_id": INSTANCE, "engine": "rabbitmq"})
    detail = _show(harness)
    assert detail["engine"] == "rabbitmq" and detail["enable_publicip"] is False and detail["broker_num"] == 1


def test_rabbitmq_bind_is_204_then_task_then_fields_flip_on_success(harness, clock):
    _create(harness, engine="rabbitmq")
    reply, body = _put(harness, {"enable_publicip": True, "publicip_id": EIP_A})
    assert reply.status == 204 and reply.body == b"" and body is None
    tasks = _tasks(harness)
    assert [(t["name"], t["status"]) for t in tasks] == [("bindInstancePublicIp", "CREATED")]
    assert json.loads(tasks[0]["params"]) == {
        "public_ip_id": EIP_A,
        "public_ip_address": eip_address(EIP_A),
        "enable_public_ip": True,
    }
    assert _show(harness)["enable_publicip"] is False  # not before the task succeeds
    clock.advance(0.5)
    assert _tasks(harness)[0]["status"] == "EXECUTING" and _show(harness)["enable_publicip"] is False
    clock.advance(1)
    assert _tasks(harness)[0]["status"] == "SUCCESS"
    detail = _show(harness)
    address = eip_address(EIP_A)
    assert detail["enable_publicip"] is True and detail["publicip_id"] == EIP_A
    assert detail["publicip_address"] == address and detail["public_connect_address"] == address + ":5672"
    assert detail["public_management_connect_address"] == "http://%s:15672" % address


def test_rabbitmq_unbind_records_unbind_task_and_clears_fields(harness, clock):
    _create(harness, engine="rabbitmq", publicip_ids=[EIP_A])
    assert _show(harness)["publicip_id"] == EIP_A
    reply, dummy = _put(harness, {"enable_publicip": False})
    assert reply.status == 204
    assert _tasks(harness)[0]["name"] == "unbindInstancePublicIp"
    assert _show(harness)["enable_publicip"] is True
    clock.advance(2)
    detail = _show(harness)
    assert detail["enable_publicip"] is False and "publicip_id" not in detail and "public_connect_address" not in detail


@pytest.mark.parametrize(
    "payload, message",
    [
        ({"enable_publicip": True}, "publicip_id is required"),
        ({"enable_publicip": True, "publicip_id": "%s,%s" % (EIP_A, EIP_B)}, "takes one EIP id"),
        ({"enable_publicip": "true", "publicip_id": EIP_A}, "must be a boolean"),
        ({"enable_publicip": True, "publicip_id": ["x"]}, "must be a string"),
        ({"enable_publicip": True, "publicip_id": "a b"}, "publicip_id"),
        ({"enable_publicip": False}, "not enabled"),
    ],
)
def test_rabbitmq_body_rules(harness, payload, message):
    _create(harness, engine="rabbitmq")
    reply, body = _put(harness, payload)
    assert reply.status == 400 and body["error_code"] == "DMS.00400062" and message in body["error_msg"]
    assert _tasks(harness) == []


def test_rocketmq_binds_several_eips_comma_separated(harness, clock):
    _create(harness, engine="rocketmq", broker_num=2)
    reply, dummy = _put(harness, {"enable_publicip": True, "publicip_id": "%s,%s" % (EIP_A, EIP_B)})
    assert reply.status == 204
    clock.advance(2)
    detail = _show(harness)
    assert detail["enable_publicip"] is True and detail["publicip_id"] == "%s,%s" % (EIP_A, EIP_B)
    assert detail["publicip_address"] == "%s,%s" % (eip_address(EIP_A), eip_address(EIP_B))
    assert detail["public_namesrv_address"].startswith(eip_address(EIP_A) + ":8200")
    assert _tasks(harness)[0]["name"] == "bindInstancePublicIp"


def test_change_while_one_runs_is_dms_00400026(harness, clock):
    _create(harness, engine="rabbitmq")
    assert _put(harness, {"enable_publicip": True, "publicip_id": EIP_A})[0].status == 204
    reply, body = _put(harness, {"enable_publicip": False})
    assert reply.status == 400 and body["error_code"] == "DMS.00400026"
    clock.advance(2)
    assert _put(harness, {"enable_publicip": False})[0].status == 204


def test_busy_changes_answer_dms_00400026_then_accept(harness):
    _create(harness, engine="rocketmq", busy_changes=2)
    for dummy in range(2):
        reply, body = _put(harness, {"enable_publicip": True, "publicip_id": EIP_A})
        assert reply.status == 400
        assert body == {
            "error_code": "DMS.00400026",
            "error_msg": "This operation is not allowed due to the instance status.",
        }
    assert _put(harness, {"enable_publicip": True, "publicip_id": EIP_A})[0].status == 204


def test_instance_not_running_is_busy(harness):
    _create(harness, engine="rabbitmq", status="RESTARTING")
    reply, body = _put(harness, {"enable_publicip": True, "publicip_id": EIP_A})
    assert reply.status == 400 and body["error_code"] == "DMS.00400026"


def test_failed_bind_leaves_instance_without_public_access(harness, clock):
    _create(harness, engine="rabbitmq", fail_bind=True)
    _put(harness, {"enable_publicip": True, "publicip_id": EIP_A})
    clock.advance(5)
    assert _tasks(harness)[0]["status"] == "FAILED"
    assert _show(harness)["enable_publicip"] is False
    assert _put(harness, {"enable_publicip": True, "publicip_id": EIP_A})[0].status == 204  # no longer busy


def test_slow_bind_takes_bind_seconds(harness, clock):
    _create(harness, engine="rabbitmq", bind_seconds=30)
    _put(harness, {"enable_publicip": True, "publicip_id": EIP_A})
    clock.advance(20)
    assert _tasks(harness)[0]["status"] == "EXECUTING" and _show(harness)["enable_publicip"] is False
    clock.advance(11)
    assert _show(harness)["enable_publicip"] is True


def test_custom_timeline_by_polls(harness):
    _create(harness, engine="rabbitmq", bind_timeline=[{"status": "CREATED", "polls": 1}, {"status": "SUCCESS"}])
    _put(harness, {"enable_publicip": True, "publicip_id": EIP_A})
    assert _show(harness)["enable_publicip"] is False
    assert _tasks(harness)[0]["status"] == "CREATED"
    assert _tasks(harness)[0]["status"] == "SUCCESS"
    assert _show(harness)["enable_publicip"] is True


def test_kafka_put_ignores_public_fields(harness, clock):
    _create(harness, engine="kafka")
    reply, dummy = _put(harness, {"enable_publicip": True, "publicip_id": EIP_A, "description": "new"})
    assert reply.status == 204
    clock.advance(5)
    detail = _show(harness)
    assert detail["enable_publicip"] is False and detail["kafka_public_status"] == "false"
    assert detail["description"] == "new"
    assert _tasks(harness) == []


def test_kafka_switch_on_then_off(harness, clock):
    _create(harness, engine="kafka", broker_num=3)
    detail = _show(harness)
    assert (detail["public_access_enabled"], detail["kafka_public_status"]) == ("false", "false")
    assert "public_connect_address" not in detail
    ids = [EIP_A, EIP_B, EIP_C]
    reply, dummy = _switch(harness, {"publicip_id": ",".join(ids)})
    assert reply.status == 204 and reply.body == b""
    assert _tasks(harness)[0]["name"] == "bindInstancePublicIp"  # as in Kafka's ShowBackgroundTask example
    assert _show(harness)["enable_publicip"] is False
    clock.advance(2)
    detail = _show(harness)
    assert detail["enable_publicip"] is True
    assert (detail["public_access_enabled"], detail["kafka_public_status"]) == ("true", "true")
    assert detail["public_connect_address"] == ",".join("%s:9094" % eip_address(i) for i in ids)
    assert "publicip_id" not in detail  # Kafka's ShowInstanceResponse has no such field
    assert detail["public_bandwidth"] == 300
    reply, body = _switch(harness, {"publicip_id": EIP_A})
    assert reply.status == 400 and body["error_code"] == "DMS.00400062"
    clock.advance(1)
    # TF sends zero values for unset fields; they count as "not given".
    assert _switch(harness, {"publicip_id": "", "public_boundwidth": 0, "eip_address": ""})[0].status == 204
    clock.advance(2)
    detail = _show(harness)
    assert detail["enable_publicip"] is False and detail["kafka_public_status"] == "closed"
    assert detail["public_access_enabled"] == "closed" and "public_connect_address" not in detail


@pytest.mark.parametrize(
    "payload, message",
    [
        ({}, "publicip_id is required"),
        ({"publicip_id": EIP_A}, "needs 3 EIP ids"),
        ({"publicip_id": "%s,%s,%s" % (EIP_A, EIP_B, EIP_C), "public_boundwidth": "100"}, "public_boundwidth"),
    ],
)
def test_kafka_switch_body_rules(harness, payload, message):
    _create(harness, engine="kafka", broker_num=3)
    reply, body = _switch(harness, payload)
    assert reply.status == 400 and message in body["error_msg"]


def test_kafka_switch_on_another_engine_is_not_found(harness):
    _create(harness, engine="rabbitmq")
    reply, body = _switch(harness, {"publicip_id": EIP_A})
    assert reply.status == 404 and body["error_code"] == "DMS.00404022"


def test_kafka_switch_busy_while_running(harness):
    _create(harness, engine="kafka", broker_num=1, busy_changes=1)
    reply, body = _switch(harness, {"publicip_id": EIP_A})
    assert reply.status == 400 and body["error_code"] == "DMS.00400026"
    assert _switch(harness, {"publicip_id": EIP_A})[0].status == 204
    assert _switch(harness, {})[1]["error_code"] == "DMS.00400026"


@pytest.mark.parametrize(
    "spec, message",
    [
        ({"engine": "nope"}, "engine must be one of"),
        ({"broker_num": 0}, "broker_num"),
        ({"publicip_ids": "x"}, "publicip_ids"),
        ({"enable_publicip": True}, "needs publicip_ids"),
        ({"busy_changes": -1}, "busy_changes"),
        ({"bind_seconds": "slow"}, "bind_seconds"),
        ({"surprise": 1}, "unknown instance keys"),
    ],
)
def test_admin_instance_spec_errors(harness, spec, message):
    spec["instance_id"] = INSTANCE
    status, body = harness.admin("POST", "/_emulator/instances", spec)
    assert status == 400 and message in body["error"]


def test_admin_answer_carries_the_detail(harness):
    body = _create(harness, engine="rabbitmq", publicip_ids=[EIP_A])
    assert body["engine"] == "rabbitmq" and body["detail"]["publicip_id"] == EIP_A


def test_reset_forgets_profiles(harness):
    _create(harness, engine="rabbitmq", publicip_ids=[EIP_A])
    harness.admin("POST", "/_emulator/reset", {})
    assert harness.call("GET", _instance_path())[0].status == 404


def test_seed_configures_instances_and_reset_reapplies_it(clock):
    seed = {
        "instances": [
            {"id": INSTANCE, "engine": "rocketmq", "broker_num": 2, "publicip_ids": [EIP_A, EIP_B], "busy_changes": 1}
        ]
    }
    emu = Emulator(clock=clock, seed=seed)
    profile = emu.instances.profile(DEFAULT_PROJECT_ID, INSTANCE)
    assert profile is not None and profile.enabled and profile.ids == [EIP_A, EIP_B] and profile.busy_changes == 1
    profile.enabled = False
    emu.reset()
    assert emu.instances.profile(DEFAULT_PROJECT_ID, INSTANCE).enabled is True


def test_token_for_another_project_is_refused(harness):
    _create(harness, engine="rabbitmq")
    dummy, token = harness.admin("POST", "/_emulator/tokens", {})
    reply, body = harness.call(
        "GET", _instance_path(project="f" * 32), sign=False, headers={"X-Auth-Token": token["token"]}
    )
    assert reply.status == 401 and body["error_code"] == "DMS.10240104"
