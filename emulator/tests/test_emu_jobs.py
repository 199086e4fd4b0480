"""Job-returning routes: Kafka extend (body rules, job timeline, effect on SUCCESS), SSL switch, configs,
RabbitMQ plugins, RocketMQ topic and group creation, the busy-instance answer, and unknown paths."""

from __future__ import annotations

import json

import pytest
from emu_harness import INSTANCE

from dms_emulator import DEFAULT_PROJECT_ID

BASE = "/v2/%s" % DEFAULT_PROJECT_ID
EXTEND = BASE + "/kafka/instances/%s/extend" % INSTANCE
SSL = BASE + "/kafka/instances/%s/plain-ssl-switch" % INSTANCE
CONFIGS = BASE + "/instances/%s/configs" % INSTANCE
PLUGINS = BASE + "/instances/%s/rabbitmq/plugins" % INSTANCE
TOPICS = BASE + "/instances/%s/topics" % INSTANCE
GROUPS = BASE + "/instances/%s/groups" % INSTANCE


def _instance(harness, engine="kafka", **capacity):
    harness.admin("POST", "/_emulator/instances", {"instance_id": INSTANCE, "engine": engine})
    if capacity:
        status, dummy = harness.admin("POST", "/_emulator/jobs", dict(capacity, instance_id=INSTANCE))
        assert status == 200


def _post(harness, path, body, method="POST"):
    return harness.call(method, path, body=json.dumps(body).encode("utf-8"))


def _task(harness, job_id):
    reply, body = harness.call("GET", harness.task_path(job_id))
    assert reply.status == 200, body
    return body["tasks"][0]


def _state(harness):
    dummy, jobs = harness.admin("GET", "/_emulator/jobs")
    return next(item for item in jobs["instances"] if item["instance_id"] == INSTANCE)


def test_scale_out_returns_a_job_whose_task_runs_and_then_changes_the_instance(harness, clock):
    _instance(harness, broker_num=3, storage_space=600)
    reply, body = _post(harness, EXTEND, {"oper_type": "horizontal", "new_broker_num": 5})
    assert reply.status == 200 and set(body) == {"job_id"}
    job_id = body["job_id"]
    task = _task(harness, job_id)
    assert task["status"] == "CREATED" and task["name"] == "kafkaInstanceExtend"
    assert json.loads(task["params"]) == {"oper_type": "horizontal", "new_broker_num": 5}
    assert _state(harness)["broker_num"] == 3
    assert _task(harness, job_id)["status"] == "EXECUTING"
    # The EXECUTING phase has used its one poll: the next look sees SUCCESS, and only then the instance changed.
    assert _task(harness, job_id)["status"] == "SUCCESS"
    state = _state(harness)
    assert (state["broker_num"], state["storage_space"]) == (5, 1000)  # 200 GB per broker kept


def test_timeline_also_advances_with_time_alone(harness, clock):
    _instance(harness)
    dummy, body = _post(harness, EXTEND, {"oper_type": "storage", "new_storage_space": 600})
    clock.advance(1.5)
    assert _state(harness)["storage_space"] == 300  # EXECUTING: not yet
    clock.advance(2)
    assert _state(harness)["storage_space"] == 600
    assert _task(harness, body["job_id"])["status"] == "SUCCESS"


def test_failing_job_leaves_the_instance_unchanged(harness):
    _instance(harness)
    harness.admin(
        "POST",
        "/_emulator/jobs",
        {"instance_id": INSTANCE, "timeline": [{"status": "EXECUTING", "polls": 1}, "FAILED"]},
    )
    dummy, body = _post(harness, EXTEND, {"oper_type": "horizontal", "new_broker_num": 4})
    assert _task(harness, body["job_id"])["status"] == "EXECUTING"
    assert _task(harness, body["job_id"])["status"] == "FAILED"
    assert _state(harness)["broker_num"] == 3
    dummy, jobs = harness.admin("GET", "/_emulator/jobs")
    assert [(j["status"], j["applied"]) for j in jobs["jobs"]] == [("FAILED", False)]
    # A finished (failed) job no longer blocks the next change.
    reply, dummy = _post(harness, EXTEND, {"oper_type": "horizontal", "new_broker_num": 4})
    assert reply.status == 200


def test_second_change_while_a_job_runs_is_refused_with_dms_00400026(harness):
    _instance(harness)
    assert _post(harness, EXTEND, {"oper_type": "horizontal", "new_broker_num": 4})[0].status == 200
    reply, body = _post(harness, EXTEND, {"oper_type": "horizontal", "new_broker_num": 4})
    assert reply.status == 400
    assert body == {
        "error_code": "DMS.00400026",
        "error_msg": "This operation is not allowed due to the instance status.",
    }


def test_appear_after_hides_the_task_at_first(harness, clock):
    _instance(harness)
    harness.admin("POST", "/_emulator/jobs", {"appear_after": 2})
    dummy, body = _post(harness, EXTEND, {"oper_type": "horizontal", "new_broker_num": 4})
    reply, dummy = harness.call("GET", harness.task_path(body["job_id"]))
    assert reply.status == 404
    clock.advance(2)
    assert _task(harness, body["job_id"])["status"] == "CREATED"


@pytest.mark.parametrize(
    "body, fragment",
    [
        ({}, "oper_type must be one of"),
        ({"oper_type": "sideways"}, "oper_type must be one of"),
        ({"oper_type": "storage"}, "new_storage_space is required"),
        ({"oper_type": "storage", "new_storage_space": 650}, "multiple of 100"),
        ({"oper_type": "storage", "new_storage_space": 400}, "at least 100 GB per broker"),
        ({"oper_type": "storage", "new_storage_space": "600"}, "must be an integer"),
        ({"oper_type": "horizontal"}, "new_broker_num is required"),
        ({"oper_type": "horizontal", "new_broker_num": 3}, "more than the current 3"),
        ({"oper_type": "horizontal", "new_broker_num": 51}, "at most 50"),
        ({"oper_type": "horizontal", "new_broker_num": 5, "new_storage_space": 900}, "times the storage of one broker"),
        ({"oper_type": "horizontal", "new_broker_num": 5, "publicip_id": "a"}, "one EIP id per added broker"),
        ({"oper_type": "vertical"}, "new_product_id is required"),
    ],
)
def test_extend_body_rules(harness, body, fragment):
    _instance(harness)
    reply, answer = _post(harness, EXTEND, body)
    assert reply.status == 400 and answer["error_code"] == "DMS.00400062"
    assert fragment in answer["error_msg"]
    dummy, jobs = harness.admin("GET", "/_emulator/jobs")
    assert jobs["jobs"] == []


def test_extend_needs_a_json_object_body(harness):
    _instance(harness)
    for raw in (b"", b"not json", b"[1]"):
        reply, answer = harness.call("POST", EXTEND, body=raw)
        assert reply.status == 400 and answer["error_code"] == "DMS.00400062"


def test_extend_on_unknown_instance_and_wrong_engine(harness):
    reply, body = _post(harness, EXTEND, {"oper_type": "horizontal", "new_broker_num": 4})
    assert reply.status == 404 and body["error_code"] == "DMS.00404022"
    _instance(harness, engine="rabbitmq")
    reply, body = _post(harness, EXTEND, {"oper_type": "horizontal", "new_broker_num": 4})
    assert reply.status == 400 and "not supported by rabbitmq instances" in body["error_msg"]


def test_vertical_and_storage_effects(harness):
    _instance(harness)
    dummy, body = _post(harness, EXTEND, {"oper_type": "vertical", "new_product_id": "c6.4u8g.cluster"})
    for dummy in range(3):
        _task(harness, body["job_id"])
    assert _state(harness)["product_id"] == "c6.4u8g.cluster"


def test_plain_ssl_switch(harness):
    _instance(harness)
    reply, body = _post(
        harness,
        SSL,
        {
            "protocol": "private_sasl_ssl_enable",
            "enable": True,
            "user_name": "admin",
            "pass_word": "Secret-123",
            "sasl_enabled_mechanisms": ["SCRAM-SHA-512"],
        },
    )
    assert reply.status == 200 and body["protocol"] == "private_sasl_ssl_enable" and body["enable"] is True
    task = _task(harness, body["job_id"])
    assert task["name"] == "kafkaPlainSslSwitch" and "Secret-123" not in task["params"]
    _task(harness, body["job_id"])
    _task(harness, body["job_id"])
    assert _state(harness)["port_protocols"]["private_sasl_ssl_enable"] is True
    reply, body = _post(harness, SSL, {"protocol": "private_sasl_ssl_enable", "enable": True})
    assert reply.status == 400 and "already enabled" in body["error_msg"]
    reply, body = _post(harness, SSL, {"protocol": "ssl", "enable": True})
    assert reply.status == 400 and "protocol must be one of" in body["error_msg"]


def test_ssl_switch_keeps_one_access_mode(harness):
    _instance(harness)
    reply, body = _post(harness, SSL, {"protocol": "private_plain_enable", "enable": False})
    assert reply.status == 400 and "at least one access mode" in body["error_msg"]


def test_modify_configs_counts_static_and_dynamic(harness):
    _instance(harness)
    reply, body = _post(
        harness,
        CONFIGS,
        {
            "kafka_configs": [
                {"name": "log.retention.hours", "value": "48"},
                {"name": "unclean.leader.election.enable", "value": "true"},
            ]
        },
        method="PUT",
    )
    assert reply.status == 200 and (body["static_config"], body["dynamic_config"]) == (1, 1) and body["job_id"]
    reply, body = _post(harness, CONFIGS, {"kafka_configs": []}, method="PUT")
    assert reply.status == 400


def test_rabbitmq_plugins(harness):
    _instance(harness, engine="rabbitmq")
    reply, body = _post(
        harness, PLUGINS, {"enable": True, "plugins": "rabbitmq_shovel,rabbitmq_federation"}, method="PUT"
    )
    assert reply.status == 200 and set(body) == {"job_id"}
    task = _task(harness, body["job_id"])
    assert task["name"] == "rabbitmqPluginsUpdate"
    _task(harness, body["job_id"])
    _task(harness, body["job_id"])
    assert _state(harness)["plugins"] == ["rabbitmq_shovel", "rabbitmq_federation"]
    reply, body = _post(harness, PLUGINS, {"enable": "yes", "plugins": "x"}, method="PUT")
    assert reply.status == 400


def test_rocketmq_topic_and_group(harness):
    _instance(harness, engine="rocketmq")
    reply, body = _post(harness, TOPICS, {"name": "orders", "queue_num": 8})
    assert reply.status == 200 and body["id"] == "orders" and body["job_id"]
    for dummy in range(3):
        _task(harness, body["job_id"])
    reply, body = _post(harness, GROUPS, {"name": "billing", "retry_max_time": 16})
    assert reply.status == 200 and body["name"] == "billing" and body["job_id"]
    for dummy in range(3):
        _task(harness, body["job_id"])
    state = _state(harness)
    assert state["topics"] == ["orders"] and state["groups"] == ["billing"]
    reply, body = _post(harness, TOPICS, {"name": "orders"})
    assert reply.status == 400 and body["error_msg"] == "The topic already exists."
    reply, body = _post(harness, GROUPS, {"name": "x"})
    assert reply.status == 400 and "name must be 3-64" in body["error_msg"]


def test_kafka_topic_creation_answers_without_a_job(harness):
    _instance(harness)
    reply, body = _post(harness, TOPICS, {"id": "orders", "partition": 3})
    assert reply.status == 200 and body == {"name": "orders"}
    dummy, jobs = harness.admin("GET", "/_emulator/jobs")
    assert jobs["jobs"] == [] and _state(harness)["topics"] == ["orders"]


def test_unknown_path_is_the_gateways_apigw_0101_before_authentication(harness):
    for method, path in (
        ("GET", BASE + "/kafka/instances/%s/nothing" % INSTANCE),
        ("DELETE", EXTEND),
        ("POST", "/v2/%s/rabbitmq/instances/%s/extend" % (DEFAULT_PROJECT_ID, INSTANCE)),
    ):
        reply, body = harness.call(method, path, sign=False)
        assert reply.status == 404
        assert body == {
            "error_code": "APIGW.0101",
            "request_id": "req-1",
            "error_msg": "The API does not exist or has not been published in the environment",
        }


def test_job_routes_require_a_valid_signature(harness):
    _instance(harness)
    reply, body = harness.call("POST", EXTEND, body=b'{"oper_type": "horizontal", "new_broker_num": 4}', sk="wrong")
    assert reply.status == 401 and body["error_code"] == "APIGW.0301"
    dummy, jobs = harness.admin("GET", "/_emulator/jobs")
    assert jobs["jobs"] == []


def test_reset_forgets_jobs_and_settings(harness):
    _instance(harness)
    harness.admin("POST", "/_emulator/jobs", {"timeline": "FAILED"})
    _post(harness, EXTEND, {"oper_type": "horizontal", "new_broker_num": 4})
    harness.admin("POST", "/_emulator/reset", {})
    dummy, jobs = harness.admin("GET", "/_emulator/jobs")
    assert jobs == {"jobs": [], "instances": [], "settings": {}}


@pytest.mark.parametrize("spec", [{"timeline": []}, {"color": "red"}, {"broker_num": 4}, {"appear_after": -1}, []])
def test_job_settings_are_validated(harness, spec):
    status, body = harness.admin("POST", "/_emulator/jobs", spec)
    assert status == 400 and body["error"]
