# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The server clock learned from Date headers and the translation of begin_time/end_time (issue 17), at the edges."""

from __future__ import annotations

import math
from email.utils import formatdate

import pytest

from ansible_collections.hwcloud.dms.plugins.module_utils._server_clock import (
    STAMP_MARGIN,
    ServerClock,
    api_time_to_epoch,
    describe_offset,
    epoch_to_api_time,
    parse_http_date,
    signature_expired_hint,
)

# 2024-01-15T08:30:00Z, a whole second.
T0 = 1705307400.0


def http_date(server_instant: float) -> str:
    """What a server writes: its instant truncated to the second."""
    return formatdate(math.floor(server_instant), usegmt=True)


def answer(clock: ServerClock, sent: float, offset: float, rtt: float = 0.02, stamped_after: float = 0.01) -> None:
    """One answer: sent at `sent` (host clock), stamped `stamped_after` later on a server `offset` off, back after `rtt`."""
    assert clock.observe(http_date(sent + stamped_after + offset), sent, sent + rtt)


# --- the header -------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "value, expected",
    [
        ("Mon, 15 Jan 2024 08:30:00 GMT", 1705307400),
        ("Monday, 15-Jan-24 08:30:00 GMT", 1705307400),  # RFC 850, obsolete but allowed to be received
        ("Mon Jan 15 08:30:00 2024", 1705307400),  # asctime
        ("Mon, 15 Jan 2024 16:30:00 +0800", 1705307400),
    ],
)
def test_http_date_forms(value, expected):
    assert parse_http_date(value) == expected


@pytest.mark.parametrize(
    "value", [None, "", "yesterday", "Thu, 01 Jan 1970 00:00:00 GMT", "Fri, 31 Dec 9999 23:59:59 GMT", 42]
)
def test_unusable_dates_are_ignored(value):
    clock = ServerClock()
    assert parse_http_date(value) is None
    assert clock.observe(value, T0, T0 + 0.1) is False and not clock.known


@pytest.mark.parametrize("server_date", ["Mon, 15 Jan 2024 08:29:30 GMT", "Mon, 15 Jan 2024 08:30:30 GMT"])
def test_translation_stays_within_the_apis_years(server_date):
    clock = ServerClock()
    clock.observe(server_date, T0, T0 + 0.02)
    for given in ("00010101000000", "99991231235959"):
        for sent in (clock.to_server_begin(given), clock.to_server_end(given)):
            assert len(sent) == 14 and "00010101000000" <= sent <= "99991231235959"


def test_api_time_round_trip():
    assert epoch_to_api_time(T0 + 0.999) == "20240115083000"
    assert api_time_to_epoch("20240115083000") == T0
    with pytest.raises(ValueError):
        api_time_to_epoch("2024-01-15")


# --- bounds -----------------------------------------------------------------------------------------------------
def test_bounds_at_a_second_boundary():
    clock = ServerClock()
    # Server instant 08:30:00.999 (clocks agree) is dated 08:30:00: the header hides almost a whole second.
    clock.observe("Mon, 15 Jan 2024 08:30:00 GMT", T0 + 0.98, T0 + 1.0)
    assert clock.low == pytest.approx(-1.0) and clock.high == pytest.approx(0.02)
    assert not clock.measurable
    # One tick later the server dates 08:30:01: the bounds narrow to the round trip around zero.
    clock.observe("Mon, 15 Jan 2024 08:30:01 GMT", T0 + 1.0, T0 + 1.02)
    assert clock.low == pytest.approx(-0.02) and clock.high == pytest.approx(0.02)
    assert clock.observations == 2 and clock.offset == pytest.approx(0.0)


def test_disjoint_answers_restart_from_the_newest():
    clock = ServerClock()
    answer(clock, T0, -30)
    answer(clock, T0 + 5, +30)  # the server's clock was stepped: the old bounds are void
    assert 29 <= clock.low <= clock.high <= 31


@pytest.mark.parametrize("phase", [0.0, 0.01, 0.5, 0.98, 0.999])
@pytest.mark.parametrize("offset", [-0.3, 0.0, 0.3])
def test_agreeing_clocks_barely_move_the_window_and_do_not_warn(phase, offset):
    clock = ServerClock()
    answer(clock, T0 + phase, offset)
    given = api_time_to_epoch("20240115083000")
    begin = api_time_to_epoch(clock.to_server_begin("20240115083000"))
    end = api_time_to_epoch(clock.to_server_end("20240115083500"))
    # Within the header's resolution the bounds usually contain zero and the times go as given; when one answer
    # happens to prove a sub-second skew, the window only widens, by the resolution, the round trip and the margin.
    assert given - 3 <= begin <= given
    assert given + 300 <= end <= given + 300 + 3
    assert clock.skew_warning() is None


def test_zero_skew_at_a_second_boundary_is_sent_as_given():
    clock = ServerClock()
    clock.observe("Mon, 15 Jan 2024 08:30:00 GMT", T0 + 0.98, T0 + 1.0)
    assert not clock.measurable
    assert clock.to_server_begin("20240115083000") == "20240115083000"
    assert clock.to_server_end("20240115083500") == "20240115083500"


def test_unknown_clock_sends_the_times_as_given():
    clock = ServerClock()
    assert clock.to_server_begin("20240115083000") == "20240115083000" and clock.to_server_end(None) is None
    assert clock.offset is None and clock.skew_warning() is None


# --- translation: never miss the new task, never take an older one ------------------------------------------------
OFFSETS = [-900.0, -30.0, -20.0, -1.5, -1.02, 1.02, 1.5, 20.0, 30.0, 900.0]
PHASES = [0.0, 0.001, 0.25, 0.5, 0.75, 0.999]
RTTS = [0.001, 0.05, 0.5]


@pytest.mark.parametrize("offset", OFFSETS)
@pytest.mark.parametrize("phase", PHASES)
@pytest.mark.parametrize("rtt", RTTS)
def test_begin_time_keeps_the_new_task_and_drops_one_a_minute_older(offset, phase, rtt):
    clock = ServerClock()
    noted = T0 + phase  # the playbook's now(); begin_time keeps whole seconds
    answer(clock, noted + 0.2, offset, rtt=rtt, stamped_after=rtt / 2)
    # One answer proves any skew beyond the header's resolution plus the round trip.
    assert clock.measurable or abs(offset) <= 1 + rtt
    given = epoch_to_api_time(noted)
    begin = api_time_to_epoch(clock.to_server_begin(given))
    new_created = noted + 0.01 + offset  # the change's task, just after the note, on the server's clock
    older_created = noted - 60 + offset  # the same kind of change a minute before
    if clock.measurable or offset > 0:
        assert begin <= new_created  # the API keeps created_at >= begin_time
    assert older_created < begin
    # The window opens at most resolution + round trip + margin (+ the whole second) before the given time.
    assert api_time_to_epoch(given) + offset - begin <= 1 + rtt + STAMP_MARGIN + 1


@pytest.mark.parametrize("offset", OFFSETS)
@pytest.mark.parametrize("phase", PHASES)
def test_end_time_keeps_every_task_up_to_the_end_of_its_second(offset, phase):
    clock = ServerClock()
    answer(clock, T0 + phase, offset)
    end_given = "20240115084000"
    end = api_time_to_epoch(clock.to_server_end(end_given))
    last_included = api_time_to_epoch(end_given) + 0.999 + offset  # created in the last instant end_time names
    assert last_included < end + 1  # the API keeps created_at < end_time + 1 s
    assert end - last_included <= 1 + 0.02 + STAMP_MARGIN + 1


def test_margin_exactly():
    clock = ServerClock()
    # Sent 08:30:10.000, back 08:30:10.100, dated 08:29:40 by a server 30 s behind: offset in [-30.1, -29.0).
    clock.observe("Mon, 15 Jan 2024 08:29:40 GMT", T0 + 10.0, T0 + 10.1)
    assert clock.low == pytest.approx(-30.1) and clock.high == pytest.approx(-29.0)
    # begin: 08:30:00 - 30.1 - 1 = 08:29:28.9 -> whole second 08:29:28.
    assert clock.to_server_begin("20240115083000") == "20240115082928"
    # end: 08:35:00 - 29.0 + 1 = 08:34:32 exactly, inclusive.
    assert clock.to_server_end("20240115083500") == "20240115083432"


def test_change_begin_time_anchors_on_the_change_answer():
    clock = ServerClock()
    sent, received = T0 + 0.4, T0 + 1.3
    server_offset = -30.0
    # The server created the task while handling the call and dated its answer after that.
    created = sent + 0.3 + server_offset
    date = http_date(received - 0.05 + server_offset)
    begin = api_time_to_epoch(clock.change_begin_time(date, sent, received))
    assert begin <= created and created - 60 < begin
    assert clock.known and clock.measurable  # the answer also taught the clock
    assert clock.change_begin_time(None, sent, received) is None


# --- messages ---------------------------------------------------------------------------------------------------
def test_warning_beyond_a_few_seconds_names_both_times_and_ntp():
    clock = ServerClock()
    answer(clock, T0, -4.0)
    assert clock.measurable and clock.skew_warning() is None  # translated, but not worth a warning
    clock = ServerClock()
    clock.observe("Mon, 15 Jan 2024 08:29:30 GMT", T0, T0 + 0.02)
    message = clock.skew_warning()
    assert "30 s behind this host's" in message
    assert "Mon, 15 Jan 2024 08:29:30 GMT" in message and "2024-01-15T08:30:00Z" in message
    assert "NTP" in message


def test_describe_offset():
    assert describe_offset(-30.2) == "30 s behind"
    assert describe_offset(1.5) == "1.5 s ahead of"
    assert describe_offset(16 * 60 + 5) == "16 min 5 s ahead of"
    assert describe_offset(-1199.6) == "20 min 0 s behind"


def test_signature_expired_names_the_clock_from_the_gateway_text():
    hint = signature_expired_hint(
        "APIGW.0303", "signature expired, signature time:20240115T083000Z, server time:20240115T084600Z", None
    )
    assert "This host's clock is the cause" in hint and "16 min 0 s ahead of it" in hint
    assert "2024-01-15T08:30:00Z" in hint and "2024-01-15T08:46:00Z" in hint and "NTP" in hint


def test_signature_expired_from_the_date_header_or_generic():
    clock = ServerClock()
    clock.observe("Mon, 15 Jan 2024 08:10:00 GMT", T0, T0 + 0.05)
    hint = signature_expired_hint("APIGW.0303", "signature expired", clock)
    assert "20 min 0 s behind it" in hint and "Mon, 15 Jan 2024 08:10:00 GMT" in hint
    assert "NTP" in signature_expired_hint(None, "Signature expired", ServerClock())
    assert signature_expired_hint("APIGW.0301", "verify aksk signature fail", clock) == ""
