"""Status scripts for tasks: which status a task shows, driven by elapsed time or by poll count.

A script is a list of phases, e.g.
  [{"status": "CREATED", "seconds": 1}, {"status": "EXECUTING", "seconds": 3}, {"status": "SUCCESS"}]
  [{"status": "CREATED", "polls": 2}, {"status": "EXECUTING", "polls": 3}, {"status": "FAILED"}]
A phase ends after `seconds` have passed since it began, or after it has been shown to `polls` GETs,
whichever comes first when both are given. The last phase (or one with neither) lasts forever.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, List, Optional, Sequence


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
    """Where a task is in its script. Not thread-safe by itself; the store holds the lock."""

    def __init__(self, phases: Sequence[Phase], started_at: float) -> None:
        self.phases = list(phases)
        self.index = 0
        self.phase_started_at = started_at
        self.polls_in_phase = 0
        # Set when the current phase has used up its polls; the switch happens at the next look,
        # so updated_at is the time the new status was first seen, not the time of the previous poll.
        self.polls_exhausted = False
        # When the visible status last changed; that is what updated_at reports.
        self.status_changed_at = started_at

    @property
    def status(self) -> Any:
        return self.phases[self.index].status

    def _enter_next(self, at: float) -> None:
        before = self.status
        self.index += 1
        self.phase_started_at = at
        self.polls_in_phase = 0
        self.polls_exhausted = False
        if self.status != before:
            self.status_changed_at = at

    def advance_time(self, now: float) -> None:
        """Leave every phase whose time is up; the next one starts when the previous one ended."""
        while self.index < len(self.phases) - 1:
            if self.polls_exhausted:
                self._enter_next(now)
                continue
            seconds = self.phases[self.index].seconds
            if seconds is None or now < self.phase_started_at + seconds:
                return
            self._enter_next(self.phase_started_at + seconds)

    def observe(self, now: float, count_poll: bool) -> Any:
        """Status as seen now; when `count_poll`, this view uses up one of the phase's polls."""
        self.advance_time(now)
        status = self.status
        if count_poll and self.index < len(self.phases) - 1:
            polls = self.phases[self.index].polls
            self.polls_in_phase += 1
            if polls is not None and self.polls_in_phase >= polls:
                self.polls_exhausted = True
        return status
