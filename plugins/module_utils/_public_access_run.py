# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.dms contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What dms_public_access does: read the instance, plan, send a change, wait -- and read and plan again.

The plan is made again from a fresh read after every change and after every answer that does not settle the
question: DMS.00400026 (busy: another change runs, or the instance is not RUNNING), a 5xx or a lost answer (the change
may have been made), and a 400/409 (it may mean "already so", e.g. another run bound the same EIPs a moment ago).
So a run ends ok whenever the instance reaches the requested state, whoever made the change, and ``changed`` says
whether this run sent one. All of it runs under the run's one deadline (``context.deadline``).
"""

from __future__ import annotations

from typing import Any, Optional

from ._context import DmsContext
from ._eip import EipApi
from ._errors import DmsApiError, DmsError, DmsFailure, DmsTransportError
from ._http import DeadlineExceeded
from ._instance_state import check_not_stuck, until_running
from ._public_access_eips import EipReader, public_access_info, refuse_unusable
from ._public_access_plan import BIND, UNBIND, Change, Plan, PublicAccessOptions, plan_changes
from ._public_access_refusals import BUSY, FINAL, MAYBE_ALREADY, MAYBE_MADE, Refusals
from ._public_access_state import describe, is_settled, read_detail, shown
from ._public_access_wait import ChangeWait, change_begin_time, send_timeout_message
from ._tasks import DmsTaskApi

# A switch is two changes; more than this means something else keeps changing the instance too.
MAX_CHANGES = 4


class PublicAccess:
    """dms_public_access's action: ``PublicAccess(options).run(context)`` returns the module result."""

    def __init__(self, options: PublicAccessOptions) -> None:
        self.options = options

    def run(self, context: DmsContext) -> dict[str, Any]:
        return _Run(self.options, context).run()


class _Run:
    """One run's state: what was read, sent and seen, for the result and for every failure alike."""

    def __init__(self, options: PublicAccessOptions, context: DmsContext) -> None:
        self.options = options
        self.context = context
        self.instance: Optional[dict[str, Any]] = None
        self.sent: list[str] = []
        self.planned: list[str] = []
        self.diff: Optional[dict[str, Any]] = None
        self.waits: Optional[ChangeWait] = None
        self.accepted = 0  # change calls DMS accepted (2xx)
        self.refusals = Refusals(context.clock)
        self.eips = EipReader(EipApi(context.vpc, context.project_id), context.warn, lambda: context.deadline)

    # --- results ---------------------------------------------------------------------------------------
    def result(self) -> dict[str, Any]:
        context = self.context
        result: dict[str, Any] = {
            "changed": context.change.sent,
            "instance": self.instance or {},
            "task": self.waits.task if self.waits is not None else None,
            "elapsed": context.elapsed(),
            "actions": list(self.sent) if context.change.sent else [],
        }
        if self.diff is not None:
            result["diff"] = self.diff
        if self.instance:
            try:
                access = public_access_info(self.plan().engine, self.instance, self.eips)
            except DmsError:
                access = {}
            result["public_ip_ids"] = access.get("public_ip_ids")
            result["public_ip_addresses"] = access.get("public_ip_addresses", [])
        return result

    def failure(self, message: str) -> DmsFailure:
        if self.context.change.sent and "may have been made" not in message:
            message += " A change was sent before this failure (%s): it may have been made." % ", ".join(self.sent)
        return DmsFailure(message, self.result())

    # --- the run -----------------------------------------------------------------------------------------
    def run(self) -> dict[str, Any]:
        try:
            return self._run()
        except DmsFailure:
            raise
        except DmsError as err:
            raise self.failure(str(err)) from None
        except Exception as err:  # pylint: disable=broad-exception-caught
            if not self.context.change.sent:
                raise
            # Once a change went out, even a bug must not hide it: say so, with what was sent and seen.
            raise self.failure(
                "Internal error after a change of DMS instance %s was sent (please report it): %s: %s."
                " The change may have been made; check the instance in the DMS console."
                % (self.options.instance_id, type(err).__name__, shown(" ".join(str(err).split())))
            ) from None

    def _run(self) -> dict[str, Any]:
        options, context = self.options, self.context
        for warning in options.warnings:
            context.warn(warning)
        self.instance = self.read_instance()
        plan = self.plan()
        for warning in plan.warnings:
            context.warn(warning)
        if context.diff_mode:
            self.diff = {"before": plan.before.as_diff(), "after": plan.after.as_diff()}
        if not plan.changes:
            return self.result()
        check_not_stuck(self.instance, options.instance_id)  # FROZEN, ERROR, ...: no change can work
        if any(change.action == BIND for change in plan.changes):
            requested = self.eips.requested(options.public_ip_ids)
            if requested is not None:
                refuse_unusable(requested, options.public_ip_ids, plan.engine, self.instance, options.instance_id)
        if context.check_mode:
            return dict(self.result(), changed=True, actions=plan.actions)
        options.timing.announce(context.warn)
        self.waits = ChangeWait(
            context,
            self._tasks(),
            self.read_instance,
            plan.engine,
            options.timing.sleep,
            self.eips.bound,
            options.instance_id,
        )
        self.instance = until_running(
            self.read_instance,
            self.instance,
            options.instance_id,
            context.deadline,
            options.timing.sleep,
            context.warn,
            context.clock,
            context.sleep,
        )
        plan = self.plan()  # the instance may have changed while it was getting to RUNNING
        self.reconcile(plan)
        return self.result()

    def _tasks(self) -> DmsTaskApi:
        return DmsTaskApi(self.context.client, self.context.project_id, self.options.instance_id)

    def plan(self) -> Plan:
        options = self.options
        return plan_changes(
            options.state, options.public_ip_ids, self.instance or {}, options.instance_id, self.eips.bound
        )

    def read_instance(self) -> dict[str, Any]:
        return read_detail(
            self.context.client, self.context.project_id, self.options.instance_id, self.context.deadline
        )

    def reconcile(self, plan: Plan) -> None:
        """Send the plan's first change, wait, read, plan again -- until nothing is left to do."""
        while plan.changes:
            change = plan.changes[0]
            if self.accepted >= MAX_CHANGES:
                raise self.failure(
                    "DMS instance %s did not stay in the requested state after %d accepted changes (%s): something else"
                    " keeps changing its public access (another run or the console). It now reports %s."
                    % (self.options.instance_id, self.accepted, ", ".join(self.sent), self._described())
                )
            answered = self.send(change)
            if answered is not None and (self.options.wait or len(plan.changes) > 1):
                # A switch always waits for its unbind: DMS refuses the bind while public access is still on.
                self.wait_for(change, answered)
            elif answered is not None:
                self.reread(change)
                return
            plan = self.plan()
        if (self.sent or self.refusals.last is not None) and self.options.wait and not self._settled_as_asked():
            # Another run's change (or ours answered 5xx) may still be under way: wait for the instance to show it.
            action = BIND if self.options.state == "present" else UNBIND
            self.wait_for(Change(plan.engine, action, self.options.public_ip_ids), None)

    def _settled_as_asked(self) -> bool:
        enable = self.options.state == "present"
        engine = self.plan().engine
        return is_settled(engine, self.instance or {}, enable, self.options.public_ip_ids, self.eips.bound)

    def send(self, change: Change) -> Optional[str]:
        """Send one change; the begin_time of its task when DMS accepted it, None when the plan is to be made again."""
        context = self.context
        method, path = change.method_path(context.project_id, self.options.instance_id)
        self._check_time_left(change)
        sent_wall = context.wall()
        try:
            # Not repeated by the client: a change answered 5xx may have been made, so the instance is read first.
            response = context.client.request(
                method, path, body=change.body(), deadline=context.deadline, idempotent=False
            )
        except DeadlineExceeded:
            # The deadline passed while the call was under way: DMS may have received it.
            raise self.failure(
                self._timeout_message(change) + " The %s call was under way when the deadline passed: it may have been"
                " made." % change.action
            ) from None
        except DmsApiError as err:
            self._refused(change, err)
            return None
        except DmsTransportError:
            # No answer: the call may have reached DMS and been carried out.
            self._sent(change)
            self._pause(change)
            self.reread(change)
            return None
        self._sent(change)
        self.accepted += 1
        return change_begin_time(context, response, sent_wall)

    def reread(self, change: Change) -> None:
        """Read the instance again; a deadline that passes meanwhile fails with why the run was still at it."""
        try:
            self.instance = self.read_instance()
        except DeadlineExceeded:
            raise self.failure(self._timeout_message(change)) from None

    def _sent(self, change: Change) -> None:
        self.context.change.mark()
        self.sent.append(change.action)

    def _refused(self, change: Change, err: DmsApiError) -> None:
        """DMS said no: busy -> pause; 5xx -> may be made; 400/409 -> may be so already. Then read again."""
        repeated = self.refusals.last is not None
        kind = self.refusals.record(err)
        if kind == BUSY:
            self._pause(change)
        elif kind == MAYBE_MADE:
            self._sent(change)
            self._pause(change)
        elif kind == FINAL:
            raise self._could_not(change, err)
        elif repeated:
            self._pause(change)  # a refusal after another: paced like every poll, never a tight loop
        self.reread(change)
        check_not_stuck(self.instance or {}, self.options.instance_id)  # busy because FROZEN: no retry can help
        if kind == MAYBE_ALREADY:
            again = self.plan().changes
            if again and again[0] == change:
                # Read again, the instance still needs exactly this change: the refusal was about it, not stale state.
                raise self._could_not(change, err)

    def _could_not(self, change: Change, err: DmsApiError) -> DmsFailure:
        return self.failure(
            "Could not %s public IPs of DMS instance %s: %s. The instance reports %s."
            % (change.action, self.options.instance_id, err, self._described())
        )

    def _pause(self, change: Change) -> None:
        """Wait like every poll (the floor applies: wait_sleep is raised to it), never past the deadline."""
        context = self.context
        remaining = context.remaining()
        if remaining > 0:
            context.sleep(min(self.options.timing.sleep, remaining))
        self._check_time_left(change)

    def _check_time_left(self, change: Change) -> None:
        if self.context.remaining() <= 0:
            raise self.failure(self._timeout_message(change))

    def _described(self) -> str:
        if not self.instance:
            return "nothing (it could not be read)"
        try:
            return describe(self.plan().engine, self.instance)
        except DmsError:
            return "status %s" % shown(self.instance.get("status"))

    def _timeout_message(self, change: Change) -> str:
        refusals = self.refusals
        return send_timeout_message(
            self.options.timing.timeout,
            change.action,
            self.options.instance_id,
            self._described(),
            refusals.last,
            refusals.busy_for(),
            refusals.busy,
        )

    def wait_for(self, change: Change, begin_time: Optional[str]) -> None:
        """Until the instance reports the change and, where DMS records one, the change's own task SUCCEEDED."""
        waits = self.waits
        if waits is None:  # set by _run before any change is sent
            raise AssertionError("a change was sent before its wait was set up")
        try:
            waits.settle(change, begin_time, self.options.instance_id, self.options.timing.timeout)
        finally:
            self.instance = waits.instance or self.instance
