# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The time parser behind begin_time/end_time and created_at ordering.

The module runs on the managed host's Python (3.9 to 3.13), so these tables are the contract: tools/test.sh and
tools/timeparse_all_pythons.sh run this file under every Python found, and each must give exactly these results.
Only the standard library and pytest are imported, so no other package is needed in those interpreters.
"""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta, timezone

import pytest

from ansible_collections.hwcloud.dms.plugins.module_utils._timeparse import (
    TIME_FORMATS,
    TimeFormatError,
    UtcTime,
    option_to_api_time,
    parse_time,
    sort_key,
)

# input -> the API time it must give, on every Python.
ACCEPTED = {
    "20240115083000": "20240115083000",
    "00010101000000": "00010101000000",
    "99991231235959": "99991231235959",
    "2024-01-15T08:30:00Z": "20240115083000",
    "2024-01-15t08:30:00z": "20240115083000",
    "2024-01-15T08:30Z": "20240115083000",
    "2024-01-15T08:30:00.5Z": "20240115083000",
    "2024-01-15T08:30:00,5Z": "20240115083000",
    "2024-01-15T08:30:00.999999999Z": "20240115083000",  # nanoseconds: cut, not rounded up to the next second
    "2024-01-15T08:30:59.9999999999999999999Z": "20240115083059",
    "2024-01-15T16:30:00+08:00": "20240115083000",
    "2024-01-15T16:30:00+0800": "20240115083000",
    "2024-01-14T22:30:00-10:00": "20240115083000",
    "2024-01-14T22:30:00-1000": "20240115083000",
    "2024-01-15T08:30:00+00:00": "20240115083000",
    "2024-01-15T08:30:00-00:00": "20240115083000",
    "2024-01-15T14:15:00+05:45": "20240115083000",
    "2024-01-15T08:30:00.123456+08:00": "20240115003000",
    "2024-01-01T05:00:00+08:00": "20231231210000",  # crosses a year
    "2024-03-01T00:00:00+00:01": "20240229235900",  # into a leap day
    "2024-02-29T23:59:59-23:59": "20240301235859",
    "0001-01-01T00:00:00Z": "00010101000000",
    "0001-01-01T00:00:00-01:00": "00010101010000",
    "0999-01-01T00:00:00Z": "09990101000000",
    "9999-12-31T23:59:59Z": "99991231235959",
    "9999-12-31T23:59:59+01:00": "99991231225959",
    " 2024-01-15T08:30:00Z\t": "20240115083000",
    "\n20240115083000 ": "20240115083000",
}

# input -> words its error reason must contain, on every Python. Several of these parse with
# datetime.fromisoformat on 3.11+ but not on 3.9; here they are rejected everywhere.
REJECTED = {
    "": "not one of the accepted formats",
    "yesterday": "not one of the accepted formats",
    "2024-01-15T08:30:00": "needs Z (UTC) or an offset",
    "2024-01-15T08:30": "needs Z (UTC) or an offset",
    "2024-01-15T08:30:00.123": "needs Z (UTC) or an offset",
    "2024-01-15 08:30": "put 'T' between the date and the time",
    "2024-01-15 08:30:00Z": "put 'T' between the date and the time",
    "2024-01-15  08:30:00+08:00": "put 'T' between the date and the time",
    "2024-01-15": "a date alone is not accepted",
    "20240115": "not one of the accepted formats",
    "2024-W03-1": "not one of the accepted formats",
    "2024-W03-1T08:30:00Z": "not one of the accepted formats",
    "2024-015T08:30:00Z": "not one of the accepted formats",
    "20240115T083000Z": "not one of the accepted formats",
    "20240115T083000": "not one of the accepted formats",
    "2024-01-15T083000Z": "not one of the accepted formats",
    "2024-01-15T08Z": "not one of the accepted formats",
    "2024-01-15T08:30:00+08": "not one of the accepted formats",
    "2024-01-15T08:30:00+8:00": "not one of the accepted formats",
    "2024-01-15T08:30:00 Z": "not one of the accepted formats",
    "2024-01-15T08:30:00+08:00:00": "not one of the accepted formats",
    "2024-01-15T08:30:00.Z": "not one of the accepted formats",
    "2024-01-15T08:30.5Z": "not one of the accepted formats",
    "2024-01-15T08:30:00ZZ": "not one of the accepted formats",
    "2024-01-15T08:30:00UTC": "not one of the accepted formats",
    "2024-01-15T08:30:00GMT+08:00": "not one of the accepted formats",
    "+2024-01-15T08:30:00Z": "not one of the accepted formats",
    "12024-01-15T08:30:00Z": "not one of the accepted formats",
    "24-01-15T08:30:00Z": "not one of the accepted formats",
    "2024-1-15T08:30:00Z": "not one of the accepted formats",
    "2024/01/15T08:30:00Z": "not one of the accepted formats",
    "202401150830": "not one of the accepted formats",
    "2024011508300": "not one of the accepted formats",
    "202401150830000": "not one of the accepted formats",
    "1705307400": "not one of the accepted formats",
    "1705307400000": "not one of the accepted formats",
    "\u0662\u0660\u0662\u0664-01-15T08:30:00Z": "not one of the accepted formats",  # Arabic-Indic digits
    "\uff12\uff10\uff12\uff14\uff10\uff11\uff11\uff15\uff10\uff18\uff13\uff10\uff10\uff10": "not one of the accepted formats",
    "2024-01-15T08:30:00Z\n2024": "not one of the accepted formats",
    "2024-01-15T08:30:00\u00a0Z": "not one of the accepted formats",
    "\u00a02024-01-15T08:30:00Z": "not one of the accepted formats",
    "00000101000000": "year 0000 does not exist",
    "0000-01-01T00:00:00Z": "year 0000 does not exist",
    "20241301000000": "month 13 is not 01 to 12",
    "2024-00-10T00:00:00Z": "month 00 is not 01 to 12",
    "2024-02-30T00:00:00Z": "day 30 does not exist in 2024-02",
    "2023-02-29T00:00:00Z": "day 29 does not exist in 2023-02",
    "1900-02-29T00:00:00Z": "day 29 does not exist in 1900-02",
    "20240431000000": "day 31 does not exist in 2024-04",
    "2024-01-00T00:00:00Z": "day 00 does not exist",
    "20240115250000": "hour 25 is not 00 to 23",
    "2024-01-15T24:00:00Z": "hour 24 is not 00 to 23",
    "2024-01-15T08:60:00Z": "minute 60 is not 00 to 59",
    "2016-12-31T23:59:60Z": "leap seconds are not accepted",
    "2024-01-15T08:30:00+24:00": "is not a UTC offset",
    "2024-01-15T08:30:00-0960": "is not a UTC offset",
    "0001-01-01T00:00:00+01:00": "out of the supported range",
    "0001-01-01T00:59:59+01:00": "out of the supported range",
    "9999-12-31T23:59:59-01:00": "out of the supported range",
    "9999-12-31T23:00:00-01:00": "out of the supported range",
}


@pytest.mark.parametrize("text, expected", sorted(ACCEPTED.items()))
def test_accepted_inputs_give_the_same_api_time_everywhere(text, expected):
    assert parse_time(text).api_format() == expected
    assert option_to_api_time(text, "begin_time") == expected


@pytest.mark.parametrize("text, reason", sorted(REJECTED.items()))
def test_rejected_inputs_name_the_reason_everywhere(text, reason):
    with pytest.raises(TimeFormatError) as info:
        parse_time(text)
    assert reason in info.value.reason


@pytest.mark.parametrize("text", sorted(REJECTED))
def test_option_errors_name_the_option_the_value_and_every_format(text):
    with pytest.raises(TimeFormatError) as info:
        option_to_api_time(text, "end_time")
    message = str(info.value)
    assert message.startswith("Option 'end_time' is not a valid date/time: ")
    assert repr(text.strip(" \t\r\n")[:80]) in message
    assert message.endswith("Accepted formats: %s." % TIME_FORMATS)
    assert "YYYYMMDDHHmmss" in message and "ISO 8601" in message and "+HHMM" in message


def test_never_overflow_error_at_the_edges_of_the_calendar():
    # datetime's astimezone() raises OverflowError for these on every Python; the parser must say "out of range".
    for text in ("0001-01-01T00:00:00+23:59", "9999-12-31T23:59:59-23:59"):
        with pytest.raises(TimeFormatError) as info:
            parse_time(text)
        assert "out of the supported range" in info.value.reason
    assert parse_time("0001-01-01T23:59:00+23:59").api_format() == "00010101000000"
    assert parse_time("9999-12-31T00:00:59-23:59").api_format() == "99991231235959"


def test_option_none_passes_through_and_non_strings_are_read_as_text():
    assert option_to_api_time(None, "begin_time") is None
    # YAML reads an unquoted 20240115083000 as an int; Ansible turns a str option's int into text.
    assert option_to_api_time(20240115083000, "begin_time") == "20240115083000"


def test_long_values_are_cut_in_the_message():
    with pytest.raises(TimeFormatError) as info:
        option_to_api_time("x" * 5000, "begin_time")
    assert len(str(info.value)) < 600


# --- against an independent oracle: datetime constructors and timedelta arithmetic (stable on every Python) -----


def _oracle(year, month, day, hour, minute, second, offset_minutes):
    local = datetime(year, month, day, hour, minute, second, tzinfo=timezone(timedelta(minutes=offset_minutes)))
    utc = local - local.utcoffset()
    return "%04d%02d%02d%02d%02d%02d" % (utc.year, utc.month, utc.day, utc.hour, utc.minute, utc.second)


def _zone_text(offset_minutes, colon):
    sign = "-" if offset_minutes < 0 else "+"
    hours, minutes = divmod(abs(offset_minutes), 60)
    return "%s%02d%s%02d" % (sign, hours, ":" if colon else "", minutes)


@pytest.mark.parametrize("year", [1, 2, 999, 1900, 1970, 2000, 2023, 2024, 2100, 9998, 9999])
def test_iso_times_match_datetime_arithmetic(year):
    checked = 0
    for month, day, (hour, minute, second), offset in itertools.product(
        (1, 2, 3, 12),
        (1, 28, 29, 31),
        ((0, 0, 0), (0, 30, 59), (12, 0, 0), (23, 59, 59)),
        (0, 1, -1, 330, -345, 480, -600, 23 * 60 + 59, -(23 * 60 + 59)),
    ):
        text = "%04d-%02d-%02dT%02d:%02d:%02d" % (year, month, day, hour, minute, second)
        try:
            expected = _oracle(year, month, day, hour, minute, second, offset)
        except (ValueError, OverflowError):
            expected = None  # not a date, or its UTC instant is outside datetime's range
        for colon in (True, False):
            zoned = text + _zone_text(offset, colon)
            if expected is None:
                with pytest.raises(TimeFormatError):
                    parse_time(zoned)
            else:
                assert parse_time(zoned).api_format() == expected, zoned
                checked += 1
    assert checked > 100


# --- created_at ordering ------------------------------------------------------------------------------------------


def test_created_at_without_zone_is_utc_the_zone_the_api_documents():
    assert parse_time("2024-01-15T08:30:00.123", zone_required=False) == parse_time("2024-01-15T08:30:00.123Z")
    assert sort_key("2024-01-15T08:30:00") == (1, parse_time("2024-01-15T08:30:00Z"))


def test_sort_key_orders_fractions_of_any_length_as_numbers():
    ordered = [
        "2024-01-15T08:30:00Z",
        "2024-01-15T08:30:00.000000001Z",
        "2024-01-15T08:30:00.09Z",
        "2024-01-15T08:30:00.1Z",
        "2024-01-15T08:30:00.100001Z",
        "2024-01-15T08:30:00.49Z",
        "2024-01-15T08:30:00.5Z",
        "2024-01-15T08:30:00.999999999999Z",
        "2024-01-15T08:30:01Z",
    ]
    assert sorted(reversed(ordered), key=sort_key) == ordered
    assert sort_key("2024-01-15T08:30:00.500Z") == sort_key("2024-01-15T08:30:00.5Z")


def test_sort_key_compares_instants_across_offsets():
    assert sort_key("2024-01-15T16:00:00+08:00") < sort_key("2024-01-15T08:00:00.001Z")
    assert sort_key("2024-01-15T03:31:00-05:00") > sort_key("2024-01-15T08:30:59.999Z")


@pytest.mark.parametrize(
    "value",
    [
        None,
        1705307400000,
        1705307400.0,
        "",
        "yesterday",
        "2024-01-15 08:30:00",
        ["2024-01-15T08:30:00Z"],
        "2024-02-30T00:00:00Z",
    ],
)
def test_sort_key_puts_what_does_not_parse_before_everything_that_does(value):
    assert sort_key(value) < sort_key("0001-01-01T00:00:00Z")
    assert sort_key(value) == (0, UtcTime(0))
