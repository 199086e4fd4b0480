"""DMS operations: show, list (paging, filters, ordering), delete, progress, and their errors."""

from __future__ import annotations

import pytest
from emu_harness import INSTANCE

from dms_emulator import DEFAULT_PROJECT_ID
from dms_emulator.timefmt import iso_ms


def _seed_tasks(harness, clock, count=25):
    for n in range(count):
        harness.admin("POST", "/_emulator/tasks", {"instance_id": INSTANCE, "id": "t%02d" % n, "name": "job%d" % n})
        clock.advance(60)


def test_unknown_instance_is_dms_00404022(harness):
    reply, body = harness.call("GET", harness.task_path("x", instance="nope"))
    assert reply.status == 404
    assert body == {"error_code": "DMS.00404022", "error_msg": "This DMS instance does not exist."}
    reply, body = harness.call("GET", harness.task_path(instance="nope"))
    assert reply.status == 404 and body["error_code"] == "DMS.00404022"


def test_known_instance_without_task(harness):
    harness.admin("POST", "/_emulator/instances", {"instance_id": INSTANCE, "engine": "rabbitmq"})
    reply, body = harness.call("GET", harness.task_path("missing"))
    assert reply.status == 404 and body["error_code"] == "DMS.00404023"
    reply, body = harness.call("GET", harness.task_path())
    assert reply.status == 200 and body == {"task_count": "0", "tasks": []}


def test_list_is_newest_first_and_paged(harness, clock):
    _seed_tasks(harness, clock)
    dummy, body = harness.call("GET", harness.task_path())
    assert body["task_count"] == "25"
    assert [t["id"] for t in body["tasks"]] == ["t%02d" % n for n in range(24, 14, -1)]  # default limit 10
    dummy, body = harness.call("GET", harness.task_path(), "start=21&limit=10")
    assert [t["id"] for t in body["tasks"]] == ["t04", "t03", "t02", "t01", "t00"]
    dummy, body = harness.call("GET", harness.task_path(), "start=30&limit=100")
    assert body == {"task_count": "25", "tasks": []}


def test_paging_like_terraform_visits_every_task_once(harness, clock):
    _seed_tasks(harness, clock, 23)
    seen, start = [], 1
    while True:
        dummy, body = harness.call("GET", harness.task_path(), "limit=5&start=%d" % start)
        seen += [t["id"] for t in body["tasks"]]
        start += len(body["tasks"])
        if len(body["tasks"]) < 5 or len(seen) >= int(body["task_count"]):
            break
    assert sorted(seen) == ["t%02d" % n for n in range(23)]


def test_time_filter_on_created_at(harness, clock):
    begin = clock.now()
    _seed_tasks(harness, clock, 5)  # created at begin, +60, ..., +240
    fmt = "%Y%m%d%H%M%S"
    import time

    q = "begin_time=%s&end_time=%s" % (
        time.strftime(fmt, time.gmtime(begin + 60)),
        time.strftime(fmt, time.gmtime(begin + 180)),
    )
    dummy, body = harness.call("GET", harness.task_path(), q)
    assert [t["id"] for t in body["tasks"]] == ["t03", "t02", "t01"]
    assert body["task_count"] == "3"
    assert body["tasks"][0]["created_at"] == iso_ms(begin + 180)


@pytest.mark.parametrize(
    "query",
    [
        "limit=0",
        "limit=101",
        "limit=abc",
        "start=0",
        "start=-1",
        "begin_time=2024-01-01",
        "end_time=20241301000000",
        "begin_time=20240102000000&end_time=20240101000000",
    ],
)
def test_bad_query_values_are_400(harness, query):
    harness.admin("POST", "/_emulator/instances", {"instance_id": INSTANCE})
    reply, body = harness.call("GET", harness.task_path(), query)
    assert reply.status == 400
    assert body["error_code"] == "DMS.00400062" and body["error_msg"]


def test_delete_is_204_then_404(harness):
    harness.admin("POST", "/_emulator/tasks", {"instance_id": INSTANCE, "id": "d"})
    reply, body = harness.call("DELETE", harness.task_path("d"))
    assert reply.status == 204 and reply.body == b""
    reply, dummy = harness.call("GET", harness.task_path("d"))
    assert reply.status == 404
    reply, dummy = harness.call("DELETE", harness.task_path("d"))
    assert reply.status == 404


@pytest.mark.parametrize("engine", ["kafka", "rocketmq"])
def test_progress_for_kafka_and_rocketmq(harness, clock, engine):
    # Kafka documents progress for capacity expansion only (issue 16): the Kafka task here is a scale-out.
    harness.admin(
        "POST",
        "/_emulator/tasks",
        {
            "instance_id": INSTANCE,
            "id": "g",
            "engine": engine,
            "name": "kafkaScaleOut",
            "timeline": [{"status": "EXECUTING", "seconds": 5}, {"status": "SUCCESS"}],
        },
    )
    reply, body = harness.call("GET", harness.task_path("g") + "/progress")
    assert reply.status == 200
    assert body["progress_percentage"] == 50 and isinstance(body["remain_time"], int)
    assert {s["statue"] for s in body["step_list"]} <= {"COMPLETED", "IN_PROGRESS", "FAILED", "WAITING"}
    clock.advance(5)
    dummy, body = harness.call("GET", harness.task_path("g") + "/progress")
    assert body["progress_percentage"] == 100 and all(s["statue"] == "COMPLETED" for s in body["step_list"])


def test_progress_steps_carry_epoch_millisecond_times_as_the_sdk_types_them(harness, clock):
    harness.admin(
        "POST",
        "/_emulator/tasks",
        {
            "instance_id": INSTANCE,
            "id": "s",
            "engine": "rocketmq",
            "timeline": [{"status": "EXECUTING", "seconds": 5}, {"status": "SUCCESS"}],
        },
    )
    dummy, body = harness.call("GET", harness.task_path("s") + "/progress")
    started = [step for step in body["step_list"] if step["statue"] != "WAITING"]
    assert started and all(isinstance(step["start_time"], int) and step["start_time"] > 10**12 for step in started)
    assert all(isinstance(step["end_time"], int) for step in body["step_list"] if step["statue"] == "COMPLETED")
    assert all("start_time" not in step for step in body["step_list"] if step["statue"] == "WAITING")


def test_kafka_progress_of_a_task_that_is_not_a_scale_out_is_an_invented_400(harness):
    harness.admin(
        "POST",
        "/_emulator/tasks",
        {"instance_id": INSTANCE, "id": "k", "engine": "kafka", "name": "bindInstancePublicIp"},
    )
    reply, body = harness.call("GET", harness.task_path("k") + "/progress")
    assert reply.status == 400 and body["error_code"] == "DMS.00400999"


def test_progress_custom_data_and_rabbitmq_404(harness):
    custom = {
        "progress_percentage": 42,
        "remain_time": 7,
        "step_list": [{"name": "a", "statue": "IN_PROGRESS", "start_time": 1}],
    }
    harness.admin("POST", "/_emulator/tasks", {"instance_id": INSTANCE, "id": "c", "progress": custom})
    dummy, body = harness.call("GET", harness.task_path("c") + "/progress")
    assert body == custom
    harness.admin("POST", "/_emulator/tasks", {"instance_id": "rmq", "id": "r", "engine": "rabbitmq"})
    reply, body = harness.call("GET", harness.task_path("r", instance="rmq") + "/progress")
    assert reply.status == 404


def test_unknown_route_is_apigw_0101(harness):
    reply, body = harness.call("GET", "/v2/%s/instances/%s/topics" % (DEFAULT_PROJECT_ID, INSTANCE))
    assert reply.status == 404 and body["error_code"] == "APIGW.0101"


def test_projects_are_independent(harness):
    harness.admin("POST", "/_emulator/tasks", {"instance_id": INSTANCE, "id": "x", "project_id": "other"})
    reply, body = harness.call("GET", harness.task_path("x"))
    assert reply.status == 404 and body["error_code"] == "DMS.00404022"
    reply, dummy = harness.call("GET", harness.task_path("x", project="other"))
    assert reply.status == 200
