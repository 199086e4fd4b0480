# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.dms contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""TaskWaiter: poll until every task is terminal, under one monotonic deadline.

The deadline is fixed once, before the first read. Each read gets it (so the
HTTP client clips its socket timeouts and retry sleeps to it) and each pause
is min(sleep, time left), so a wait ends within a request's last socket tick
of ``timeout``, never a whole poll interval late.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Optional

from ._errors import ConfigurationError, DmsError, InstanceNotFoundError, TaskNotFoundError, is_transient
from ._tasks import KNOWN_STATUSES, TERMINAL_STATUSES

# A task may be listed a moment after the call that starts it returns; this long, a 404 is not final.
NOT_FOUND_GRACE = 30.0

# The options of every module that waits on a task (each module documents them in its DOCUMENTATION).
WAIT_ARGUMENT_SPEC: dict[str, Any] = dict(
    wait_timeout=dict(type="int", default=600),
    wait_sleep=dict(type="float", default=5.0),
    progress_interval=dict(type="int", default=30),  # read by the action plugin only (doc fragment hwcloud.dms.wait)
)

# Polls come at most twice a second per wait: a smaller wait_sleep is raised to this, with one warning.
MIN_WAIT_SLEEP = 0.5
# One day: an IAM token lasts 24 hours, and a larger number is a typo, not a wait (10**400 crashed the clock maths).
MAX_WAIT_TIMEOUT = 86400

Tasks = list[dict[str, Any]]


def check_wait_options(wait_timeout: Any, wait_sleep: Any) -> None:
    """Refuse wait options no wait can use, naming the option and the fix (the floor on wait_sleep is TaskWaiter's)."""
    if wait_timeout < 1:
        raise ConfigurationError("Option 'wait_timeout' must be at least 1 second, got %d." % wait_timeout)
    if wait_timeout > MAX_WAIT_TIMEOUT:
        raise ConfigurationError(
            "Option 'wait_timeout' must be at most %d seconds (one day), got %s."
            % (MAX_WAIT_TIMEOUT, str(wait_timeout)[:20] + ("..." if len(str(wait_timeout)) > 20 else ""))
        )
    if not wait_sleep > 0:
        raise ConfigurationError("Option 'wait_sleep' must be more than 0 seconds, got %s." % wait_sleep)
    if math.isinf(wait_sleep) or wait_sleep > wait_timeout:
        raise ConfigurationError(
            "Option 'wait_sleep' (%s s) must not exceed 'wait_timeout' (%d s): lower wait_sleep or raise wait_timeout."
            % (wait_sleep, wait_timeout)
        )


@dataclass
class WaitOutcome:
    """What a wait saw; travels with success and with every failure (filled in as the wait goes)."""

    tasks: Tasks = field(default_factory=list)
    attempts: int = 0
    elapsed: float = 0.0
    transient_errors: int = 0
    last_error: Optional[DmsError] = None

    def pending_statuses(self) -> list[str]:
        return [str(task.get("status")) for task in self.tasks if task.get("status") not in TERMINAL_STATUSES]


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


def all_terminal(tasks: Tasks) -> bool:
    return bool(tasks) and all(task.get("status") in TERMINAL_STATUSES for task in tasks)


class TaskWaiter:
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
        if self.sleep_interval < MIN_WAIT_SLEEP:
            warn(
                "wait_sleep %s s is below the %s s floor (at most two polls a second per wait); polling every %s s instead."
                % (sleep_interval, MIN_WAIT_SLEEP, MIN_WAIT_SLEEP)
            )
            self.sleep_interval = MIN_WAIT_SLEEP
        # When the module started (same clock): the deadline and elapsed count from there, IAM calls included.
        self.started = started
        self.clock = clock
        self.sleep = sleep
        self.warn = warn
        self.not_found_grace = float(not_found_grace)
        self._warned_statuses: set[str] = set()

    def wait(self) -> WaitOutcome:
        outcome = WaitOutcome()
        started = self.clock() if self.started is None else self.started
        deadline = started + self.timeout
        first_not_found: Optional[float] = None
        while True:
            outcome.attempts += 1
            try:
                outcome.tasks = self.read(deadline)
                first_not_found = None
                self._warn_unknown(outcome.tasks)
                if all_terminal(outcome.tasks):
                    outcome.elapsed = round(self.clock() - started, 3)
                    return outcome
            except InstanceNotFoundError as err:
                outcome.elapsed = round(self.clock() - started, 3)
                raise WaitAborted(err, outcome) from None
            except TaskNotFoundError as err:
                now = self.clock()
                first_not_found = now if first_not_found is None else first_not_found
                outcome.last_error = err
                if now - first_not_found >= self.not_found_grace:
                    outcome.elapsed = round(now - started, 3)
                    raise WaitAborted(err, outcome) from None
            except DmsError as err:
                if not is_transient(err):
                    outcome.elapsed = round(self.clock() - started, 3)
                    raise WaitAborted(err, outcome) from None
                outcome.transient_errors += 1
                outcome.last_error = err
            remaining = deadline - self.clock()
            if remaining <= 0:
                outcome.elapsed = round(self.clock() - started, 3)
                raise WaitTimeout(outcome)
            self.sleep(min(self.sleep_interval, remaining))
            if deadline - self.clock() <= 0:
                outcome.elapsed = round(self.clock() - started, 3)
                raise WaitTimeout(outcome)

    def _warn_unknown(self, tasks: Tasks) -> None:
        for task in tasks:
            status = task.get("status")
            key = str(status)
            if status not in KNOWN_STATUSES and key not in self._warned_statuses:
                self._warned_statuses.add(key)
                if status is None:
                    self.warn(
                        "Task %s has no 'status' in the API's answer; it is treated as still running and polled until"
                        " it reports SUCCESS, FAILED, DELETED or CANCELLED." % task.get("id")
                    )
                    continue
                self.warn(
                    "Task %s reports status %r, which this module does not know; it is treated as still running"
                    " and polled until it turns SUCCESS, FAILED, DELETED or CANCELLED." % (task.get("id"), status)
                )
