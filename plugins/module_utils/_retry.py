# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.dms contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The retry policy: which failed attempt is tried again, how often, and the pause first (backoff, Retry-After).

Written here rather than taken from urllib3's ``Retry``: its constructor and attributes differ between urllib3 1.x
(what RHEL 9, Ubuntu 22.04 and Debian 12 ship with their python3-requests) and 2.x (``backoff_max`` and
``backoff_jitter`` exist only in 2.x), and the client drives its own loop anyway (every attempt is signed anew and
every pause is clipped to the run's deadline), so only the counting and the arithmetic were ever used. The header
date is read by the standard library's ``email.utils``, as HTTP dates are RFC 5322 dates.
"""

from __future__ import annotations

import email.utils
import random
import re
import time
from typing import Callable, Optional

try:
    import requests
    from urllib3.exceptions import ConnectTimeoutError
except ImportError:  # pragma: no cover - _http reports the missing library with missing_required_lib
    requests = None  # type: ignore[assignment]

# Methods that may be sent twice with the effect of once (RFC 9110 §9.2.2). Any other method is retried only when the
# server cannot have acted on it: a 429 (the gateway throttled it) or a connection that failed before the request went out.
IDEMPOTENT_METHODS = frozenset(("GET", "HEAD", "OPTIONS", "PUT", "DELETE"))
BACKOFF_FACTOR = 0.5
BACKOFF_MAX = 20.0
BACKOFF_JITTER = 0.5
# A Retry-After larger than this is not waited for in full (the deadline may clip it further).
RETRY_AFTER_MAX = 60.0
# ...and all the Retry-After pauses of one module run together wait at most this long (not 60 s per retry).
RETRY_AFTER_BUDGET = 60.0
# No retry follows sooner than this, whatever Retry-After says (``Retry-After: 0`` made 21 requests in 0.64 s).
MIN_RETRY_PAUSE = 0.5

# RFC 9110 §10.2.3: Retry-After is either a number of whole seconds or an HTTP date.
_DELAY_SECONDS = re.compile(r"^\s*[0-9]+\s*$")


class RetryPolicy:
    """The retry count of one request and the pause before each retry.

    The first retry follows at once (the caller's floor applies), then the pause doubles from ``backoff_factor``
    up to ``backoff_max``, plus up to ``backoff_jitter`` seconds at random so that many clients throttled together
    do not come back together.
    """

    def __init__(
        self,
        retries: int,
        backoff_factor: float = BACKOFF_FACTOR,
        backoff_max: float = BACKOFF_MAX,
        backoff_jitter: float = BACKOFF_JITTER,
        jitter_source: Callable[[], float] = random.random,
    ) -> None:
        self.retries_left = max(int(retries), 0)
        self.failures = 0
        self.backoff_factor = backoff_factor
        self.backoff_max = backoff_max
        self.backoff_jitter = backoff_jitter
        self.jitter_source = jitter_source

    def record_failure(self) -> bool:
        """Count one failed attempt; True if another attempt is allowed."""
        self.failures += 1
        if self.retries_left <= 0:
            return False
        self.retries_left -= 1
        return True

    def backoff(self) -> float:
        """Seconds to pause before the next attempt when the server did not say (no usable Retry-After)."""
        if self.failures <= 1:
            return 0.0
        pause = self.backoff_factor * (2 ** (self.failures - 1)) + self.jitter_source() * self.backoff_jitter
        return max(0.0, min(self.backoff_max, pause))


def retry_after_seconds(value: Optional[str], now: Callable[[], float] = time.time) -> Optional[float]:
    """Seconds a Retry-After header value asks to wait (0 for a date in the past), or None when absent or malformed."""
    if value is None:
        return None
    if _DELAY_SECONDS.match(value):
        # float() of any digit string is finite or inf, never an error (int() refuses over 4 300 digits).
        return float(value.strip())
    try:
        parsed = email.utils.parsedate_tz(value)
        if parsed is None:
            return None
        return max(float(email.utils.mktime_tz(parsed)) - now(), 0.0)
    except (ValueError, OverflowError, TypeError, IndexError):
        # A date no calendar has (year 99999, day 99) is as malformed as text.
        return None


def never_reached_server(status: int, error: Optional[BaseException]) -> bool:
    """A 429 (refused by the gateway's throttle) or a connection that was never established: safe to send again.

    What a request that is not idempotent may be retried after; any other failure may hide a change already made.
    """
    if error is None:
        return status == 429
    if isinstance(error, requests.exceptions.ConnectTimeout):
        return True
    # requests wraps urllib3's MaxRetryError, whose reason says which phase failed; NewConnectionError (refused,
    # unreachable, DNS) is a ConnectTimeoutError subclass. A connection reset after sending stays ambiguous.
    reason = getattr(error.args[0], "reason", None) if error.args else None
    return isinstance(error, requests.exceptions.ConnectionError) and isinstance(reason, ConnectTimeoutError)


def retried_transport_error(error: BaseException) -> bool:
    """A connection error, a timeout or a body cut mid-way: another attempt may succeed. TLS errors are final."""
    if isinstance(error, requests.exceptions.SSLError):
        return False
    return isinstance(
        error,
        (
            requests.exceptions.ConnectionError,
            requests.exceptions.Timeout,
            requests.exceptions.ChunkedEncodingError,
            OSError,
        ),
    )
