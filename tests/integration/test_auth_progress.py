# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""include_progress through ansible-playbook: the latest progress of a waited Kafka task; RabbitMQ warns once and carries on."""

from __future__ import annotations

RABBITMQ = "22222222-3333-4444-5555-666666666666"


def test_progress_on_kafka_while_waiting_and_a_single_warning_on_rabbitmq(emulator, playbook, instance_id):
    kafka = emulator.admin.create_task(
        instance_id=instance_id,
        engine="kafka",
        name="kafkaScaleOut",
        timeline=[{"status": "EXECUTING", "polls": 2}, {"status": "SUCCESS"}],
    )
    for name in ("bindInstancePublicIp", "unbindInstancePublicIp"):
        emulator.admin.create_task(instance_id=RABBITMQ, engine="rabbitmq", name=name)
    run = playbook("auth_progress.yml", {"task_id": kafka["id"], "rabbitmq_instance_id": RABBITMQ})
    assert run.returncode == 0, run

    waited = run.results["kafka"]
    assert waited["attempts"] == 3
    progress = waited["task"]["progress"]
    assert progress["progress_percentage"] == 100 and progress["remain_time"] == 0
    assert [step["statue"] for step in progress["step_list"]] == ["COMPLETED"] * 3
    assert waited["tasks"][0]["progress"] == progress
    assert not waited.get("warnings")

    listed = run.results["rabbitmq"]
    assert listed["task_count"] == 2 and all("progress" not in task for task in listed["tasks"])
    warnings = [warning for warning in listed.get("warnings", []) if "progress" in warning]
    assert len(warnings) == 1 and RABBITMQ in warnings[0] and "Kafka and RocketMQ" in warnings[0]

    routes = emulator.admin.stats()["requests_by_route"]
    # One progress read after each of the 3 status reads on Kafka; one (404) for the two RabbitMQ tasks.
    assert routes["dms.show_task"] == 3
    assert routes["dms.show_progress"] == 4
