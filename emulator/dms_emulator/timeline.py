"""Status scripts for tasks: which status a task shows, driven by elapsed time or by poll count.

A script is a list of phases, e.g.
  [{"status": "CREATED", "seconds": 1}, {"status": "EXECUTING", "seconds": 3}, {"status": "SUCCESS"}]
  [{"status": "CREATED", "polls": 2}, {"status": "EXECUTING", "polls": 3}, {"status": "FAILED"}]
A phase ends after `seconds` have passed since it began, or after it has been shown to `polls` GETs,
whichever comes first when both are given. The last phase (or one with neither) lasts forever.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, List, Optional, Sequence

if TYPE_CHECKING:
    from .progression import Pace


@dataclass(frozen=True)
class Phase:
    status: str
    seconds: Optional[float] = None
    polls: Optional[int] = None


def parse_timeline(raw: Any) -> List[Phase]:
    """Validate the admin/seed form; a bare string means a single never-ending status."""
    if raw is None:
        return [Phase("SUCCESS")]
    if isinstance(raw, str):
        return [Phase(raw)]
    if not isinstance(raw, list) or not raw:
        raise ValueError("timeline must be a non-empty list of phases or a status string")
    phases: List[Phase] = []
    for item in raw:
        if isinstance(item, str):
            phases.append(Phase(item))
            continue
        if not isinstance(item, dict) or "status" not in item:
            raise ValueError("each phase needs a 'status': %r" % (item,))
        unknown = set(item) - {"status", "seconds", "polls"}
        if unknown:
            raise ValueError("unknown phase keys: %s" % ", ".join(sorted(unknown)))
        seconds = item.get("seconds")
        polls = item.get("polls")
        if seconds is not None and (not isinstance(seconds, (int, float)) or seconds < 0):
            raise ValueError("phase 'seconds' must be a number >= 0")
        if polls is not None and (not isinstance(polls, int) or isinstance(polls, bool) or polls < 1):
            raise ValueError("phase 'polls' must be an integer >= 1")
        # status may be "" or None on purpose: the module must cope with an empty status.
        phases.append(Phase(item["status"], float(seconds) if seconds is not None else None, polls))
    return phases


class TimelineCursor:
    """Where a task is in its script. Not thread-safe by itself; the store holds the lock.

    With a `pace` (progression.py), the script runs on that pace's progress reading and mode (time, immediate,
    manual); `started_at` and the phase starts are readings of it. Without one, on the server clock.
    """

    def __init__(
        self,
        phases: Sequence[Phase],
        started_at: float,
        pace: Optional["Pace"] = None,
        started_at_server: Optional[float] = None,
    ) -> None:
        self.phases = list(phases)
        self.pace = pace
        self.index = 0
        self.phase_started_at = started_at
        self.started_at = started_at
        self.polls_in_phase = 0
        # Set when the current phase has used up its polls; the switch happens at the next look,
        # so updated_at is the time the new status was first seen, not the time of the previous poll.
        self.polls_exhausted = False
        # When the visible status last changed (server clock); that is what updated_at reports.
        self.status_changed_at = started_at if started_at_server is None else started_at_server
        # The manual advance steps this cursor has taken (a cursor made later does not take earlier ones).
        self.steps_seen = pace.steps if pace is not None else 0

    @property
    def status(self) -> Any:
        return self.phases[self.index].status

    @property
    def mode(self) -> str:
        return self.pace.mode if self.pace is not None else "time"

    def reading(self, now: float) -> float:
        return self.pace.reading(now) if self.pace is not None else now

    def has_started(self, now: float) -> bool:
        """Whether the script's start (a task's appear_after) has come."""
        return self.mode == "immediate" or self.reading(now) >= self.started_at

    def _last(self) -> bool:
        return self.index >= len(self.phases) - 1

    def _enter_next(self, started_at: float, changed_at: float) -> None:
        before = self.status
        self.index += 1
        self.phase_started_at = started_at
        self.polls_in_phase = 0
        self.polls_exhausted = False
        if self.status != before:
            self.status_changed_at = changed_at

    def advance_time(self, now: float) -> None:
        """Leave every phase that is over by the pace; in time mode the next starts when the previous one ended."""
        mode = self.mode
        reading = self.reading(now)
        if mode == "immediate":
            while not self._last():
                self._enter_next(self.pace.start(now) if self.pace is not None else now, now)
            return
        pace_steps = self.pace.steps if self.pace is not None else 0
        if mode == "manual":
            while self.steps_seen < pace_steps:
                self.steps_seen += 1
                if not self._last():
                    self._enter_next(reading, now)
        else:
            # Steps are for manual mode: those given while this cursor ran on time are not owed to it later.
            self.steps_seen = pace_steps
        while not self._last():
            if self.polls_exhausted and mode == "time":
                self._enter_next(reading, now)
                continue
            seconds = self.phases[self.index].seconds
            if seconds is None or reading < self.phase_started_at + seconds:
                return
            ended = self.phase_started_at + seconds
            # On time, the status changed when the phase ended (in server time); after a manual advance, now.
            self._enter_next(ended, now - (reading - ended) if mode == "time" else now)

    def observe(self, now: float, count_poll: bool) -> Any:
        """Status as seen now; when `count_poll` (and on time), this view uses up one of the phase's polls."""
        self.advance_time(now)
        status = self.status
        if count_poll and self.mode == "time" and not self._last():
            polls = self.phases[self.index].polls
            self.polls_in_phase += 1
            if polls is not None and self.polls_in_phase >= polls:
                self.polls_exhausted = True
        return status
