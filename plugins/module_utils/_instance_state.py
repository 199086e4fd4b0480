# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.dms contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""A DMS instance's ``status``: which states take a change, which pass by themselves, which never do.

The documented states (API reference, "Instance Status"; SDK ShowInstanceResponse docstrings): CREATING, RUNNING,
ERROR, RESTARTING, STARTING, EXTENDING, EXTENDEDFAILED, FROZEN, FREEZING, UPGRADING, ROLLINGBACK, DELETING,
CREATEFAILED. terraform-provider-huaweicloud waits for RUNNING after each change and stops on the failed ones.
"""

from __future__ import annotations

from typing import Any, Callable, Mapping, Optional

from ._errors import DmsError
from ._poll import PollAborted, poll

RUNNING = "RUNNING"
PASSING_STATES = frozenset(("CREATING", "STARTING", "RESTARTING", "EXTENDING", "UPGRADING", "ROLLINGBACK", "FREEZING"))
# States that do not pass by themselves, and what the user can do about each.
STUCK_STATES = {
    "FROZEN": "the instance is frozen (arrears or a security freeze): pay the arrears or contact support to unfreeze"
    " it, then run again",
    "ERROR": "the instance is faulty: check it in the DMS console (restart it or open a service ticket), then run again",
    "EXTENDEDFAILED": "the last scale-out failed: retry or roll back the scale-out in the DMS console, then run again",
    "CREATEFAILED": "the instance was never created: delete it and create it again",
    "DELETING": "the instance is being deleted: public access can no longer be changed",
}


def _cut(text: Optional[str], limit: int = 40) -> str:
    text = text or "(none)"
    return text if len(text) <= limit else "%s... (%d more characters)" % (text[:limit], len(text) - limit)


class InstanceStuck(DmsError):
    """The instance is in a state that does not pass by itself: no change can work, waiting cannot help."""


def instance_status(detail: Mapping[str, Any]) -> Optional[str]:
    status = detail.get("status")
    return status.strip().upper() if isinstance(status, str) and status.strip() else None


def check_not_stuck(detail: Mapping[str, Any], instance_id: str) -> None:
    status = instance_status(detail)
    if status is not None and status in STUCK_STATES:
        raise InstanceStuck(
            "DMS instance %s is %s, which does not pass by itself: %s." % (instance_id, status, STUCK_STATES[status])
        )


def is_known(status: Optional[str]) -> bool:
    return status is None or status == RUNNING or status in PASSING_STATES or status in STUCK_STATES


def takes_changes(detail: Mapping[str, Any]) -> bool:
    """RUNNING, or no status at all (an older detail without one): a change may be sent."""
    status = instance_status(detail)
    return status is None or status == RUNNING


def until_running(
    read: Callable[[], dict[str, Any]],
    first: dict[str, Any],
    instance_id: str,
    deadline: float,
    interval: float,
    warn: Callable[[str], None],
    clock: Callable[[], float],
    sleep: Callable[[float], None],
) -> dict[str, Any]:
    """The detail once the instance takes changes: passing states waited for within the run's deadline, stuck ones
    failed at once, an unknown state waited for with one warning. ``first`` is the detail read just before."""
    warned: set[str] = set()

    def checked(detail: dict[str, Any]) -> dict[str, Any]:
        check_not_stuck(detail, instance_id)
        status = instance_status(detail)
        if not is_known(status) and status not in warned:
            warned.add(status or "")
            warn(
                "DMS instance %s reports status %r, which dms_public_access does not know: it waits for RUNNING"
                " within wait_timeout." % (instance_id, _cut(status))
            )
        return detail

    checked(first)
    if takes_changes(first):
        return first
    try:
        outcome = poll(lambda: checked(read()), takes_changes, deadline, interval, clock=clock, sleep=sleep)
    except PollAborted as aborted:
        raise aborted.cause from None
    if not outcome.done:
        raise DmsError(
            "Timed out after wait_timeout waiting for DMS instance %s to be RUNNING before changing its public access:"
            " it last reported status %s. Nothing was sent. Raise wait_timeout, or run again once it is RUNNING."
            % (instance_id, _cut(instance_status(outcome.value or first)))
        )
    return outcome.value or first
