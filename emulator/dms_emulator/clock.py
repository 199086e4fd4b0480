"""Time sources for the emulator: swappable base clocks and the one server clock every part asks.

`ServerClock` is the emulated cloud's clock: a base clock (the real one, or a `FakeClock` in unit tests)
plus a settable skew, so the server can run ahead of or behind the machine that calls it (issue 17).
Every route, the gateway, IAM, the task store and the `Date` header read `Emulator.clock.now()`; new
routes must too, never `time.time()`, or they would stop following `--clock-skew`.
"""

from __future__ import annotations

import math
import threading
import time
from email.utils import formatdate
from typing import Any, Optional


class SystemClock:
    """Wall-clock seconds since the epoch; what the running server uses."""

    def now(self) -> float:
        return time.time()


class FakeClock:
    """A clock that only moves when a test says so."""

    def __init__(self, start: float = 1705307400.0) -> None:
        # Default start is 2024-01-15T08:30:00Z, the date of the signing vectors.
        self._now = float(start)
        self._lock = threading.Lock()

    def now(self) -> float:
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._now += float(seconds)

    def set(self, value: float) -> None:
        with self._lock:
            self._now = float(value)


def parse_skew(value: Any, what: str = "clock skew") -> float:
    """Seconds as an int/float (or numeric string from the command line); ValueError otherwise."""
    if isinstance(value, bool):
        raise ValueError("%s must be a number of seconds, got %r" % (what, value))
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        raise ValueError("%s must be a number of seconds, got %r" % (what, value)) from None
    if not math.isfinite(seconds) or abs(seconds) > 10 * 365 * 86400:
        raise ValueError("%s must be a finite number of seconds within 10 years, got %r" % (what, value))
    return seconds


class ServerClock:
    """The emulated server's time: `base.now() + skew`. Positive skew = the server runs ahead of the caller.

    The base clock stands for the caller's (controller's) clock: the emulator runs on the same machine
    as the tests, so the skew is exactly how far the server's clock is off from the caller's.
    """

    def __init__(self, base: Optional[Any] = None, skew: float = 0.0) -> None:
        self.base = base if base is not None else SystemClock()
        self._lock = threading.Lock()
        self._skew = parse_skew(skew)

    @property
    def skew(self) -> float:
        with self._lock:
            return self._skew

    def set_skew(self, seconds: Any) -> float:
        value = parse_skew(seconds)
        with self._lock:
            self._skew = value
        return value

    def now(self) -> float:
        """Server time in epoch seconds: what created_at, filters, signature age and tokens use."""
        return self.base.now() + self.skew

    def http_date(self) -> str:
        """The `Date` header (RFC 9110 IMF-fixdate, whole seconds) on the server's clock."""
        return formatdate(self.now(), usegmt=True)

    def describe(self) -> dict:
        caller_now = self.base.now()
        skew = self.skew
        return {
            "skew": skew,
            "now": caller_now + skew,
            "caller_now": caller_now,
            "date": formatdate(caller_now + skew, usegmt=True),
        }
