# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.dms contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What dms_task_info does, without Ansible: check the options, read (and wait), build the result."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

from ._context import DmsContext
from ._errors import DmsError, DmsFailure, TaskNotFoundError
from ._http_errors import shown
from ._poll import PollAborted, PollResult
from ._progress import ProgressReader
from ._progress_feed import report_progress
from ._server_clock import ServerClock, describe_offset
from ._task_query_options import QueryOptions
from ._tasks import SUCCESS_STATUSES, TERMINAL_STATUSES, DmsTaskApi, filter_tasks
from ._waiter import wait_for_tasks


def _describe(task: dict[str, Any]) -> str:
    # Server values, cut: a 1 MB task name must not make a 1 MB message.
    return "%s (%s)" % (shown(task.get("id", "?"), 80), shown(task.get("name") or "unnamed", 120))


def _status(task: dict[str, Any]) -> str:
    return shown(task.get("status"), 80)


def _what(options: QueryOptions) -> str:
    if options.task_id:
        return "task %s" % options.task_id
    named = "a task named %r" % options.name if options.name else "the tasks"
    return named


@dataclass
class WaitOutcome:
    """What a task wait saw (tasks, reads, elapsed on the run's clock, transient errors); in every result."""

    tasks: list[dict[str, Any]] = field(default_factory=list)
    attempts: int = 0
    elapsed: float = 0.0
    transient_errors: int = 0
    last_error: Optional[DmsError] = None

    @classmethod
    def of(cls, polled: PollResult[list[dict[str, Any]]], elapsed: float) -> "WaitOutcome":
        return cls(polled.value or [], polled.reads, elapsed, polled.transient_errors, polled.last_error)


class NoTaskAppeared(DmsError):
    """A list wait saw no matching task within appear_timeout: none was created (not polled through, not a 404)."""


class TaskVanished(TaskNotFoundError):
    """A task a list wait saw before, not yet terminal, is no longer listed (not-found grace applies, as for a 404)."""


class TaskQuery:
    """dms_task_info's action: read the task(s) of ``options.instance_id``, and wait when asked."""

    def __init__(self, options: QueryOptions) -> None:
        self.options = options

    def run(self, context: DmsContext) -> dict[str, Any]:
        if self.options.wait_for:
            self.options.wait.announce(context.warn)
        api = DmsTaskApi(context.client, context.project_id, self.options.instance_id)
        return dict(TaskRead(self.options, api, context).run(), changed=False)


class TaskRead:
    """One read (or wait) of tasks through ``api``: remembers what a list wait saw, the window sent, the progress."""

    def __init__(self, options: QueryOptions, api: DmsTaskApi, context: DmsContext) -> None:
        self.options = options
        self.api = api
        self.context = context
        # List waits remember each task they saw (by id), so one that vanishes before it ends is not forgotten.
        self._seen: dict[str, dict[str, Any]] = {}
        self.progress = ProgressReader(api, context.warn) if options.include_progress else None
        # The DMS server's clock as its answers' Date headers show it (the client records every answer).
        self.server_clock: ServerClock = context.server_clock
        self.sent_window: tuple[Optional[str], Optional[str]] = (options.begin_time, options.end_time)

    def _window(self) -> tuple[Optional[str], Optional[str]]:
        """begin_time/end_time (given on this host's clock) on the server's clock, as far as it is known."""
        begin, end = self.options.begin_time, self.options.end_time
        return self.server_clock.to_server_begin(begin), self.server_clock.to_server_end(end)

    def _list(self, deadline: Optional[float]) -> list[dict[str, Any]]:
        window = self._window()
        translated = self.server_clock.measurable
        tasks = self.api.list(*window, deadline=deadline)
        if not translated and self._window() != window:
            # This answer was the first to show that the server's clock is off ours, so the window just sent
            # was on the wrong clock: read again with the translated one and use only that.
            window = self._window()
            tasks = self.api.list(*window, deadline=deadline)
        self.sent_window = window
        return tasks

    def read(self, deadline: Optional[float] = None) -> list[dict[str, Any]]:
        options = self.options
        if options.task_id:
            tasks = [self.api.show(options.task_id, deadline=deadline)]
        else:
            listed = filter_tasks(self._list(deadline), name=options.name)
            self._check_vanished(listed)
            tasks = filter_tasks(listed, latest=options.latest)
        if self.progress is not None:
            # After every status read, so a wait (even one that times out) returns the latest progress seen.
            self.progress.attach(tasks, deadline=deadline)
        return tasks

    def _check_vanished(self, listed: list[dict[str, Any]]) -> None:
        if not self.options.wait_for:
            return
        ids = {task.get("id") for task in listed if isinstance(task.get("id"), str)}
        gone = [
            task
            for task_id, task in self._seen.items()
            if task_id not in ids and task.get("status") not in TERMINAL_STATUSES
        ]
        for task in listed:
            if isinstance(task.get("id"), str):
                self._seen[task["id"]] = task
        if gone:
            raise TaskVanished(
                "%s on instance %s was listed with status %s, then disappeared from the instance's task list before it"
                " ended; check it in the DMS console."
                % (
                    "; ".join("Task %s" % _describe(task) for task in gone[:5]),
                    self.options.instance_id,
                    ", ".join(sorted({_status(task) for task in gone}))[:300],
                )
            )

    def run(self) -> dict[str, Any]:
        """Read once, or wait until every task read is terminal (by the context's deadline)."""
        context = self.context
        if not self.options.wait_for:
            sent_before = context.client.requests_sent
            try:
                tasks = self.read()
            except DmsError as err:
                # The real numbers: the requests the read sent (retries included) and the time it took.
                sent = context.client.requests_sent - sent_before
                raise DmsFailure(str(err), self._result([], attempts=sent, elapsed=context.elapsed())) from None
            sent = max(context.client.requests_sent - sent_before, 1)
            return self._result(tasks, attempts=sent, elapsed=context.elapsed())
        deadline = context.deadline
        try:
            polled = wait_for_tasks(
                lambda: self._appeared(self.read(deadline)),
                deadline,
                self.options.wait.sleep,
                context.clock,
                context.sleep,
                context.warn,
                on_read=lambda tasks: report_progress(self.options.instance_id, tasks),
            )
        except PollAborted as aborted:
            outcome = WaitOutcome.of(aborted.result, context.elapsed())
            if isinstance(aborted.cause, NoTaskAppeared):
                raise DmsFailure(self._never_appeared(outcome), self._outcome_result(outcome)) from None
            raise DmsFailure(
                "%s (while waiting, after %d reads in %.1f s)" % (aborted.cause, outcome.attempts, outcome.elapsed),
                self._outcome_result(outcome),
            ) from None
        outcome = WaitOutcome.of(polled, context.elapsed())
        if not polled.done:
            raise DmsFailure(self._timeout_message(outcome), self._outcome_result(outcome))
        result = self._outcome_result(outcome)
        failed = [task for task in outcome.tasks if task.get("status") not in SUCCESS_STATUSES]
        if failed and self.options.fail_on_task_failure:
            raise DmsFailure(self._failure_message(failed, outcome), result)
        return result

    def _appeared(self, tasks: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """A list wait that has seen no matching task by appear_timeout ends: that task was never created."""
        options = self.options
        if tasks or options.task_id or self._seen:
            return tasks
        if self.context.clock() - self.context.started >= options.appear_timeout:
            raise NoTaskAppeared("no task appeared within appear_timeout")
        return tasks

    def _never_appeared(self, outcome: WaitOutcome) -> str:
        options = self.options
        since = " since begin_time %s" % self.sent_window[0] if self.sent_window[0] else ""
        return (
            "No %s was created on instance %s%s within appear_timeout=%d s (%d reads in %.1f s), so there is nothing"
            " to wait for: the change may not have been made, for example because nothing needed to change (the"
            " change reported changed: false) or because it failed before DMS recorded a task. Wait only when the"
            " change reported a change (when: result is changed); check the task name and begin_time; raise"
            " appear_timeout if DMS is slow to list the task."
            % (
                "task named %r" % shown(options.name, 120) if options.name else "matching task",
                options.instance_id,
                since,
                options.appear_timeout,
                outcome.attempts,
                outcome.elapsed,
            )
        )

    def _outcome_result(self, outcome: WaitOutcome) -> dict[str, Any]:
        result = self._result(outcome.tasks, attempts=outcome.attempts, elapsed=outcome.elapsed)
        result["transient_errors"] = outcome.transient_errors
        return result

    def _result(self, tasks: list[dict[str, Any]], attempts: int, elapsed: float) -> dict[str, Any]:
        result: dict[str, Any] = {
            "tasks": tasks,
            "task_count": len(tasks),
            "attempts": attempts,
            "elapsed": elapsed,
            "clock": self._clock_result(),
        }
        if self.options.single and tasks:
            result["task"] = tasks[0]
        return result

    def _clock_result(self) -> dict[str, Any]:
        """Which clock the times are in: the window sent (server's clock) and the server's estimated offset."""
        offset = self.server_clock.offset
        begin, end = self.sent_window
        return {"server_offset": offset, "begin_time": begin, "end_time": end}

    def _timeout_message(self, outcome: WaitOutcome) -> str:
        options = self.options
        where = "on instance %s" % options.instance_id
        if outcome.tasks:
            pending = [task for task in outcome.tasks if task.get("status") not in TERMINAL_STATUSES]
            seen = "; ".join("task %s last status %s" % (_describe(task), _status(task)) for task in pending[:5])
            if isinstance(outcome.last_error, TaskVanished):
                seen += " (%s)" % outcome.last_error
        elif outcome.last_error is not None:
            seen = "no task was read; last error: %s" % outcome.last_error
        else:
            seen = (
                "no matching task has appeared yet (if the change that should have started it changed nothing, none"
                " was created: wait only when: result is changed)"
            )
            if self.sent_window != (options.begin_time, options.end_time):
                offset = self.server_clock.offset or 0.0
                seen += (
                    " (the DMS clock is %s this host's, so the window was sent on its clock as begin_time=%s end_time=%s)"
                    % (describe_offset(offset), self.sent_window[0], self.sent_window[1])
                )
        transient = " (%d transient errors)" % outcome.transient_errors if outcome.transient_errors else ""
        return (
            "Timed out after wait_timeout=%d s waiting for %s %s to finish: %s; %d reads in %.1f s%s."
            " The task may still finish: raise wait_timeout, or check it in the DMS console."
            % (options.wait.timeout, _what(options), where, seen, outcome.attempts, outcome.elapsed, transient)
        )

    def _failure_message(self, failed: list[dict[str, Any]], outcome: WaitOutcome) -> str:
        ended = "; ".join("task %s ended with status %s" % (_describe(task), _status(task)) for task in failed[:5])
        return (
            "DMS %s on instance %s after %.1f s. Check the task's params and the instance in the DMS console;"
            " set fail_on_task_failure: false to get the task back without failing."
            % (ended, self.options.instance_id, outcome.elapsed)
        )
