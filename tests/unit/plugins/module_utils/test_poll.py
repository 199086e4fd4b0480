# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one poller under a fake clock, and WaitOptions: parsed once, the same caps for every module."""

from __future__ import annotations

import pytest

from ansible_collections.hwcloud.dms.plugins.module_utils._errors import (
    ConfigurationError,
    DmsApiError,
    DmsResponseError,
    DmsTransportError,
)
from ansible_collections.hwcloud.dms.plugins.module_utils._poll import (
    MIN_POLL_INTERVAL,
    WAIT_ARGUMENT_SPEC,
    PollAborted,
    WaitOptions,
    poll,
)
from ansible_collections.hwcloud.dms.tests.unit.fakes import Script


def reader(clock, answers, cost=0.0):
    script = Script(answers)

    def read():
        clock.advance(cost)
        return script.next()

    read.script = script
    return read


def test_polls_until_done_and_returns_the_last_value(clock):
    read = reader(clock, [1, 2, 3], cost=0.5)
    seen = []
    result = poll(read, lambda value: value == 3, clock() + 60, 5, clock, clock.sleep, on_read=seen.append)
    assert (result.done, result.value, result.reads) == (True, 3, 3)
    assert seen == [1, 2, 3]  # on_read gets every observation (the progress feed hooks in here)
    assert clock.sleeps == [5.0, 5.0]


def test_never_sleeps_past_the_deadline_and_reports_not_done(clock):
    deadline = clock() + 12
    result = poll(reader(clock, [0], cost=1.0), lambda value: False, deadline, 5, clock, clock.sleep)
    assert not result.done and result.value == 0
    # read (1 s), pause 5, read (1 s), pause 5: the deadline is reached after the pause, so no read starts past it
    assert (clock.sleeps, result.reads) == ([5.0, 5.0], 2)
    assert clock() == pytest.approx(deadline)


def test_the_last_pause_is_clipped_to_the_time_left(clock):
    deadline = clock() + 7
    poll(reader(clock, [0]), lambda value: False, deadline, 5, clock, clock.sleep)
    assert clock.sleeps == [5.0, 2.0]
    assert clock() == pytest.approx(deadline)


def test_the_interval_has_a_floor_of_half_a_second(clock):
    poll(reader(clock, [0, 0, 1]), lambda value: value == 1, clock() + 60, 0.01, clock, clock.sleep)
    assert clock.sleeps == [MIN_POLL_INTERVAL, MIN_POLL_INTERVAL]


def test_transient_errors_are_counted_and_polled_through(clock):
    busy = DmsApiError("GET", "/x", 503, None, "busy", None)
    lost = DmsTransportError("connection reset")
    result = poll(reader(clock, [busy, lost, "ok"]), lambda value: value == "ok", clock() + 60, 1, clock, clock.sleep)
    assert (result.done, result.transient_errors, result.reads) == (True, 2, 3)
    assert result.last_error is lost


def test_a_final_error_aborts_with_what_was_seen(clock):
    bad = DmsResponseError("not JSON")
    with pytest.raises(PollAborted) as info:
        poll(reader(clock, ["first", bad]), lambda value: False, clock() + 60, 1, clock, clock.sleep)
    assert info.value.cause is bad and str(info.value) == "not JSON"
    assert (info.value.result.value, info.value.result.reads) == ("first", 2)


def test_an_error_tolerate_accepts_is_polled_through_without_counting_as_transient(clock):
    gone = DmsApiError("GET", "/x", 404, None, "not yet", None)
    result = poll(
        reader(clock, [gone, "ok"]),
        lambda value: True,
        clock() + 60,
        1,
        clock,
        clock.sleep,
        tolerate=lambda error: isinstance(error, DmsApiError) and error.not_found,
    )
    assert (result.done, result.transient_errors, result.last_error) == (True, 0, gone)


def test_a_deadline_already_passed_still_reads_once(clock):
    result = poll(reader(clock, [0]), lambda value: False, clock() - 1, 5, clock, clock.sleep)
    assert (result.reads, result.done, clock.sleeps) == (1, False, [])


def test_wait_options_defaults_live_in_the_argument_spec():
    options = WaitOptions.from_params({})
    assert options.timeout == WAIT_ARGUMENT_SPEC["wait_timeout"]["default"]
    assert options.sleep == WAIT_ARGUMENT_SPEC["wait_sleep"]["default"]
    assert WaitOptions.from_params({"wait_timeout": None, "wait_sleep": None}) == options


@pytest.mark.parametrize(
    "params, names",
    [
        ({"wait_timeout": 0}, "'wait_timeout' must be at least 1"),
        ({"wait_timeout": 86401}, "at most 86400"),
        ({"wait_timeout": 10**400}, "at most 86400"),
        ({"wait_sleep": 0}, "'wait_sleep' must be more than 0"),
        ({"wait_sleep": -1.0}, "'wait_sleep' must be more than 0"),
        ({"wait_sleep": float("nan")}, "'wait_sleep' must be more than 0"),
        ({"wait_sleep": float("inf")}, "must not exceed 'wait_timeout'"),
        ({"wait_timeout": 5, "wait_sleep": 6}, "must not exceed 'wait_timeout'"),
    ],
)
def test_bad_wait_options_name_the_option_and_the_fix(params, names):
    with pytest.raises(ConfigurationError) as info:
        WaitOptions.from_params(params)
    assert names in str(info.value)
    assert len(str(info.value)) < 200


def test_a_tiny_sleep_is_raised_to_the_floor_with_one_warning_when_the_wait_starts():
    options = WaitOptions.from_params({"wait_timeout": 2, "wait_sleep": 0.01})
    assert options.sleep == MIN_POLL_INTERVAL
    warnings = []
    options.announce(warnings.append)
    assert len(warnings) == 1 and "wait_sleep 0.01 s is below the 0.5 s floor" in warnings[0]
    quiet = []
    WaitOptions.from_params({"wait_sleep": 1}).announce(quiet.append)
    assert quiet == []
