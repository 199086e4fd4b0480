# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.dms contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The server's clock as seen from here: learned from the ``Date`` header, used to translate query times.

DMS filters ``begin_time``/``end_time`` against ``created_at`` on *its* clock, while a playbook notes
``now(utc=true)`` on the controller's. A controller 20 s ahead makes the API filter the new task out.
Every answer carries ``Date`` (HTTP-date, whole seconds), stamped by the server at some
instant between our sending the request and receiving the answer, so each answer bounds the offset
(server minus controller)::

    floor(S) = D, S in [D, D + 1), t in [sent, received], S = t + offset
    =>  D - received  <=  offset  <  D + 1 - sent

Bounds from several answers are intersected. A window edge moves by the bound that can only widen it
(begin by the lower bound, end by the upper bound) plus ``STAMP_MARGIN``, so a task created after the
noted time is never filtered out, while the window opens at most about 2 s + one round trip before the
noted instant on the server's clock — far too little for an older task of the same name (a minute
earlier, say) to slip in.

Other sources were considered and rejected (docs/authentication.md, "Clocks"): ``X-Sdk-Date`` is our
own clock echoed back; the ``created_at`` of a fresh task is only known once the task is found, which
is what the translation is needed for; an IAM token's ``issued_at`` comes from IAM's hosts, not DMS's,
and only with password auth; the gateway's "signature expired" text appears only past 15 minutes.

No Ansible import: plain pytest tests this module.
"""

from __future__ import annotations

import calendar
import math
import re
import time
from email.utils import parsedate_tz
from typing import Optional

# HTTP-date has whole seconds: the server's instant is somewhere in [D, D + 1).
HTTP_DATE_RESOLUTION = 1.0
# created_at is stamped by DMS's hosts, Date by the gateway's; NTP keeps cloud hosts within milliseconds,
# so one extra second is plenty, and small enough that no older task of the same name can match.
STAMP_MARGIN = 1.0
# Beyond this, the skew gets one warning: it is no rounding effect but a clock that needs fixing.
WARN_SKEW = 5.0
# The gateway rejects signatures whose X-Sdk-Date is more than this far off its clock (its APIGW.0303 answer).
GATEWAY_MAX_SKEW = 15 * 60.0
API_TIME_FORMAT = "%Y%m%d%H%M%S"
_API_TIME = re.compile(r"^\d{14}$")
_SIGNATURE_TIMES = re.compile(r"signature time:\s*(\d{8}T\d{6}Z).*?server time:\s*(\d{8}T\d{6}Z)", re.IGNORECASE)
SIGNATURE_EXPIRED_CODES = frozenset(("APIGW.0303",))


def parse_http_date(value: Optional[str]) -> Optional[int]:
    """Epoch seconds of an HTTP-date (IMF-fixdate, or the obsolete RFC 850/asctime forms); None if unusable."""
    if not value or not isinstance(value, str):
        return None
    try:
        parts = parsedate_tz(value.strip())
    except (TypeError, ValueError, IndexError):
        return None
    if parts is None:
        return None
    try:
        # email.utils parses the date; not its mktime_tz for the instant: it reads a date without a zone as local time.
        seconds = calendar.timegm(parts[:6] + (0, 0, 0)) - (parts[9] or 0)
    except (OverflowError, ValueError, TypeError):
        return None
    # A year 1970 or 9999 Date is a broken proxy, not a clock: ignore it rather than translate by decades.
    if not 946684800 <= seconds <= 32503680000:
        return None
    return int(seconds)


def api_time_to_epoch(value: str) -> int:
    """UTC ``YYYYMMDDHHmmss`` (what to_api_time produced) to epoch seconds; ValueError when malformed."""
    if not _API_TIME.match(value or ""):
        raise ValueError("not YYYYMMDDHHmmss: %r" % (value,))
    return calendar.timegm(time.strptime(value, API_TIME_FORMAT))


# The API's 14 digits reach from 0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z; a translated edge stays inside.
API_TIME_MIN = -62135596800
API_TIME_MAX = 253402300799


def epoch_to_api_time(seconds: float) -> str:
    moment = time.gmtime(min(max(math.floor(seconds), API_TIME_MIN), API_TIME_MAX))
    # Not strftime('%Y'): it does not zero-pad years before 1000 everywhere, and the API needs 14 digits.
    return "%04d%02d%02d%02d%02d%02d" % moment[:6]


def iso_utc(seconds: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(math.floor(seconds)))


def describe_offset(offset: float) -> str:
    """'30 s behind' / '2 min 5 s ahead of' phrasing for messages: server relative to this host."""
    size = abs(offset)
    if size >= 120:
        whole = int(round(size))
        amount = "%d min %d s" % (whole // 60, whole % 60)
    else:
        amount = "%.0f s" % size if size >= 10 else "%.1f s" % size
    return "%s %s" % (amount, "ahead of" if offset > 0 else "behind")


class ServerClock:
    """Bounds on (server clock - this host's clock), narrowed by every answer's ``Date``.

    ``low``/``high`` are None until an answer with a usable Date was seen. All times are epoch
    seconds on this host's wall clock (``time.time()``), the clock a playbook's ``now()`` reads.
    """

    def __init__(self) -> None:
        self.low: Optional[float] = None
        self.high: Optional[float] = None
        self.observations = 0
        self.last_date: Optional[str] = None  # the header as received, for messages
        self.last_received: Optional[float] = None

    @property
    def known(self) -> bool:
        return self.low is not None and self.high is not None

    def observe(self, date_header: Optional[str], sent_at: float, received_at: float) -> bool:
        """Narrow the bounds with one answer's Date; False (and no change) when the header is absent or unusable."""
        stamped = parse_http_date(date_header)
        if stamped is None or received_at < sent_at:
            return False
        low = stamped - received_at
        high = stamped + HTTP_DATE_RESOLUTION - sent_at
        if self.known and max(low, self.low) <= min(high, self.high):
            low, high = max(low, self.low), min(high, self.high)
        # Disjoint bounds mean the server's clock was stepped (or another gateway host answered): trust the newest.
        self.low, self.high = low, high
        self.observations += 1
        self.last_date = date_header.strip() if isinstance(date_header, str) else None
        self.last_received = received_at
        return True

    @property
    def offset(self) -> Optional[float]:
        """Best estimate of server minus host, seconds (positive: the server runs ahead); None if unknown."""
        if not self.known:
            return None
        return round((self.low + self.high) / 2.0, 3)

    @property
    def measurable(self) -> bool:
        """True when the bounds exclude zero: the clocks provably differ by more than the header can hide."""
        return self.known and (self.low > 0 or self.high < 0)

    def to_server_begin(self, begin_time: Optional[str]) -> Optional[str]:
        """A controller-clock begin_time as the server's begin_time: early enough that no later task is missed."""
        if begin_time is None or not self.measurable:
            # Below the header's resolution the skew cannot be told; the time goes as given.
            return begin_time
        return epoch_to_api_time(api_time_to_epoch(begin_time) + self.low - STAMP_MARGIN)

    def to_server_end(self, end_time: Optional[str]) -> Optional[str]:
        """A controller-clock end_time (inclusive to the second) as the server's: late enough to miss nothing."""
        if end_time is None or not self.measurable:
            return end_time
        return epoch_to_api_time(math.ceil(api_time_to_epoch(end_time) + self.high + STAMP_MARGIN))

    def beyond(self, seconds: float) -> bool:
        """True when the skew is provably more than ``seconds`` either way."""
        return self.known and (self.low > seconds or self.high < -seconds)

    def skew_warning(self) -> Optional[str]:
        """The one warning for a skew beyond WARN_SKEW: both clocks' times, what was done, and the fix."""
        if not self.beyond(WARN_SKEW) or self.offset is None or self.last_received is None:
            return None
        return (
            "The DMS API's clock is about %s this host's: its answer was dated %s when this host's clock said %s."
            " Task times (created_at, updated_at) are the server's, and the times the hwcloud.dms modules filter"
            " tasks by (begin_time, end_time, a change's start) are translated to it; still, sync this host's clock"
            " with NTP (chronyd, systemd-timesyncd or ntpd): past 15 minutes of skew the API gateway rejects every"
            " signed request." % (describe_offset(self.offset), self.last_date, iso_utc(self.last_received))
        )

    def change_begin_time(self, date_header: Optional[str], sent_at: float, received_at: float) -> Optional[str]:
        """begin_time (server clock) for finding the task a change call started, from that call's own answer.

        The task was created while the server handled the call, i.e. no earlier than the answer's Date
        minus the call's round trip; ``STAMP_MARGIN`` covers DMS's hosts stamping created_at. Also
        records the answer like observe(). None when the answer has no usable Date: then use
        ``to_server_begin`` on a time noted before the call.
        """
        stamped = parse_http_date(date_header)
        if stamped is None or received_at < sent_at:
            return None
        self.observe(date_header, sent_at, received_at)
        return epoch_to_api_time(stamped - (received_at - sent_at) - STAMP_MARGIN)


def signature_expired_hint(error_code: Optional[str], error_msg: Optional[str], clock: Optional[ServerClock]) -> str:
    """For a gateway 'signature expired' 401: say that this host's clock is the cause, with both times; else ''."""
    if error_code not in SIGNATURE_EXPIRED_CODES and "signature expired" not in (error_msg or "").lower():
        return ""
    skew: Optional[float] = None
    times = ""
    found = _SIGNATURE_TIMES.search(error_msg or "")
    if found:
        try:
            signed = calendar.timegm(time.strptime(found.group(1).upper(), "%Y%m%dT%H%M%SZ"))
            server = calendar.timegm(time.strptime(found.group(2).upper(), "%Y%m%dT%H%M%SZ"))
        except ValueError:
            found = None
        else:
            skew = float(server - signed)
            times = " (this host signed at %s, the gateway's clock said %s)" % (iso_utc(signed), iso_utc(server))
    if (
        skew is None
        and clock is not None
        and clock.known
        and clock.offset is not None
        and clock.last_received is not None
    ):
        skew = clock.offset
        times = " (this host's clock said %s when the gateway dated its answer %s)" % (
            iso_utc(clock.last_received),
            clock.last_date,
        )
    if skew is None:
        return (
            ". The gateway judged the request's X-Sdk-Date more than 15 minutes off its clock: this host's clock is"
            " wrong. Sync it with NTP (chronyd, systemd-timesyncd or ntpd) and run again."
        )
    return (
        ". This host's clock is the cause: the API gateway's clock is %s it%s, and the gateway accepts signatures"
        " at most 15 minutes off. Sync this host's clock with NTP (chronyd, systemd-timesyncd or ntpd) and run again."
        % (describe_offset(skew), times)
    )
