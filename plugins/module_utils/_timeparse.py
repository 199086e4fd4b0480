# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.dms contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""One explicit parser for the times users give (begin_time, end_time) and the API returns (created_at).

Why not ``datetime.fromisoformat``: what it accepts grew a lot in Python 3.11 (basic formats, week dates, any
fraction length, ``+0800``), so a playbook that passes on a 3.11 host would fail on a 3.9 one. This module uses only
regular expressions with ASCII classes and integer arithmetic, so every supported Python (3.9 to 3.13) accepts and
rejects exactly the same strings and gives the same result.

Accepted forms (``TIME_FORMATS`` is the text the option docs and the error messages show):

1. ``YYYYMMDDHHmmss``: the API's own form, in UTC (``20240115083000``).
2. ISO 8601 extended form ``YYYY-MM-DDTHH:MM[:SS[.fraction]]`` followed by ``Z`` or an offset ``+HH:MM``, ``-HH:MM``,
   ``+HHMM`` or ``-HHMM``. ``T`` and ``Z`` may be lower case; the fraction separator may be ``.`` or ``,``; the fraction
   may have any number of digits and is cut (not rounded) to whole seconds, the API's resolution.

Deliberately rejected, with a message that says what to change:

- an ISO time without ``Z`` or an offset: in ISO 8601 that is local time, and the managed host's zone is not a safe
  guess (taking it as UTC silently shifted a window by the host's offset);
- a space instead of ``T`` between date and time, a date alone, week or ordinal dates, ISO basic form
  (``20240115T083000Z``), hour 24, leap second 60, offsets of 24 hours or more, non-ASCII digits;
- any value whose UTC instant falls outside years 0001..9999 (for example ``0001-01-01T00:00:00+01:00``).

Leading and trailing ASCII whitespace is ignored. For server values (``created_at``), a missing zone means UTC, the
zone the API documents; there a value that does not parse is simply unordered (see ``sort_key``).
"""

from __future__ import annotations

import re
from datetime import date
from typing import NamedTuple, Optional

TIME_FORMATS = (
    "YYYYMMDDHHmmss in UTC (the API's form, e.g. 20240115083000)"
    " or ISO 8601 YYYY-MM-DDTHH:MM[:SS[.fraction]] ending in Z or an offset +HH:MM, -HH:MM, +HHMM or -HHMM"
    " (e.g. 2024-01-15T08:30:00Z, 2024-01-15T16:30:00.5+08:00)"
)

_API_FORM = re.compile(
    r"(?P<year>[0-9]{4})(?P<month>[0-9]{2})(?P<day>[0-9]{2})"
    r"(?P<hour>[0-9]{2})(?P<minute>[0-9]{2})(?P<second>[0-9]{2})\Z"
)
_DATE = r"(?P<year>[0-9]{4})-(?P<month>[0-9]{2})-(?P<day>[0-9]{2})"
_CLOCK = r"(?P<hour>[0-9]{2}):(?P<minute>[0-9]{2})(?::(?P<second>[0-9]{2})(?:[.,](?P<fraction>[0-9]+))?)?"
_ZONE = r"(?P<zone>[Zz]|(?P<sign>[+-])(?P<zone_hour>[0-9]{2}):?(?P<zone_minute>[0-9]{2}))"
_ISO_FORM = re.compile(_DATE + "[Tt]" + _CLOCK + _ZONE + r"?\Z")
# Near misses, recognised only to say what to change.
_SPACE_SEPARATED = re.compile(_DATE + " +" + _CLOCK + " ?" + _ZONE + r"?\Z")
_DATE_ONLY = re.compile(_DATE + r"\Z")

_SECONDS_PER_DAY = 86400
_MAX_ORDINAL = date.max.toordinal()
_WHITESPACE = " \t\r\n"


class TimeFormatError(ValueError):
    """A time that is not one of TIME_FORMATS, or not a real instant; ``reason`` says which part is wrong."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


class UtcTime(NamedTuple):
    """An instant in UTC: whole seconds since 0001-01-01T00:00:00Z and the fraction's digits (no trailing zeros).

    Tuples compare field by field, and digit strings without trailing zeros compare as decimal fractions do
    ('5' > '49' as 0.5 > 0.49), so UtcTime values order by instant at any fraction length.
    """

    seconds: int
    fraction: str = ""

    def api_format(self) -> str:
        """The API's YYYYMMDDHHmmss (UTC, always 14 digits; the fraction is cut)."""
        days, rest = divmod(self.seconds, _SECONDS_PER_DAY)
        day = date.fromordinal(days + 1)
        hour, rest = divmod(rest, 3600)
        minute, second = divmod(rest, 60)
        # Not strftime: '%Y' does not zero-pad years before 1000 on every platform.
        return "%04d%02d%02d%02d%02d%02d" % (day.year, day.month, day.day, hour, minute, second)


def _field(match: "re.Match[str]", name: str) -> int:
    text = match.group(name)
    return int(text) if text else 0


def _days_in_month(year: int, month: int) -> int:
    if month == 2:
        return 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def _instant(match: "re.Match[str]") -> UtcTime:
    year, month, day = _field(match, "year"), _field(match, "month"), _field(match, "day")
    hour, minute, second = _field(match, "hour"), _field(match, "minute"), _field(match, "second")
    if year < 1:
        raise TimeFormatError("year 0000 does not exist (years are 0001 to 9999)")
    if not 1 <= month <= 12:
        raise TimeFormatError("month %02d is not 01 to 12" % month)
    if not 1 <= day <= _days_in_month(year, month):
        raise TimeFormatError("day %02d does not exist in %04d-%02d" % (day, year, month))
    if hour > 23:
        raise TimeFormatError("hour %02d is not 00 to 23" % hour)
    if minute > 59:
        raise TimeFormatError("minute %02d is not 00 to 59" % minute)
    if second > 59:
        raise TimeFormatError("second %02d is not 00 to 59 (leap seconds are not accepted)" % second)
    offset = 0
    groups = match.groupdict()
    if groups.get("sign"):
        zone_hour, zone_minute = _field(match, "zone_hour"), _field(match, "zone_minute")
        if zone_hour > 23 or zone_minute > 59:
            raise TimeFormatError("offset %s is not a UTC offset (-23:59 to +23:59)" % match.group("zone"))
        offset = (zone_hour * 3600 + zone_minute * 60) * (-1 if groups["sign"] == "-" else 1)
    local_days = date(year, month, day).toordinal() - 1
    seconds = local_days * _SECONDS_PER_DAY + hour * 3600 + minute * 60 + second - offset
    if not 0 <= seconds < _MAX_ORDINAL * _SECONDS_PER_DAY:
        raise TimeFormatError("it is out of the supported range: in UTC it falls outside the years 0001 to 9999")
    return UtcTime(seconds, (groups.get("fraction") or "").rstrip("0"))


def _near_miss(text: str) -> str:
    if _SPACE_SEPARATED.match(text):
        return "put 'T' between the date and the time, not a space"
    if _DATE_ONLY.match(text):
        return "a date alone is not accepted; give a time and a zone, e.g. %sT00:00:00Z" % text
    return "it is not one of the accepted formats"


def parse_time(value: str, zone_required: bool = True) -> UtcTime:
    """Parse one of TIME_FORMATS into UTC; TimeFormatError with the reason otherwise.

    zone_required=False (for the API's own created_at) takes an ISO time without a zone as UTC.
    """
    text = value.strip(_WHITESPACE)
    match = _API_FORM.match(text) or _ISO_FORM.match(text)
    if match is None:
        raise TimeFormatError(_near_miss(text))
    if zone_required and match.re is _ISO_FORM and not match.group("zone"):
        raise TimeFormatError(
            "an ISO 8601 time needs Z (UTC) or an offset such as +08:00; without one it means local time,"
            " which the module will not guess (add Z if the time is UTC)"
        )
    return _instant(match)


def option_to_api_time(value: Optional[object], option: str) -> Optional[str]:
    """An option's time (None passes through) as the API's UTC YYYYMMDDHHmmss; TimeFormatError with a full message."""
    if value is None:
        return None
    text = str(value)
    try:
        return parse_time(text).api_format()
    except TimeFormatError as err:
        raise TimeFormatError(
            "Option '%s' is not a valid date/time: %r: %s. Accepted formats: %s."
            % (option, text.strip(_WHITESPACE)[:80], err.reason, TIME_FORMATS)
        ) from None


def sort_key(value: object) -> tuple[int, UtcTime]:
    """Order key for the API's created_at: (1, instant) when it parses (zone-less means UTC), (0, ...) otherwise.

    Unparseable values (and non-strings such as epoch numbers, which the API does not document for tasks) sort
    before every parseable one, so 'the newest task' is never one whose time is unknown while another's is known.
    """
    if isinstance(value, str):
        try:
            return 1, parse_time(value, zone_required=False)
        except TimeFormatError:
            pass
    return 0, UtcTime(0)
