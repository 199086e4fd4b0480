"""Control of time: progression time / immediate / manual, per emulator and per instance, admin API, seed, advance."""

from __future__ import annotations

import json

import pytest
from emu_harness import INSTANCE, Harness

from dms_emulator import DEFAULT_PROJECT_ID
from dms_emulator.app import Emulator
from dms_emulator.timeline import Phase, TimelineCursor

OTHER = "99999999-2222-3333-4444-555555555555"
SLOW = [{"status": "CREATED", "seconds": 10}, {"status": "EXECUTING", "seconds": 20}, {"status": "SUCCESS"}]
BY_POLLS = [{"status": "CREATED", "polls": 1}, {"status": "EXECUTING", "polls": 1}, {"status": "SUCCESS"}]


def _task(harness, timeline, instance=INSTANCE, **extra):
    status, body = harness.admin("POST", "/_emulator/tasks", dict(instance_id=instance, timeline=timeline, **extra))
    assert status == 201, body
    return body["id"]


def _status(harness, task_id, instance=INSTANCE):
    reply, body = harness.call("GET", harness.task_path(task_id, instance))
    assert reply.status == 200, body
    return body["tasks"][0]["status"]


def _set(harness, **body):
    status, answer = harness.admin("POST", "/_emulator/progression", body)
    assert status == 200, answer
    return answer


def _advance(harness, **body):
    status, answer = harness.admin("POST", "/_emulator/advance", body)
    assert status == 200, answer
    return answer


def test_time_is_the_default_and_runs_the_timeline_on_the_clock(harness, clock):
    assert harness.admin("GET", "/_emulator/progression")[1]["mode"] == "time"
    task = _task(harness, SLOW)
    assert _status(harness, task) == "CREATED"
    clock.advance(10)
    assert _status(harness, task) == "EXECUTING"


@pytest.mark.parametrize("timeline", [SLOW, BY_POLLS])
def test_immediate_finishes_every_task_on_the_next_read(harness, timeline):
    _set(harness, mode="immediate")
    task = _task(harness, timeline, appear_after=60)
    assert _status(harness, task) == "SUCCESS"


def test_immediate_finishes_a_job_and_applies_its_change_at_once(harness):
    _set(harness, mode="immediate")
    harness.admin("POST", "/_emulator/instances", {"instance_id": INSTANCE, "engine": "kafka"})
    path = "/v2/%s/kafka/instances/%s/extend" % (DEFAULT_PROJECT_ID, INSTANCE)
    reply, body = harness.call("POST", path, body=json.dumps({"oper_type": "horizontal", "new_broker_num": 5}).encode())
    assert reply.status == 200
    assert _status(harness, body["job_id"]) == "SUCCESS"
    reply, detail = harness.call("GET", "/v2/%s/instances/%s" % (DEFAULT_PROJECT_ID, INSTANCE))
    assert detail["broker_num"] == 5


def test_manual_moves_nothing_until_advance(harness, clock):
    _set(harness, mode="manual")
    slow, polled = _task(harness, SLOW), _task(harness, BY_POLLS)
    clock.advance(3600)
    for dummy in range(3):
        assert _status(harness, slow) == "CREATED"
        assert _status(harness, polled) == "CREATED"
    _advance(harness)  # one step: every running task to its next status
    assert (_status(harness, slow), _status(harness, polled)) == ("EXECUTING", "EXECUTING")
    _advance(harness, steps=5)
    assert (_status(harness, slow), _status(harness, polled)) == ("SUCCESS", "SUCCESS")


def test_manual_advance_by_seconds_lets_that_much_timeline_pass(harness, clock):
    _set(harness, mode="manual")
    task = _task(harness, SLOW)
    _advance(harness, seconds=9)
    assert _status(harness, task) == "CREATED"
    _advance(harness, seconds=1)
    assert _status(harness, task) == "EXECUTING"
    _advance(harness, seconds=20)
    assert _status(harness, task) == "SUCCESS"


def test_manual_appear_after_passes_with_advance(harness):
    _set(harness, mode="manual")
    task = _task(harness, "SUCCESS", appear_after=5)
    reply, dummy = harness.call("GET", harness.task_path(task))
    assert reply.status == 404
    _advance(harness, seconds=5)
    assert _status(harness, task) == "SUCCESS"


def test_a_task_made_after_an_advance_does_not_take_earlier_steps(harness):
    _set(harness, mode="manual")
    _advance(harness, steps=3)
    task = _task(harness, SLOW)
    assert _status(harness, task) == "CREATED"


def test_per_instance_mode_leaves_the_others_on_theirs(harness, clock):
    _set(harness, mode="manual", instance_id=INSTANCE)
    held, running = _task(harness, SLOW), _task(harness, SLOW, instance=OTHER)
    clock.advance(10)
    assert (_status(harness, held), _status(harness, running, OTHER)) == ("CREATED", "EXECUTING")
    described = harness.admin("GET", "/_emulator/progression")[1]
    assert described["mode"] == "time"
    assert described["instances"] == [{"project_id": DEFAULT_PROJECT_ID, "instance_id": INSTANCE, "mode": "manual"}]


def test_per_instance_advance_moves_only_that_instance(harness):
    _set(harness, mode="manual")
    one, two = _task(harness, SLOW), _task(harness, SLOW, instance=OTHER)
    _advance(harness, instance_id=INSTANCE)
    assert (_status(harness, one), _status(harness, two, OTHER)) == ("EXECUTING", "CREATED")
    _advance(harness)  # emulator-wide: every instance, including the one with its own clock now
    assert (_status(harness, one), _status(harness, two, OTHER)) == ("SUCCESS", "EXECUTING")


def test_back_to_time_continues_from_where_manual_stopped(harness, clock):
    _set(harness, mode="manual")
    task = _task(harness, SLOW)
    clock.advance(1000)
    _set(harness, mode="time")
    assert _status(harness, task) == "CREATED"  # the 1000 s spent in manual mode did not count
    clock.advance(10)
    assert _status(harness, task) == "EXECUTING"


def test_time_mode_advance_fast_forwards(harness):
    task = _task(harness, SLOW)
    _advance(harness, seconds=30)
    assert _status(harness, task) == "SUCCESS"


def test_instance_progression_from_the_admin_instance_call(harness):
    status, dummy = harness.admin(
        "POST", "/_emulator/instances", {"instance_id": INSTANCE, "engine": "rabbitmq", "progression": "immediate"}
    )
    assert status == 201
    assert _status(harness, _task(harness, SLOW)) == "SUCCESS"


def test_reset_returns_to_the_start_mode(harness):
    _set(harness, mode="manual", instance_id=INSTANCE)
    _set(harness, mode="immediate")
    harness.admin("POST", "/_emulator/reset", {})
    assert harness.admin("GET", "/_emulator/progression")[1] == {"mode": "time", "start_mode": "time", "instances": []}


def test_seed_sets_the_emulator_and_an_instance_progression(clock):
    seed = {
        "progression": "manual",
        "instances": [{"id": OTHER, "engine": "kafka", "progression": "immediate"}],
        "tasks": [
            {"id": "t-held", "instance_id": INSTANCE, "timeline": SLOW},
            {"id": "t-done", "instance_id": OTHER, "timeline": SLOW},
        ],
    }
    harness = Harness(Emulator(clock=clock, seed=seed), clock)
    clock.advance(100)
    assert (_status(harness, "t-held"), _status(harness, "t-done", OTHER)) == ("CREATED", "SUCCESS")


def test_constructor_progression_wins_over_the_seed(clock):
    harness = Harness(Emulator(clock=clock, seed={"progression": "manual"}, progression="immediate"), clock)
    assert _status(harness, _task(harness, SLOW)) == "SUCCESS"


@pytest.mark.parametrize(
    "path, body, word",
    [
        ("/_emulator/progression", {"mode": "fast"}, "progression must be one of"),
        ("/_emulator/progression", {}, "progression takes"),
        ("/_emulator/progression", {"mode": "time", "project_id": "p"}, "project_id needs an instance_id"),
        ("/_emulator/advance", {"seconds": -1}, "seconds must be"),
        ("/_emulator/advance", {"seconds": 1e308}, "seconds must be"),
        ("/_emulator/advance", {"steps": 1.5}, "steps must be"),
        ("/_emulator/advance", {"minutes": 1}, "advance takes"),
    ],
)
def test_bad_progression_input_is_a_400_that_says_why(harness, path, body, word):
    status, answer = harness.admin("POST", path, body)
    assert status == 400 and word in answer["error"]


def test_bad_seed_progression_is_refused(clock):
    with pytest.raises(ValueError, match="seed progression must be one of"):
        Emulator(clock=clock, seed={"progression": "fast"})


def test_a_cursor_without_a_pace_runs_on_the_server_clock():
    cursor = TimelineCursor([Phase("CREATED", 5.0), Phase("SUCCESS")], 100.0)
    assert cursor.observe(104.0, count_poll=False) == "CREATED"
    assert cursor.observe(105.0, count_poll=False) == "SUCCESS"
    assert cursor.status_changed_at == 105.0
