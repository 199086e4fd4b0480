# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.dms contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The task wait: ``poll`` until every task read is terminal, with what only tasks need.

Tasks need two things beside the poller: a task may be listed a moment after the call that starts it returns, so a
404 is polled through for ``NOT_FOUND_GRACE`` seconds (an unknown instance is final at once); and a status this
collection does not know is polled through with one warning per status. ``TaskWaiter`` keeps the older interface
(its own deadline from a timeout, results as ``WaitOutcome``/``WaitTimeout``/``WaitAborted``) for its last caller.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Callable, Optional

from ._errors import DmsError, InstanceNotFoundError, TaskNotFoundError
from ._poll import WAIT_ARGUMENT_SPEC, PollAborted, PollResult, WaitOptions, poll
from ._tasks import KNOWN_STATUSES, TERMINAL_STATUSES

__all__ = ["WAIT_ARGUMENT_SPEC", "TaskWaiter", "WaitAborted", "WaitOutcome", "WaitTimeout", "all_terminal"]

# A task may be listed a moment after the call that starts it returns; this long, a 404 is not final.
NOT_FOUND_GRACE = 30.0

Tasks = list[dict[str, Any]]


def all_terminal(tasks: Tasks) -> bool:
    return bool(tasks) and all(task.get("status") in TERMINAL_STATUSES for task in tasks)


class _NotFoundGrace:
    """Tolerates TaskNotFoundError for ``grace`` seconds from the first one since the last good read."""

    def __init__(self, clock: Callable[[], float], grace: float) -> None:
        self.clock = clock
        self.grace = grace
        self.first: Optional[float] = None

    def tolerate(self, error: DmsError) -> bool:
        if isinstance(error, InstanceNotFoundError) or not isinstance(error, TaskNotFoundError):
            return False
        now = self.clock()
        self.first = now if self.first is None else self.first
        return now - self.first < self.grace


class _UnknownStatuses:
    """One warning per status this collection does not know (the task is treated as still running)."""

    def __init__(self, warn: Callable[[str], None]) -> None:
        self.warn = warn
        self.warned: set[str] = set()

    def __call__(self, tasks: Tasks) -> None:
        for task in tasks:
            status = task.get("status")
            if status in KNOWN_STATUSES or str(status) in self.warned:
                continue
            self.warned.add(str(status))
            if status is None:
                self.warn(
                    "Task %s has no 'status' in the API's answer; it is treated as still running and polled until"
                    " it reports SUCCESS, FAILED, DELETED or CANCELLED." % task.get("id")
                )
            else:
                self.warn(
                    "Task %s reports status %r, which this module does not know; it is treated as still running"
                    " and polled until it turns SUCCESS, FAILED, DELETED or CANCELLED." % (task.get("id"), status)
                )


def wait_for_tasks(
    read: Callable[[], Tasks],
    deadline: float,
    interval: float,
    clock: Callable[[], float],
    sleep: Callable[[float], None],
    warn: Callable[[str], None],
    on_read: Optional[Callable[[Tasks], None]] = None,
    not_found_grace: float = NOT_FOUND_GRACE,
) -> PollResult[Tasks]:
    """Poll ``read`` until all tasks are terminal or the deadline; PollAborted on a final error."""
    grace = _NotFoundGrace(clock, not_found_grace)
    unknown = _UnknownStatuses(warn)

    def read_tasks() -> Tasks:
        tasks = read()
        grace.first = None
        return tasks

    def seen(tasks: Tasks) -> None:
        unknown(tasks)
        if on_read is not None:
            on_read(tasks)

    return poll(read_tasks, all_terminal, deadline, interval, clock, sleep, on_read=seen, tolerate=grace.tolerate)


@dataclass
class WaitOutcome:
    """What a wait saw; travels with success and with every failure."""

    tasks: Tasks = field(default_factory=list)
    attempts: int = 0
    elapsed: float = 0.0
    transient_errors: int = 0
    last_error: Optional[DmsError] = None

    @classmethod
    def of(cls, polled: PollResult[Tasks], elapsed: float) -> "WaitOutcome":
        return cls(polled.value or [], polled.reads, elapsed, polled.transient_errors, polled.last_error)


class WaitTimeout(DmsError):
    def __init__(self, outcome: WaitOutcome) -> None:
        self.outcome = outcome
        super().__init__("wait timed out after %.1f s and %d reads" % (outcome.elapsed, outcome.attempts))


class WaitAborted(DmsError):
    """A non-transient error ended the wait early; ``cause`` says which, ``outcome`` what was seen."""

    def __init__(self, cause: DmsError, outcome: WaitOutcome) -> None:
        self.cause = cause
        self.outcome = outcome
        super().__init__(str(cause))


class TaskWaiter:
    """``wait_for_tasks`` behind the interface of a reader taking the deadline and a timeout from ``started``."""

    def __init__(
        self,
        read: Callable[[Optional[float]], Tasks],
        timeout: float,
        sleep_interval: float,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        warn: Callable[[str], None] = lambda message: None,
        not_found_grace: float = NOT_FOUND_GRACE,
        started: Optional[float] = None,
    ) -> None:
        self.read = read
        self.timeout = float(timeout)
        self.sleep_interval = float(sleep_interval)
        WaitOptions(requested_sleep=self.sleep_interval).announce(warn)
        self.started = started
        self.clock = clock
        self.sleep = sleep
        self.warn = warn
        self.not_found_grace = float(not_found_grace)

    def wait(self) -> WaitOutcome:
        started = self.clock() if self.started is None else self.started
        deadline = started + self.timeout
        try:
            polled = wait_for_tasks(
                lambda: self.read(deadline),
                deadline,
                self.sleep_interval,
                self.clock,
                self.sleep,
                self.warn,
                not_found_grace=self.not_found_grace,
            )
        except PollAborted as aborted:
            raise WaitAborted(aborted.cause, self._outcome(aborted.result, started)) from None
        outcome = self._outcome(polled, started)
        if not polled.done:
            raise WaitTimeout(outcome)
        return outcome

    def _outcome(self, polled: PollResult[Tasks], started: float) -> WaitOutcome:
        return WaitOutcome.of(polled, round(self.clock() - started, 3))
