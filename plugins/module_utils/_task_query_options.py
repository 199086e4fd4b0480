# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.dms contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""dms_task_info's own options, checked before any request (also built by dms_request for its job waits)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Optional

from ._errors import ConfigurationError
from ._ids import validate_id
from ._poll import MAX_WAIT_TIMEOUT, WaitOptions
from ._tasks import to_api_time

LIST_ONLY_OPTIONS = ("name", "begin_time", "end_time", "latest")
# How long a list wait waits for a first matching task. DMS records a change's task while it accepts the call (the
# call's answer carries its job_id, and Terraform's by-name waits treat a task still missing 5 s after the call as an
# error), so a task missing after a minute was never created: the change was refused or had nothing to do. Twice the
# 30 s a task_id wait gives a task not yet found, for the name form's clock margins and a slow list.
DEFAULT_APPEAR_TIMEOUT = 60


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
    wait: WaitOptions = WaitOptions()
    fail_on_task_failure: bool = True
    include_progress: bool = False
    appear_timeout: int = DEFAULT_APPEAR_TIMEOUT

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
        if begin_time and end_time and begin_time > end_time:
            raise ConfigurationError(
                "Option 'begin_time' (%s) is after 'end_time' (%s); swap them." % (begin_time, end_time)
            )
        appear_timeout = params.get("appear_timeout")
        appear_timeout = DEFAULT_APPEAR_TIMEOUT if appear_timeout is None else appear_timeout
        if not 1 <= appear_timeout <= MAX_WAIT_TIMEOUT:
            raise ConfigurationError(
                "Option 'appear_timeout' must be 1 to %d seconds, got %s."
                % (MAX_WAIT_TIMEOUT, str(appear_timeout)[:20])
            )
        return cls(
            appear_timeout=int(appear_timeout),
            instance_id=instance_id,
            task_id=task_id,
            name=params.get("name"),
            begin_time=begin_time,
            end_time=end_time,
            latest=_bool(params, "latest", cls.latest),
            wait_for=_bool(params, "wait_for", cls.wait_for),
            wait=WaitOptions.from_params(params),
            fail_on_task_failure=_bool(params, "fail_on_task_failure", cls.fail_on_task_failure),
            include_progress=_bool(params, "include_progress", cls.include_progress),
        )

    @property
    def single(self) -> bool:
        return bool(self.task_id or self.latest)

    @property
    def run_timeout(self) -> Optional[float]:
        """The run's deadline: wait_timeout when waiting, else the module's bound for a read."""
        return float(self.wait.timeout) if self.wait_for else None
