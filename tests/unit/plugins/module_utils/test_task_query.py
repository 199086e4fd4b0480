# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What dms_task_info does without Ansible: option checks, then read (and wait) with a fake API and a fake clock."""

from __future__ import annotations

import pytest

from ansible_collections.hwcloud.dms.plugins.module_utils._errors import (
    ConfigurationError,
    DmsApiError,
    DmsFailure,
    DmsTransportError,
    TaskNotFoundError,
)
from ansible_collections.hwcloud.dms.plugins.module_utils._task_query import QueryOptions, TaskRead
from ansible_collections.hwcloud.dms.tests.unit.fakes import Script, make_context

INSTANCE = "11111111-2222-3333-4444-555555555555"
TASK_ID = "8a8c8f2e5f3a4b6c9d0e1f2a3b4c5d6e"

# A fake API without a server clock: nothing was learned, the times went as given.
NO_CLOCK = {"server_offset": None, "begin_time": None, "end_time": None}


def options(**overrides):
    values = {
        "instance_id": INSTANCE,
        "task_id": None,
        "name": None,
        "begin_time": None,
        "end_time": None,
        "latest": False,
        "wait_for": False,
        "wait_timeout": 600,
        "wait_sleep": 5.0,
        "fail_on_task_failure": True,
    }
    values.update(overrides)
    return QueryOptions.from_params(values)


def task(status, task_id=TASK_ID, name="bindInstancePublicIp", created_at="2024-01-15T08:30:00.000Z"):
    return {"id": task_id, "name": name, "status": status, "created_at": created_at}


class FakeApi:
    """Scripted show/list answers (lists of tasks or exceptions); the last one repeats. Records the calls."""

    def __init__(self, *answers):
        self.answers = Script(answers)
        self.calls = []

    def show(self, task_id, deadline=None):
        self.calls.append(("show", task_id, deadline))
        return self.answers.next()

    def list(self, begin_time=None, end_time=None, deadline=None):
        self.calls.append(("list", begin_time, end_time, deadline))
        return self.answers.next()


def run(opts, api, clock, warnings=None):
    warn = (warnings if warnings is not None else []).append
    return TaskRead(opts, api, make_context(clock, warn=warn, timeout=opts.wait.timeout)).run()


# --- QueryOptions ----------------------------------------------------------------------------------------------


def test_defaults():
    opts = QueryOptions.from_params({"instance_id": INSTANCE})
    assert (opts.wait.timeout, opts.wait.sleep, opts.fail_on_task_failure, opts.wait_for, opts.latest) == (
        600,
        5.0,
        True,
        False,
        False,
    )
    assert opts.task_id is None and opts.single is False
    assert options(task_id=TASK_ID).single is True
    assert options(latest=True).single is True


def test_times_are_converted():
    opts = options(begin_time="2024-01-15T16:30:00+08:00", end_time="20240116000000")
    assert (opts.begin_time, opts.end_time) == ("20240115083000", "20240116000000")


def test_instance_id_required_and_checked():
    with pytest.raises(ConfigurationError) as info:
        options(instance_id=None)
    assert "'instance_id'" in str(info.value)
    with pytest.raises(ConfigurationError) as info:
        options(instance_id="a/../b")
    assert "'instance_id'" in str(info.value)


def test_task_id_checked():
    with pytest.raises(ConfigurationError) as info:
        options(task_id="x/y")
    assert "'task_id'" in str(info.value)


@pytest.mark.parametrize(
    "overrides,named",
    [
        ({"name": "restart"}, ["'name'"]),
        ({"latest": True}, ["'latest'"]),
        ({"begin_time": "20240101000000", "end_time": "20240102000000"}, ["'begin_time'", "'end_time'"]),
        ({"name": "x", "latest": True}, ["'name'", "'latest'"]),
    ],
)
def test_list_only_options_with_task_id_fail_naming_them(overrides, named):
    with pytest.raises(ConfigurationError) as info:
        options(task_id=TASK_ID, **overrides)
    message = str(info.value)
    for option in named:
        assert option in message
    assert "'task_id'" in message


def test_wait_sleep_above_wait_timeout_names_both_and_the_fix():
    with pytest.raises(ConfigurationError) as info:
        options(wait_timeout=10, wait_sleep=30)
    message = str(info.value)
    assert "'wait_sleep'" in message and "'wait_timeout'" in message
    assert "lower wait_sleep or raise wait_timeout" in message
    assert options(wait_timeout=10, wait_sleep=10).wait.sleep == 10


@pytest.mark.parametrize("value", [0, -5])
def test_wait_timeout_must_be_positive(value):
    with pytest.raises(ConfigurationError) as info:
        options(wait_timeout=value, wait_sleep=0.5)
    assert "'wait_timeout'" in str(info.value)


@pytest.mark.parametrize("value", [0, -1])
def test_wait_sleep_must_be_positive(value):
    with pytest.raises(ConfigurationError) as info:
        options(wait_sleep=value)
    assert "'wait_sleep'" in str(info.value)


def test_begin_time_after_end_time_fails():
    with pytest.raises(ConfigurationError) as info:
        # 16:30+08:00 is 08:30 UTC, after 08:00 UTC
        options(begin_time="2024-01-15T16:30:00+08:00", end_time="2024-01-15T08:00:00Z")
    message = str(info.value)
    assert "'begin_time'" in message and "'end_time'" in message and "20240115083000" in message


# --- TaskQuery.run without waiting -----------------------------------------------------------------------------


def test_no_wait_show(clock):
    api = FakeApi(task("EXECUTING"))
    result = run(options(task_id=TASK_ID), api, clock)
    assert result == {
        "tasks": [task("EXECUTING")],
        "task": task("EXECUTING"),
        "task_count": 1,
        "attempts": 1,
        "elapsed": 0.0,
        "clock": NO_CLOCK,
    }
    assert api.calls == [("show", TASK_ID, None)]
    assert clock.sleeps == []


def test_no_wait_list_filters_and_passes_the_window(clock):
    api = FakeApi([task("SUCCESS", "a", "restart"), task("SUCCESS", "b"), task("FAILED", "c")])
    result = run(options(name="bindInstancePublicIp", begin_time="2024-01-15T00:00:00Z"), api, clock)
    assert [t["id"] for t in result["tasks"]] == ["b", "c"]
    assert result["task_count"] == 2
    assert "task" not in result
    assert api.calls == [("list", "20240115000000", None, None)]


def test_latest_returns_task(clock):
    api = FakeApi(
        [
            task("SUCCESS", "old", created_at="2024-01-15T08:00:00Z"),
            task("EXECUTING", "new", created_at="2024-01-15T09:00:00Z"),
        ]
    )
    result = run(options(latest=True), api, clock)
    assert result["task"]["id"] == "new"
    assert result["tasks"] == [result["task"]]


def test_latest_with_no_match_returns_no_task_key(clock):
    result = run(options(name="unbindInstancePublicIp", latest=True), FakeApi([task("SUCCESS")]), clock)
    assert result["tasks"] == [] and result["task_count"] == 0
    assert "task" not in result


def test_no_wait_failure_carries_a_partial_result(clock):
    with pytest.raises(DmsFailure) as info:
        run(options(task_id=TASK_ID), FakeApi(TaskNotFoundError("Task %s was not found" % TASK_ID)), clock)
    assert TASK_ID in str(info.value)
    assert info.value.result == {"tasks": [], "task_count": 0, "attempts": 1, "elapsed": 0.0, "clock": NO_CLOCK}


def test_no_wait_does_not_fail_on_a_failed_task(clock):
    result = run(options(task_id=TASK_ID), FakeApi(task("FAILED")), clock)
    assert result["task"]["status"] == "FAILED"


# --- TaskQuery.run with waiting --------------------------------------------------------------------------------


def test_wait_until_success(clock):
    api = FakeApi(task("CREATED"), task("EXECUTING"), task("SUCCESS"))
    result = run(options(task_id=TASK_ID, wait_for=True, wait_sleep=2, wait_timeout=60), api, clock)
    assert result["task"]["status"] == "SUCCESS"
    assert result["attempts"] == 3 and result["elapsed"] == pytest.approx(4.0) and result["transient_errors"] == 0
    deadlines = {call[2] for call in api.calls}
    assert len(deadlines) == 1 and None not in deadlines


def test_wait_to_failed_raises_naming_task_instance_and_status(clock):
    api = FakeApi(task("EXECUTING"), task("FAILED"))
    with pytest.raises(DmsFailure) as info:
        run(options(task_id=TASK_ID, wait_for=True, wait_sleep=3), api, clock)
    message = str(info.value)
    for part in (TASK_ID, "bindInstancePublicIp", INSTANCE, "FAILED", "fail_on_task_failure"):
        assert part in message
    result = info.value.result
    assert result["tasks"] == [task("FAILED")] and result["task"] == task("FAILED")
    assert result["attempts"] == 2 and result["elapsed"] == pytest.approx(3.0)


@pytest.mark.parametrize("status", ["FAILED", "CANCELLED", "DELETED"])
def test_fail_on_task_failure_false_returns_the_task(clock, status):
    result = run(options(task_id=TASK_ID, wait_for=True, fail_on_task_failure=False), FakeApi(task(status)), clock)
    assert result["task"]["status"] == status and result["attempts"] == 1


def test_list_wait_fails_when_any_task_did_not_succeed(clock):
    api = FakeApi([task("SUCCESS", "a"), task("CANCELLED", "b", "restart")])
    with pytest.raises(DmsFailure) as info:
        run(options(wait_for=True), api, clock)
    assert "b (restart) ended with status CANCELLED" in str(info.value)
    assert "task a" not in str(info.value)


def test_timeout_message_names_task_instance_timeout_status_and_fix(clock):
    api = FakeApi(task("EXECUTING"))
    with pytest.raises(DmsFailure) as info:
        run(options(task_id=TASK_ID, wait_for=True, wait_timeout=10, wait_sleep=4), api, clock)
    message = str(info.value)
    for part in (
        TASK_ID,
        "bindInstancePublicIp",
        INSTANCE,
        "wait_timeout=10",
        "last status EXECUTING",
        "raise wait_timeout",
    ):
        assert part in message
    result = info.value.result
    assert (
        result["attempts"] == 3 and result["elapsed"] == pytest.approx(10.0) and result["tasks"] == [task("EXECUTING")]
    )
    assert clock.sleeps == [4.0, 4.0, 2.0]


def test_timeout_in_list_mode_with_nothing_yet(clock):
    with pytest.raises(DmsFailure) as info:
        run(
            options(name="bindInstancePublicIp", latest=True, wait_for=True, wait_timeout=10, wait_sleep=5),
            FakeApi([]),
            clock,
        )
    message = str(info.value)
    assert "a task named 'bindInstancePublicIp'" in message and "no matching task has appeared yet" in message
    assert info.value.result["tasks"] == [] and "task" not in info.value.result


def test_timeout_after_only_errors_names_the_last_error_and_counts_them(clock):
    api = FakeApi(DmsTransportError("Could not reach the DMS API for GET http://x"))
    with pytest.raises(DmsFailure) as info:
        run(options(task_id=TASK_ID, wait_for=True, wait_timeout=10, wait_sleep=5), api, clock)
    message = str(info.value)
    assert "no task was read; last error: Could not reach the DMS API" in message
    assert "(2 transient errors)" in message
    assert info.value.result["transient_errors"] == 2


def test_aborted_wait_says_when(clock):
    error = DmsApiError("GET", "/v2/p/instances/i/tasks/t", 401, "APIGW.0301", "verify aksk signature fail", "rid")
    api = FakeApi(task("CREATED"), error)
    with pytest.raises(DmsFailure) as info:
        run(options(task_id=TASK_ID, wait_for=True, wait_sleep=5), api, clock)
    message = str(info.value)
    assert "HTTP 401" in message and "APIGW.0301" in message and "while waiting, after 2 reads in 5.0 s" in message
    assert info.value.result["tasks"] == [task("CREATED")] and info.value.result["attempts"] == 2


def test_unknown_status_warns_through_the_query(clock):
    warnings = []
    api = FakeApi(task("PAUSED"), task("SUCCESS"))
    run(options(task_id=TASK_ID, wait_for=True), api, clock, warnings)
    assert len(warnings) == 1 and "PAUSED" in warnings[0]
