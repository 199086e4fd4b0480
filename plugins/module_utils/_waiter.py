# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.dms contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The task wait: ``poll`` until every task read is terminal, with what only tasks need.

Tasks need two things beside the poller: a task may be listed a moment after the call that starts it returns, so a
404 is polled through for ``NOT_FOUND_GRACE`` seconds (an unknown instance is final at once); and a status this
collection does not know is polled through with one warning per status.
"""

from __future__ import annotations

from typing import Any, Callable, Optional

from ._errors import DmsError, InstanceNotFoundError, TaskNotFoundError
from ._http_errors import shown
from ._poll import PollResult, poll
from ._tasks import KNOWN_STATUSES, TERMINAL_STATUSES

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
                    " it reports SUCCESS, FAILED, DELETED or CANCELLED." % shown(task.get("id"), 80)
                )
            else:
                self.warn(
                    "Task %s reports status '%s', which this module does not know; it is treated as still running"
                    " and polled until it turns SUCCESS, FAILED, DELETED or CANCELLED."
                    % (shown(task.get("id"), 80), shown(status, 80))
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
