"""Status scripts: time- and poll-driven phases, appear_after, updated_at moves only on status change."""

from __future__ import annotations

import pytest
from emu_harness import INSTANCE

from dms_emulator.timefmt import iso_ms, parse_iso
from dms_emulator.timeline import Phase, TimelineCursor, parse_timeline


def test_time_based_phases(clock):
    cursor = TimelineCursor(
        parse_timeline(
            [{"status": "CREATED", "seconds": 1}, {"status": "EXECUTING", "seconds": 3}, {"status": "SUCCESS"}]
        ),
        clock.now(),
    )
    start = clock.now()
    assert cursor.observe(clock.now(), True) == "CREATED"
    clock.advance(0.999)
    assert cursor.observe(clock.now(), True) == "CREATED"
    clock.advance(0.001)
    assert cursor.observe(clock.now(), True) == "EXECUTING"
    assert cursor.status_changed_at == start + 1
    clock.advance(10)
    assert cursor.observe(clock.now(), True) == "SUCCESS"
    # The switch happened at the scripted boundary, not when somebody looked.
    assert cursor.status_changed_at == start + 4


def test_poll_based_phases(clock):
    cursor = TimelineCursor(
        parse_timeline([{"status": "CREATED", "polls": 2}, {"status": "EXECUTING", "polls": 3}, {"status": "FAILED"}]),
        clock.now(),
    )
    seen = [cursor.observe(clock.now(), True) for dummy in range(7)]
    assert seen == ["CREATED", "CREATED", "EXECUTING", "EXECUTING", "EXECUTING", "FAILED", "FAILED"]


def test_non_poll_views_do_not_advance(clock):
    cursor = TimelineCursor(parse_timeline([{"status": "CREATED", "polls": 1}, {"status": "SUCCESS"}]), clock.now())
    assert [cursor.observe(clock.now(), False) for dummy in range(3)] == ["CREATED"] * 3
    assert cursor.observe(clock.now(), True) == "CREATED"
    assert cursor.observe(clock.now(), False) == "SUCCESS"


def test_same_status_twice_keeps_updated_at(clock):
    start = clock.now()
    cursor = TimelineCursor([Phase("EXECUTING", seconds=1), Phase("EXECUTING", seconds=1), Phase("SUCCESS")], start)
    clock.advance(1.5)
    cursor.observe(clock.now(), True)
    assert cursor.status_changed_at == start
    clock.advance(1)
    assert cursor.observe(clock.now(), True) == "SUCCESS"
    assert cursor.status_changed_at == start + 2


@pytest.mark.parametrize(
    "bad",
    [
        [],
        [{"seconds": 1}],
        [{"status": "X", "polls": 0}],
        [{"status": "X", "seconds": -1}],
        [{"status": "X", "bogus": 1}],
        5,
    ],
)
def test_bad_timelines_are_rejected(bad):
    with pytest.raises(ValueError):
        parse_timeline(bad)


def test_task_api_follows_timeline(harness, clock):
    status, task = harness.admin(
        "POST",
        "/_emulator/tasks",
        {
            "instance_id": INSTANCE,
            "id": "t1",
            "params": {"public_ip_id": "x"},
            "timeline": [
                {"status": "CREATED", "seconds": 1},
                {"status": "EXECUTING", "seconds": 3},
                {"status": "SUCCESS"},
            ],
        },
    )
    assert status == 201 and task["id"] == "t1" and task["params"] == '{"public_ip_id":"x"}'
    created = task["created_at"]
    reply, body = harness.call("GET", harness.task_path("t1"))
    assert reply.status == 200 and body["task_count"] == "1"
    shown = body["tasks"][0]
    assert set(shown) == {"id", "name", "user_name", "user_id", "params", "status", "created_at", "updated_at"}
    assert shown["status"] == "CREATED" and shown["updated_at"] == created
    clock.advance(2)
    dummy, body = harness.call("GET", harness.task_path("t1"))
    assert body["tasks"][0]["status"] == "EXECUTING"
    assert body["tasks"][0]["updated_at"] == iso_ms(parse_iso(created) + 1)
    clock.advance(5)
    dummy, body = harness.call("GET", harness.task_path("t1"))
    assert body["tasks"][0]["status"] == "SUCCESS"
    assert body["tasks"][0]["created_at"] == created


def test_appear_after_hides_task(harness, clock):
    harness.admin(
        "POST",
        "/_emulator/tasks",
        {
            "instance_id": INSTANCE,
            "id": "late",
            "appear_after": 5,
            "timeline": [{"status": "EXECUTING", "seconds": 2}, {"status": "SUCCESS"}],
        },
    )
    reply, body = harness.call("GET", harness.task_path("late"))
    assert reply.status == 404 and body["error_code"] == "DMS.00404023"
    dummy, listing = harness.call("GET", harness.task_path())
    assert listing == {"task_count": "0", "tasks": []}
    clock.advance(5)
    dummy, body = harness.call("GET", harness.task_path("late"))
    assert body["tasks"][0]["status"] == "EXECUTING"
    clock.advance(2)
    dummy, body = harness.call("GET", harness.task_path("late"))
    assert body["tasks"][0]["status"] == "SUCCESS"


def test_polls_count_in_lists_too(harness):
    harness.admin(
        "POST",
        "/_emulator/tasks",
        {"instance_id": INSTANCE, "id": "p", "timeline": [{"status": "CREATED", "polls": 1}, {"status": "SUCCESS"}]},
    )
    dummy, listing = harness.call("GET", harness.task_path())
    assert listing["tasks"][0]["status"] == "CREATED"
    dummy, body = harness.call("GET", harness.task_path("p"))
    assert body["tasks"][0]["status"] == "SUCCESS"


def test_created_at_override_and_empty_status(harness):
    harness.admin(
        "POST",
        "/_emulator/tasks",
        {"instance_id": INSTANCE, "id": "old", "created_at": "2020-06-15T08:55:53.606Z", "timeline": [{"status": ""}]},
    )
    dummy, body = harness.call("GET", harness.task_path("old"))
    assert body["tasks"][0]["created_at"] == "2020-06-15T08:55:53.606Z"
    assert body["tasks"][0]["updated_at"] == "2020-06-15T08:55:53.606Z"
    assert body["tasks"][0]["status"] == ""
