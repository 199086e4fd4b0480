# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""wait_for_tasks under a fake clock: one deadline, clipped sleeps, transient vs fatal errors, the not-found grace."""

from __future__ import annotations

import pytest

from ansible_collections.hwcloud.dms.plugins.module_utils._errors import (
    DmsApiError,
    DmsResponseError,
    DmsTransportError,
    TaskNotFoundError,
    is_transient,
)
from ansible_collections.hwcloud.dms.plugins.module_utils._poll import PollAborted
from ansible_collections.hwcloud.dms.plugins.module_utils._tasks import TERMINAL_STATUSES
from ansible_collections.hwcloud.dms.plugins.module_utils._waiter import all_terminal, wait_for_tasks
from ansible_collections.hwcloud.dms.tests.unit.fakes import Script


def task(status, task_id="t1"):
    return {"id": task_id, "name": "bindInstancePublicIp", "status": status}


class ScriptedRead:
    """A read callable over a Script (in order, the last repeats, exceptions raised); each read may cost clock time."""

    def __init__(self, clock, script, cost=0.0):
        self.clock = clock
        self.script = Script(script)
        self.cost = cost
        self.deadlines = []

    def __call__(self, deadline):
        self.deadlines.append(deadline)
        self.clock.advance(self.cost)
        return self.script.next()


def pending(outcome):
    return [str(task.get("status")) for task in outcome.value if task.get("status") not in TERMINAL_STATUSES]


def api_error(status):
    return DmsApiError("GET", "/v2/p/instances/i/tasks/t1", status, "APIGW.0000", "boom", "req-1")


class Waited:
    """What a wait returned, plus ``elapsed`` on the fake clock from the wait's start."""

    def __init__(self, polled, elapsed):
        self.polled = polled
        self.elapsed = elapsed
        self.value = polled.value or []
        self.reads = polled.reads
        self.transient_errors = polled.transient_errors
        self.last_error = polled.last_error


class Aborted(Exception):
    def __init__(self, aborted, elapsed):
        super().__init__(str(aborted))
        self.cause = aborted.cause
        self.message = str(aborted)
        self.waited = Waited(aborted.result, elapsed)


def wait(clock, read, timeout=600.0, sleep_interval=5.0, warnings=None):
    """One deadline from now + timeout, passed to every read, as TaskRead does with the run's deadline."""
    warn = warnings.append if warnings is not None else (lambda message: None)
    started = clock()
    deadline = started + timeout
    try:
        polled = wait_for_tasks(lambda: read(deadline), deadline, sleep_interval, clock, clock.sleep, warn)
    except PollAborted as aborted:
        raise Aborted(aborted, clock() - started) from None
    return Waited(polled, clock() - started)


def test_created_executing_success_returns_attempts_and_elapsed(clock):
    read = ScriptedRead(clock, [[task("CREATED")], [task("EXECUTING")], [task("SUCCESS")]], cost=0.5)
    outcome = wait(clock, read, timeout=60, sleep_interval=5)
    assert outcome.reads == 3
    assert outcome.value == [task("SUCCESS")]
    assert clock.sleeps == [5.0, 5.0]
    # three reads at 0.5 s each plus two 5 s pauses
    assert outcome.elapsed == pytest.approx(11.5)
    assert outcome.transient_errors == 0
    assert outcome.last_error is None


def test_already_terminal_returns_after_one_read_without_sleeping(clock):
    read = ScriptedRead(clock, [[task("FAILED")]])
    outcome = wait(clock, read)
    assert outcome.reads == 1
    assert outcome.elapsed == 0
    assert clock.sleeps == []


def test_timeout_clips_last_sleep_and_never_exceeds_timeout(clock):
    read = ScriptedRead(clock, [[task("EXECUTING")]])
    outcome = wait(clock, read, timeout=10, sleep_interval=4)
    assert outcome.polled.done is False  # the deadline ended the wait
    assert clock.sleeps == [4.0, 4.0, 2.0]
    assert outcome.reads == 3
    assert outcome.elapsed == pytest.approx(10.0)
    assert outcome.elapsed <= 10.0
    assert outcome.value == [task("EXECUTING")]
    assert pending(outcome) == ["EXECUTING"]


def test_timeout_with_slow_reads_stays_within_timeout(clock):
    # every read costs 3 s of the budget: 0 read->3, sleep 4 ->7, read ->10: no time left
    read = ScriptedRead(clock, [[task("CREATED")]], cost=3.0)
    outcome = wait(clock, read, timeout=10, sleep_interval=4)
    assert outcome.polled.done is False  # the deadline ended the wait
    assert clock.sleeps == [4.0]
    assert outcome.reads == 2
    assert outcome.elapsed == pytest.approx(10.0)


def test_sleep_is_clipped_to_the_time_left_after_a_slow_read(clock):
    read = ScriptedRead(clock, [[task("CREATED")]], cost=2.5)
    outcome = wait(clock, read, timeout=10, sleep_interval=4)
    assert outcome.polled.done is False  # the deadline ended the wait
    # 0 ->2.5 sleep 4 ->6.5 ->9.0 sleep min(4, 1.0)
    assert clock.sleeps == [4.0, pytest.approx(1.0)]
    assert all(pause > 0 for pause in clock.sleeps)


def test_deadline_passed_to_read_is_one_fixed_monotonic_deadline(clock):
    start = clock.now
    read = ScriptedRead(clock, [[task("CREATED")]] * 4 + [[task("SUCCESS")]], cost=1.25)
    wait(clock, read, timeout=100, sleep_interval=3)
    assert len(read.deadlines) == 5
    assert set(read.deadlines) == {start + 100}


def test_unknown_status_warns_exactly_once_and_keeps_polling(clock):
    warnings = []
    read = ScriptedRead(clock, [[task("MIGRATING")], [task("MIGRATING")], [task("MIGRATING")], [task("SUCCESS")]])
    outcome = wait(clock, read, warnings=warnings)
    assert outcome.reads == 4
    assert len(warnings) == 1
    assert "MIGRATING" in warnings[0] and "t1" in warnings[0]


def test_unknown_status_counts_as_pending_until_timeout(clock):
    warnings = []
    read = ScriptedRead(clock, [[task("WEIRD")]])
    outcome = wait(clock, read, timeout=10, sleep_interval=5, warnings=warnings)
    assert outcome.polled.done is False  # the deadline ended the wait
    assert pending(outcome) == ["WEIRD"]
    assert len(warnings) == 1


@pytest.mark.parametrize(
    "error",
    [
        api_error(429),
        api_error(503),
        api_error(500),
        api_error(502),
        api_error(504),
        api_error(408),
        DmsTransportError("connection reset"),
    ],
    ids=lambda e: str(getattr(e, "status", "transport")),
)
def test_transient_errors_are_counted_and_the_wait_goes_on(clock, error):
    read = ScriptedRead(clock, [error, error, [task("SUCCESS")]])
    outcome = wait(clock, read)
    assert outcome.reads == 3
    assert outcome.transient_errors == 2
    assert outcome.last_error is error
    assert outcome.value == [task("SUCCESS")]


def test_mixed_transient_errors_then_timeout_keep_the_last_error(clock):
    transport = DmsTransportError("connection refused")
    read = ScriptedRead(clock, [api_error(429), api_error(503), transport])
    outcome = wait(clock, read, timeout=20, sleep_interval=5)
    assert outcome.polled.done is False  # the deadline ended the wait
    # reads at 0, 5, 10 and 15 s; the pause after the last one reaches the deadline
    assert outcome.transient_errors == outcome.reads == 4
    assert outcome.last_error is transport
    assert outcome.value == []


@pytest.mark.parametrize("status", [400, 401, 403])
def test_non_transient_api_error_aborts_at_once(clock, status):
    error = api_error(status)
    read = ScriptedRead(clock, [[task("CREATED")], error, [task("SUCCESS")]])
    with pytest.raises(Aborted) as info:
        wait(clock, read)
    assert info.value.cause is error
    assert info.value.message == str(error)
    assert info.value.waited.reads == 2
    # the tasks of the last good read travel with the failure
    assert info.value.waited.value == [task("CREATED")]
    assert clock.sleeps == [5.0]


def test_response_error_aborts(clock):
    error = DmsResponseError("not JSON")
    read = ScriptedRead(clock, [error])
    with pytest.raises(Aborted) as info:
        wait(clock, read)
    assert info.value.cause is error
    assert info.value.waited.reads == 1
    assert clock.sleeps == []


def test_not_found_keeps_polling_for_the_grace_then_aborts(clock):
    missing = TaskNotFoundError("Task t1 was not found")
    read = ScriptedRead(clock, [missing])
    with pytest.raises(Aborted) as info:
        wait(clock, read, timeout=600, sleep_interval=5)
    # reads at 0, 5, ... 30 s; the one at 30 s ends the 30 s grace
    assert info.value.waited.reads == 7
    assert info.value.waited.elapsed == pytest.approx(30.0)
    assert info.value.cause is missing
    assert info.value.waited.last_error is missing
    assert sum(clock.sleeps) == pytest.approx(30.0)


def test_not_found_then_found_resets_the_grace(clock):
    missing = TaskNotFoundError("Task t1 was not found")
    script = [missing] * 6 + [[task("CREATED")]] + [missing] * 6 + [[task("SUCCESS")]]
    read = ScriptedRead(clock, script)
    outcome = wait(clock, read, timeout=600, sleep_interval=5)
    assert outcome.reads == 14
    assert outcome.value == [task("SUCCESS")]


def test_not_found_grace_longer_than_timeout_ends_in_timeout(clock):
    read = ScriptedRead(clock, [TaskNotFoundError("gone")])
    outcome = wait(clock, read, timeout=12, sleep_interval=5)
    assert outcome.polled.done is False  # the deadline ended the wait
    assert isinstance(outcome.last_error, TaskNotFoundError)
    assert outcome.elapsed == pytest.approx(12.0)


def test_list_mode_empty_list_keeps_polling(clock):
    read = ScriptedRead(clock, [[], [], [task("SUCCESS", "a"), task("FAILED", "b")]])
    outcome = wait(clock, read)
    assert outcome.reads == 3
    assert [t["id"] for t in outcome.value] == ["a", "b"]


def test_list_mode_waits_for_every_task(clock):
    read = ScriptedRead(
        clock, [[task("SUCCESS", "a"), task("EXECUTING", "b")], [task("SUCCESS", "a"), task("SUCCESS", "b")]]
    )
    outcome = wait(clock, read)
    assert outcome.reads == 2


def test_all_terminal_and_is_transient():
    assert all_terminal([]) is False
    assert all_terminal([task("SUCCESS"), task("CANCELLED"), task("DELETED"), task("FAILED")]) is True
    assert all_terminal([task("SUCCESS"), task("CREATED")]) is False
    assert is_transient(api_error(429)) and is_transient(DmsTransportError("x"))
    assert not is_transient(api_error(404)) and not is_transient(TaskNotFoundError("x"))
