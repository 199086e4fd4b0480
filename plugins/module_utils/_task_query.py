# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.dms contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What dms_task_info does, without Ansible: check the options, read (and wait), build the result."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Callable, Mapping, Optional

from ._errors import ConfigurationError, DmsError, TaskNotFoundError
from ._ids import validate_id
from ._progress import ProgressReader
from ._progress_feed import report_progress
from ._server_clock import ServerClock, describe_offset
from ._tasks import SUCCESS_STATUSES, TERMINAL_STATUSES, DmsTaskApi, filter_tasks, to_api_time
from ._waiter import WAIT_ARGUMENT_SPEC, TaskWaiter, WaitAborted, WaitOutcome, WaitTimeout, check_wait_options

LIST_ONLY_OPTIONS = ("name", "begin_time", "end_time", "latest")


def _bool(params: Mapping[str, Any], name: str, default: bool) -> bool:
    value = params.get(name)
    return default if value is None else bool(value)


@dataclass(frozen=True)
class QueryOptions:
    """dms_task_info's own options, checked; build it with ``from_params``."""

    instance_id: str
    task_id: Optional[str] = None
    name: Optional[str] = None
    begin_time: Optional[str] = None  # UTC YYYYMMDDHHmmss, as the API takes it
    end_time: Optional[str] = None
    latest: bool = False
    wait_for: bool = False
    wait_timeout: int = WAIT_ARGUMENT_SPEC["wait_timeout"]["default"]
    wait_sleep: float = WAIT_ARGUMENT_SPEC["wait_sleep"]["default"]
    fail_on_task_failure: bool = True
    include_progress: bool = False

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> "QueryOptions":
        """The options from the module's parameters (None means the default); a ConfigurationError names a bad one."""
        instance_id = validate_id(params.get("instance_id"), "instance_id")
        if not instance_id:
            raise ConfigurationError(
                "Option 'instance_id' is required: the ID of the DMS instance whose tasks to read."
            )
        task_id = validate_id(params.get("task_id"), "task_id")
        begin_time = to_api_time(params.get("begin_time"), "begin_time")
        end_time = to_api_time(params.get("end_time"), "end_time")
        if task_id:
            given = [option for option in LIST_ONLY_OPTIONS if params.get(option)]
            if given:
                raise ConfigurationError(
                    "Option(s) %s apply only when listing tasks; remove them or remove 'task_id'."
                    % ", ".join(repr(o) for o in given)
                )
        options = cls(
            instance_id=instance_id,
            task_id=task_id,
            name=params.get("name"),
            begin_time=begin_time,
            end_time=end_time,
            latest=_bool(params, "latest", cls.latest),
            wait_for=_bool(params, "wait_for", cls.wait_for),
            wait_timeout=cls.wait_timeout if params.get("wait_timeout") is None else int(params["wait_timeout"]),
            wait_sleep=cls.wait_sleep if params.get("wait_sleep") is None else float(params["wait_sleep"]),
            fail_on_task_failure=_bool(params, "fail_on_task_failure", cls.fail_on_task_failure),
            include_progress=_bool(params, "include_progress", cls.include_progress),
        )
        options.check()
        return options

    def check(self) -> None:
        if self.begin_time and self.end_time and self.begin_time > self.end_time:
            raise ConfigurationError(
                "Option 'begin_time' (%s) is after 'end_time' (%s); swap them." % (self.begin_time, self.end_time)
            )
        check_wait_options(self.wait_timeout, self.wait_sleep)

    @property
    def single(self) -> bool:
        return bool(self.task_id or self.latest)


class TaskQueryFailed(DmsError):
    """Failure with the partial result that goes into fail_json."""

    def __init__(self, message: str, result: dict[str, Any]) -> None:
        self.result = result
        super().__init__(message)


def _describe(task: dict[str, Any]) -> str:
    return "%s (%s)" % (task.get("id", "?"), task.get("name") or "unnamed")


def _what(options: QueryOptions) -> str:
    if options.task_id:
        return "task %s" % options.task_id
    named = "a task named %r" % options.name if options.name else "the tasks"
    return named


class TaskVanished(TaskNotFoundError):
    """A task a list wait saw before, not yet terminal, is no longer listed (not-found grace applies, as for a 404)."""


class TaskQuery:
    def __init__(
        self,
        options: QueryOptions,
        api: DmsTaskApi,
        warn: Callable[[str], None],
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        server_clock: Optional[ServerClock] = None,
        started: Optional[float] = None,
    ) -> None:
        self.started = started  # the module's start (clock's time): a wait's deadline and elapsed count from here
        # List waits remember each task they saw (by id), so one that vanishes before it ends is not forgotten.
        self._seen: dict[str, dict[str, Any]] = {}
        self.options = options
        self.api = api
        self.warn = warn
        self.clock = clock
        self.sleep = sleep
        self.progress = ProgressReader(api, warn) if options.include_progress else None
        # The DMS server's clock as its answers' Date headers show it (the client records every answer).
        if server_clock is None and isinstance(
            getattr(getattr(api, "client", None), "server_clock", None), ServerClock
        ):
            server_clock = api.client.server_clock
        self.server_clock = server_clock
        self.sent_window: tuple[Optional[str], Optional[str]] = (options.begin_time, options.end_time)

    def _window(self) -> tuple[Optional[str], Optional[str]]:
        """begin_time/end_time (given on this host's clock) on the server's clock, as far as it is known."""
        begin, end = self.options.begin_time, self.options.end_time
        if self.server_clock is None:
            return begin, end
        return self.server_clock.to_server_begin(begin), self.server_clock.to_server_end(end)

    def _list(self, deadline: Optional[float]) -> list[dict[str, Any]]:
        window = self._window()
        translated = self.server_clock is not None and self.server_clock.measurable
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
        report_progress(options.instance_id, tasks)
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
                    ", ".join(sorted({str(task.get("status")) for task in gone})),
                )
            )

    def run(self) -> dict[str, Any]:
        if not self.options.wait_for:
            try:
                tasks = self.read()
            except DmsError as err:
                raise TaskQueryFailed(str(err), self._result([], attempts=1, elapsed=0.0)) from None
            return self._result(tasks, attempts=1, elapsed=0.0)

        waiter = TaskWaiter(
            self.read,
            self.options.wait_timeout,
            self.options.wait_sleep,
            clock=self.clock,
            sleep=self.sleep,
            warn=self.warn,
            started=self.started,
        )
        try:
            outcome = waiter.wait()
        except WaitTimeout as timeout:
            raise TaskQueryFailed(
                self._timeout_message(timeout.outcome), self._outcome_result(timeout.outcome)
            ) from None
        except WaitAborted as aborted:
            raise TaskQueryFailed(
                "%s (while waiting, after %d reads in %.1f s)"
                % (aborted.cause, aborted.outcome.attempts, aborted.outcome.elapsed),
                self._outcome_result(aborted.outcome),
            ) from None
        result = self._outcome_result(outcome)
        failed = [task for task in outcome.tasks if task.get("status") not in SUCCESS_STATUSES]
        if failed and self.options.fail_on_task_failure:
            raise TaskQueryFailed(self._failure_message(failed, outcome), result)
        return result

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
        offset = self.server_clock.offset if self.server_clock is not None else None
        begin, end = self.sent_window
        return {"server_offset": offset, "begin_time": begin, "end_time": end}

    def _timeout_message(self, outcome: WaitOutcome) -> str:
        options = self.options
        where = "on instance %s" % options.instance_id
        if outcome.tasks:
            pending = [task for task in outcome.tasks if task.get("status") not in TERMINAL_STATUSES]
            seen = "; ".join("task %s last status %s" % (_describe(task), task.get("status")) for task in pending[:5])
            if isinstance(outcome.last_error, TaskVanished):
                seen += " (%s)" % outcome.last_error
        elif outcome.last_error is not None:
            seen = "no task was read; last error: %s" % outcome.last_error
        else:
            seen = "no matching task has appeared yet"
            if self.sent_window != (options.begin_time, options.end_time) and self.server_clock is not None:
                offset = self.server_clock.offset or 0.0
                seen += (
                    " (the DMS clock is %s this host's, so the window was sent on its clock as begin_time=%s end_time=%s)"
                    % (describe_offset(offset), self.sent_window[0], self.sent_window[1])
                )
        transient = " (%d transient errors)" % outcome.transient_errors if outcome.transient_errors else ""
        return (
            "Timed out after wait_timeout=%d s waiting for %s %s to finish: %s; %d reads in %.1f s%s."
            " The task may still finish: raise wait_timeout, or check it in the DMS console."
            % (options.wait_timeout, _what(options), where, seen, outcome.attempts, outcome.elapsed, transient)
        )

    def _failure_message(self, failed: list[dict[str, Any]], outcome: WaitOutcome) -> str:
        ended = "; ".join("task %s ended with status %s" % (_describe(task), task.get("status")) for task in failed[:5])
        return (
            "DMS %s on instance %s after %.1f s. Check the task's params and the instance in the DMS console;"
            " set fail_on_task_failure: false to get the task back without failing."
            % (ended, self.options.instance_id, outcome.elapsed)
        )
