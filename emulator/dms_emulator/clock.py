"""Time source for the emulator, swappable so timeline, skew and lockout tests need no sleeping."""
from __future__ import annotations

import threading
import time


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
