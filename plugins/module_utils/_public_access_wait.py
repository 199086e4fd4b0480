# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.dms contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The wait after one public-access change: until the instance reports it and, where DMS records one, the change's
own task SUCCEEDED -- through the one poller, under the run's deadline.

The change's task is told from older tasks of the same name by its ``created_at``: it must not be earlier than the
change's answer (its ``Date``, on the server's clock that also stamps ``created_at``) less the call's round trip and
a margin. A ``created_at`` that is not a real time (month 13, day 00) never counts as the change's task.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Optional, Sequence

from ._context import DmsContext
from ._errors import DmsApiError, DmsError
from ._http_response import HttpResponse
from ._instance_state import check_not_stuck, takes_changes
from ._poll import PollAborted, PollResult, poll
from ._progress_feed import report_progress
from ._public_access_plan import Change
from ._public_access_state import ENGINE_LABELS, KAFKA, BoundEips, bound_eips, describe, is_settled, shown
from ._server_clock import STAMP_MARGIN, epoch_to_api_time
from ._tasks import SUCCESS_STATUSES, TERMINAL_STATUSES, DmsTaskApi
from ._timeparse import UtcTime, parse_time, sort_key


def change_begin_time(context: DmsContext, response: HttpResponse, sent_wall: float) -> str:
    """begin_time (API form, server clock) from which the change's task can have been created.

    From the answer's Date when it has one (that also teaches the server clock); else this host's time of sending,
    moved onto the server's clock by what earlier answers showed.
    """
    if response.sent_at is not None and response.received_at is not None:
        date = response.headers.get("Date") if response.headers else None
        begin = context.server_clock.change_begin_time(date, response.sent_at, response.received_at)
        if begin is not None:
            return begin
    local = response.sent_at if response.sent_at is not None else sent_wall
    return context.server_clock.to_server_begin(epoch_to_api_time(local - STAMP_MARGIN)) or ""


def find_change_task(tasks: Sequence[dict[str, Any]], name: str, begin_time: str) -> Optional[dict[str, Any]]:
    """The newest task named ``name`` created at or after ``begin_time``; older ones and unreadable times never count."""
    since = (1, parse_time(begin_time))
    newest: Optional[dict[str, Any]] = None
    newest_key: tuple[int, UtcTime] = since
    for task in tasks:
        if task.get("name") != name:
            continue
        key = sort_key(task.get("created_at"))
        if key >= newest_key:
            newest, newest_key = task, key
    return newest


def check_public_not_frozen(engine: str, detail: dict[str, Any], instance_id: str) -> None:
    """Kafka's ``kafka_public_status`` ``freezed``: public network frozen for arrears (SDK field docs); it never passes."""
    status = detail.get("kafka_public_status")
    if engine == KAFKA and isinstance(status, str) and status.strip().lower() == "freezed":
        raise DmsError(
            "Kafka instance %s reports kafka_public_status=freezed: its public network is frozen for arrears. Pay the"
            " arrears (Billing Center) so that it is unfrozen, then run again." % instance_id
        )


@dataclass
class Seen:
    """One poll of a change: the change's task (when DMS records one and lists it yet), the instance, settled or not."""

    task: Optional[dict[str, Any]] = None
    instance: Optional[dict[str, Any]] = None
    settled: bool = False

    @property
    def task_failed(self) -> bool:
        status = (self.task or {}).get("status")
        return status in TERMINAL_STATUSES and status not in SUCCESS_STATUSES


@dataclass
class ChangeWait:
    """Polls one change until done; ``task``/``instance`` keep the last seen (for the result, also on failure)."""

    context: DmsContext
    tasks: DmsTaskApi
    read_instance: Callable[[], dict[str, Any]]
    engine: str
    interval: float
    bound: BoundEips = bound_eips
    instance_id: str = ""
    task: Optional[dict[str, Any]] = field(default=None, init=False)
    instance: Optional[dict[str, Any]] = field(default=None, init=False)
    polls: int = field(default=0, init=False)

    def until_settled(self, change: Change, begin_time: Optional[str]) -> PollResult[Seen]:
        """Poll until the change shows (or its task failed) or the deadline; PollAborted on a non-transient error."""
        name = change.task_name if begin_time else None
        self.task = None
        deadline = self.context.deadline
        instance_id = self.tasks.instance_id
        what = "%s public IPs of %s instance %s" % (change.action, ENGINE_LABELS[self.engine], instance_id)

        def read() -> Seen:
            seen = Seen()
            if name:
                listed = self.tasks.list(begin_time=begin_time, deadline=deadline)
                seen.task = find_change_task(listed, name, begin_time or "")
                if seen.task is not None:
                    self.task = seen.task
                if seen.task_failed:
                    return seen  # failed: the instance will not change any more
            report_progress(instance_id, [seen.task] if seen.task else [], what)
            seen.instance = self.instance = self.read_instance()
            check_not_stuck(seen.instance, self.instance_id)  # FROZEN, ERROR, ...: waiting cannot help
            check_public_not_frozen(self.engine, seen.instance, self.instance_id)
            seen.settled = takes_changes(seen.instance) and is_settled(
                self.engine, seen.instance, change.enable, change.ids, self.bound
            )
            return seen

        def done(seen: Seen) -> bool:
            if seen.task_failed:
                return True
            # Done = the change's task SUCCESS where one appeared, the instance RUNNING, its EIPs exactly as asked.
            task_ok = seen.task is None or seen.task.get("status") in SUCCESS_STATUSES
            return task_ok and seen.settled

        context = self.context
        try:
            outcome = poll(read, done, context.deadline, self.interval, clock=context.clock, sleep=context.sleep)
        except PollAborted as aborted:
            self.polls += aborted.result.reads
            raise
        self.polls += outcome.reads
        return outcome

    def what_was_seen(self, change: Change, begin_time: Optional[str]) -> str:
        """For a timeout message: the change's task (or that it is not listed yet) and the instance, values cut."""
        parts = []
        name = change.task_name if begin_time else None
        if name and self.task is None:
            parts.append("DMS lists no %s task created since %s (server's clock, UTC) yet" % (name, begin_time))
        elif name and self.task is not None:
            parts.append(
                "task %s (%s) last status %s" % (shown(self.task.get("id")), name, shown(self.task.get("status")))
            )
        if self.instance is not None:
            parts.append("the instance reports %s" % describe(self.engine, self.instance))
        return "; ".join(parts) or "nothing was read"

    def settle(self, change: Change, begin_time: Optional[str], instance_id: str, timeout: int) -> None:
        """``until_settled``, and a DmsError saying what was seen when it timed out, failed or could not read."""
        what = "%s public IPs of %s instance %s" % (change.action, ENGINE_LABELS[self.engine], instance_id)
        try:
            outcome = self.until_settled(change, begin_time)
        except PollAborted as aborted:
            raise DmsError("Error while waiting to %s: %s" % (what, aborted.cause)) from None
        if not outcome.done:
            errors = (
                " (%d answered with a transient error)" % outcome.transient_errors if outcome.transient_errors else ""
            )
            raise DmsError(
                "Timed out after wait_timeout=%d s waiting to %s: %s; %d polls%s. The change may still finish: raise"
                " wait_timeout, or check the instance in the DMS console."
                % (timeout, what, self.what_was_seen(change, begin_time), self.polls, errors)
            )
        task = self.task
        if outcome.value is not None and outcome.value.task_failed and task is not None:
            raise DmsError(
                "DMS task %s (%s) ended with status %s on instance %s after %.1f s; the instance's public access was"
                " not changed as asked. Check the EIP (free, in the instance's region) and the task in the DMS console."
                % (
                    shown(task.get("id")),
                    change.task_name,
                    shown(task.get("status")),
                    instance_id,
                    self.context.elapsed(),
                )
            )


def send_timeout_message(
    timeout: int,
    action: str,
    instance_id: str,
    described: str,
    err: Optional[DmsApiError],
    busy_for: Optional[float],
    refusals: int,
) -> str:
    """Why the run timed out before a change was accepted: busy answers (``busy_for`` seconds), another answer, none."""
    if err is not None and busy_for is not None:
        return (
            "Timed out after wait_timeout=%d s: DMS answered %s (%s) to %d tries to %s public IPs of instance %s"
            " over %.1f s. %s means the instance cannot take the change now: another change is running on it, or"
            " it is not RUNNING; it reports %s. Raise wait_timeout, or run again when the instance is RUNNING and"
            " no other change runs."
            % (
                timeout,
                err.error_code,
                shown(err.error_msg or "instance busy"),
                refusals,
                action,
                instance_id,
                busy_for,
                err.error_code,
                described,
            )
        )
    if err is not None:
        return (
            "Timed out after wait_timeout=%d s trying to %s public IPs of DMS instance %s; DMS last answered: %s."
            " It reports %s. Raise wait_timeout, or check the instance in the DMS console."
            % (timeout, action, instance_id, err, described)
        )
    return (
        "Timed out after wait_timeout=%d s before the %s of public IPs of DMS instance %s could be sent; it reports"
        " %s. Raise wait_timeout." % (timeout, action, instance_id, described)
    )
