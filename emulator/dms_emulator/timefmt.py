"""Conversions between epoch seconds and the three time formats the API uses."""

from __future__ import annotations

import calendar
import time
from datetime import datetime, timezone

SDK_DATE_FORMAT = "%Y%m%dT%H%M%SZ"  # X-Sdk-Date header
QUERY_TIME_FORMAT = "%Y%m%d%H%M%S"  # begin_time / end_time query parameters


def iso_ms(epoch: float) -> str:
    """ISO-8601 UTC with milliseconds and Z, the form of the docs example ("2020-06-15T08:55:53.606Z")."""
    millis = int(round(epoch * 1000))
    seconds, ms = divmod(millis, 1000)
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds)) + ".%03dZ" % ms


def parse_iso(value: str) -> float:
    """Parse an ISO-8601 UTC timestamp (with or without fraction, Z or +00:00) into epoch seconds."""
    text = value.strip()
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    parsed = datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.timestamp()


def _parse_utc(value: str, fmt: str) -> float:
    # strptime alone would accept shorter fields ("2024115..."); insist on the exact width.
    parsed = time.strptime(value, fmt)
    if time.strftime(fmt, parsed) != value:
        raise ValueError("not in format %s: %r" % (fmt, value))
    return float(calendar.timegm(parsed))


def parse_query_time(value: str) -> float:
    """Parse begin_time/end_time (YYYYMMDDHHmmss, UTC); ValueError when malformed."""
    if len(value) != 14 or not value.isdigit():
        raise ValueError("expected YYYYMMDDHHmmss: %r" % value)
    return _parse_utc(value, QUERY_TIME_FORMAT)


def parse_sdk_date(value: str) -> float:
    """Parse X-Sdk-Date (20240115T083000Z, UTC); ValueError when malformed."""
    return _parse_utc(value, SDK_DATE_FORMAT)


def format_sdk_date(epoch: float) -> str:
    return time.strftime(SDK_DATE_FORMAT, time.gmtime(epoch))
