"""How the emulated cloud's state moves on: the one progression policy every timeline consults.

Three modes, per emulator and per instance (moto's state manager offers the same choice):
- ``time``: timelines run on the server clock, as the real service's tasks do (the default);
- ``immediate``: every task and change finishes on its next read (a task appears at once, whatever appear_after);
- ``manual``: nothing moves until ``advance``: ``advance(seconds=N)`` lets N seconds of timeline pass,
  ``advance(steps=N)`` moves every running task N phases on (whatever their seconds or polls say).

The policy is clock-like: a timeline asks its scope's `Pace` for a *progress reading* (seconds, comparable with the
reading when the timeline started) instead of the server clock. In ``time`` mode the reading is the server clock
(plus what ``advance`` fast-forwarded); in ``manual`` mode it stands still between advances; in ``immediate`` mode it
is infinitely far on. The timestamps a task shows (created_at, updated_at) stay on the server clock.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass
from typing import Any, Dict, Optional, Tuple

MODES = ("time", "immediate", "manual")
Scope = Tuple[str, str]  # (project_id, instance_id)
MAX_ADVANCE_SECONDS = 10 * 365 * 86400.0


def parse_mode(value: Any, what: str = "progression") -> str:
    if value not in MODES:
        raise ValueError("%s must be one of %s, got %r" % (what, ", ".join(MODES), value))
    return value


@dataclass
class _Setting:
    """One scope's mode and its progress clock: reading = server now + offset (time), frozen (manual)."""

    mode: str
    offset: float = 0.0
    frozen: float = 0.0
    steps: int = 0

    def reading(self, now: float) -> float:
        if self.mode == "immediate":
            return math.inf
        if self.mode == "manual":
            return self.frozen
        return now + self.offset

    def start(self, now: float) -> float:
        """The reading to record for something that starts now: finite even in immediate mode."""
        return now + self.offset if self.mode == "immediate" else self.reading(now)

    def switch(self, mode: str, now: float) -> None:
        """Change mode without a jump of the progress clock (immediate's infinite reading is not carried over)."""
        current = self.start(now)
        if mode == "manual":
            self.frozen = current
        elif mode == "time":
            self.offset = current - now
        self.mode = mode

    def advance(self, seconds: float, steps: int) -> None:
        if self.mode == "manual":
            self.frozen += seconds
        else:
            self.offset += seconds
        self.steps += steps


class Progression:
    """The emulator-wide mode, per-instance overrides and their progress clocks; thread-safe."""

    def __init__(self, mode: str = "time") -> None:
        self._lock = threading.RLock()
        self.start_mode = parse_mode(mode)
        self.reset()

    def reset(self, mode: Optional[str] = None) -> None:
        """Back to the start mode (or `mode`, which becomes the start mode), no per-instance overrides."""
        with self._lock:
            if mode is not None:
                self.start_mode = parse_mode(mode)
            self._global = _Setting(self.start_mode)
            self._scoped: Dict[Scope, _Setting] = {}

    def _setting(self, scope: Optional[Scope]) -> _Setting:
        return self._scoped.get(scope, self._global) if scope is not None else self._global

    def pace(self, scope: Optional[Scope]) -> "Pace":
        """What a timeline of this instance (None: emulator-wide) consults; follows later mode changes."""
        return Pace(self, scope)

    def mode(self, scope: Optional[Scope] = None) -> str:
        with self._lock:
            return self._setting(scope).mode

    def reading(self, scope: Optional[Scope], now: float) -> float:
        with self._lock:
            return self._setting(scope).reading(now)

    def start(self, scope: Optional[Scope], now: float) -> float:
        with self._lock:
            return self._setting(scope).start(now)

    def steps(self, scope: Optional[Scope]) -> int:
        with self._lock:
            return self._setting(scope).steps

    def set_mode(self, mode: str, now: float, scope: Optional[Scope] = None) -> None:
        """Emulator-wide (scope None: instances without their own mode follow) or for one instance."""
        mode = parse_mode(mode)
        with self._lock:
            if scope is None:
                self._global.switch(mode, now)
                return
            if scope not in self._scoped:
                base = self._global
                self._scoped[scope] = _Setting(base.mode, base.offset, base.frozen, base.steps)
            self._scoped[scope].switch(mode, now)

    def advance(self, now: float, seconds: float = 0.0, steps: int = 0, scope: Optional[Scope] = None) -> None:
        """Let `seconds` of timeline pass and/or move running tasks `steps` phases on (see the module's doc)."""
        if (
            isinstance(seconds, bool)
            or not isinstance(seconds, (int, float))
            or not 0 <= seconds <= MAX_ADVANCE_SECONDS
        ):
            raise ValueError("advance: seconds must be a number from 0 to %d" % MAX_ADVANCE_SECONDS)
        if isinstance(steps, bool) or not isinstance(steps, int) or not 0 <= steps <= 1000:
            raise ValueError("advance: steps must be an integer from 0 to 1000")
        with self._lock:
            if scope is not None:
                if scope not in self._scoped:
                    # The instance gets a progress clock of its own, so the others stay where they are.
                    self.set_mode(self._global.mode, now, scope)
                self._scoped[scope].advance(float(seconds), steps)
                return
            self._global.advance(float(seconds), steps)
            for setting in self._scoped.values():
                setting.advance(float(seconds), steps)

    def describe(self, now: float) -> Dict[str, Any]:
        with self._lock:
            return {
                "mode": self._global.mode,
                "start_mode": self.start_mode,
                "instances": [
                    {"project_id": project_id, "instance_id": instance_id, "mode": setting.mode}
                    for (project_id, instance_id), setting in sorted(self._scoped.items())
                ],
            }


class Pace:
    """One scope's view of the progression: what `TimelineCursor` (and any state that passes with time) reads."""

    def __init__(self, progression: Progression, scope: Optional[Scope]) -> None:
        self.progression = progression
        self.scope = scope

    @property
    def mode(self) -> str:
        return self.progression.mode(self.scope)

    def reading(self, now: float) -> float:
        """Progress time: compare it only with another reading of the same pace (a start, a deadline)."""
        return self.progression.reading(self.scope, now)

    def start(self, now: float) -> float:
        """The reading to record when something starts now (finite even in immediate mode)."""
        return self.progression.start(self.scope, now)

    @property
    def steps(self) -> int:
        return self.progression.steps(self.scope)
