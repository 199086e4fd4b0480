"""emulator/examples/seed.json tells a story the documented task names allow, and its EIPs resolve as it says."""

from __future__ import annotations

import os

from emu_harness import Harness

from dms_emulator import DEFAULT_PROJECT_ID
from dms_emulator.app import Emulator
from dms_emulator.seed import load_seed_file

EXAMPLE_SEED = os.path.join(os.path.dirname(__file__), "..", "examples", "seed.json")
# Task names seen per engine: the API references' ShowBackgroundTask/ListBackgroundTasks examples (Kafka,
# RabbitMQ) and Terraform's waits (RabbitMQ, RocketMQ public access; Kafka config and offset reset).
RECORDED_NAMES = {
    "kafka": {
        "bindInstancePublicIp",
        "unbindInstancePublicIp",
        "modifyAutoTopic",
        "kafkaConfigModify",
        "changeRetentionPolicy",
        "kafkaResetConsumerOffset",
    },
    "rabbitmq": {"bindInstancePublicIp", "unbindInstancePublicIp"},
    "rocketmq": {"bindInstancePublicIp", "unbindInstancePublicIp"},
}


def _harness(clock):
    return Harness(Emulator(clock=clock, seed=load_seed_file(EXAMPLE_SEED)), clock)


def test_every_seeded_task_has_a_name_its_engine_records(clock):
    harness = _harness(clock)
    dummy, body = harness.admin("GET", "/_emulator/tasks")
    assert body["tasks"]
    for task in body["tasks"]:
        engine = harness.emu.store.instance(task["project_id"], task["instance_id"]).engine
        assert task["name"] in RECORDED_NAMES[engine], (engine, task)


def test_seeded_eips_resolve_to_the_instances_that_hold_them(clock):
    harness = _harness(clock)
    reply, body = harness.call("GET", "/v1/%s/publicips" % DEFAULT_PROJECT_ID)
    assert reply.status == 200
    rows = {row["id"]: row for row in body["publicips"]}
    assert rows["1aea7aed-e7d8-40ea-b3de-6f3ee9d5db9f"]["status"] == "ACTIVE"  # the RabbitMQ instance's
    assert rows["2bfb8bfe-f8e9-41fb-c4ef-7f4ff0e6ec0a"]["status"] == "FREEZED"
    assert rows["70404043-4d3e-46e0-9924-cf9445313b5f"]["status"] == "DOWN"
    dummy, instances = harness.admin("GET", "/_emulator/instances")
    by_engine = {row["engine"]: row for row in instances["instances"]}
    rabbit = by_engine["rabbitmq"]["detail"]
    assert rabbit["publicip_address"] == "100.93.2.18" and "publicip_id" not in rabbit
    assert by_engine["rocketmq"]["status"] == "EXTENDING"
