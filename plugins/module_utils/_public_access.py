# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.dms contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What dms_public_access does, without Ansible: read the instance, plan the calls, send them, wait.

Facts (shared/dms-api.md §7, SDK 3.1.219, terraform-provider-huaweicloud):
- RabbitMQ/RocketMQ bind with ``PUT /v2/{project_id}/instances/{instance_id}`` and
  ``{"enable_publicip": true, "publicip_id": "<ids, comma-separated>"}``, unbind with
  ``{"enable_publicip": false}``; 204, no job id; DMS records ``bindInstancePublicIp`` /
  ``unbindInstancePublicIp``.
- Kafka's update model has no public fields: Kafka uses the switch
  ``POST /v1/{project_id}/instances/{instance_id}/public-boundwidth`` -- ``publicip_id`` (one EIP per broker)
  turns public access on when it is off, an empty body turns it off when it is on. The task it records is
  not documented, so for Kafka the wait ends on the instance's own fields only.
- While the instance cannot take the change DMS answers ``DMS.00400026``; Terraform retries then.
"""

from __future__ import annotations

import calendar
import re
import time
from typing import Any, Callable, Mapping, Optional, Sequence
from urllib.parse import quote

from ._errors import ConfigurationError, DmsApiError, DmsError, DmsFailure, DmsResponseError
from ._ids import validate_id
from ._server_clock import ServerClock, parse_http_date
from ._tasks import SUCCESS_STATUSES, TERMINAL_STATUSES, DmsTaskApi, filter_tasks
from ._waiter import TaskWaiter, WaitAborted, WaitTimeout

KAFKA = "kafka"
RABBITMQ = "rabbitmq"
ROCKETMQ = "rocketmq"
# What the detail's `engine` says -> the engine; RocketMQ instances report `reliability`.
ENGINE_NAMES = {"kafka": KAFKA, "rabbitmq": RABBITMQ, "rocketmq": ROCKETMQ, "reliability": ROCKETMQ}
ENGINE_LABELS = {KAFKA: "Kafka", RABBITMQ: "RabbitMQ", ROCKETMQ: "RocketMQ"}

BIND = "bind"
UNBIND = "unbind"
# The task each change records, where that is documented (not for Kafka's switch).
TASK_NAMES = {
    (RABBITMQ, BIND): "bindInstancePublicIp",
    (RABBITMQ, UNBIND): "unbindInstancePublicIp",
    (ROCKETMQ, BIND): "bindInstancePublicIp",
    (ROCKETMQ, UNBIND): "unbindInstancePublicIp",
}

# "This operation is not allowed due to the instance status": another change runs, or the instance is not RUNNING.
# CBC.99003651 ("another operation is being performed", billing) is retried by Terraform for the same reason.
BUSY_ERROR_CODES = frozenset(("DMS.00400026", "CBC.99003651"))
# EIP ids are UUIDs (1aea7aed-e7d8-40ea-b3de-6f3ee9d5db9f). Anything beyond letters, digits and '-' cannot be one;
# a ',' would even split one id into two in the comma-separated `publicip_id`.
EIP_ID_PATTERN = re.compile(r"^[A-Za-z0-9-]{1,64}$")
# Kafka's public_access_enabled / kafka_public_status values that mean "on" (SDK field docs).
KAFKA_ON_VALUES = frozenset(("true", "actived"))
# DMS creates the change's task before it answers, and Date has whole seconds: look this far before the answer.
CHANGE_TIME_MARGIN = 3.0
STATES = ("present", "absent")


# --- reading an instance detail --------------------------------------------------------------------
def engine_of(detail: Mapping[str, Any], instance_id: str) -> str:
    """The engine from the detail's `engine` field; an engine this module does not know is a clear error."""
    raw = detail.get("engine")
    engine = ENGINE_NAMES.get(str(raw).strip().lower()) if isinstance(raw, str) else None
    if engine is None:
        raise DmsResponseError(
            "DMS instance %s reports engine %r, which dms_public_access does not know: it handles kafka, rabbitmq and"
            " rocketmq (reported as rocketmq or reliability). Check instance_id; for other services this module does"
            " not apply." % (instance_id, raw)
        )
    return engine


def split_ids(value: Any) -> tuple[str, ...]:
    """`publicip_id` as the API sends it (comma-separated string, maybe empty or absent) -> ids."""
    if isinstance(value, list):
        parts = [str(item) for item in value]
    elif isinstance(value, str):
        parts = value.split(",")
    else:
        return ()
    return tuple(part.strip() for part in parts if part and part.strip())


class PublicState:
    """Public access as an instance detail reports it; ``ids`` is None when the detail does not list them."""

    def __init__(self, enabled: bool, ids: Optional[Sequence[str]]) -> None:
        self.enabled = enabled
        self.ids: Optional[tuple[str, ...]] = tuple(ids) if ids is not None else None

    def same_ids(self, wanted: Sequence[str]) -> Optional[bool]:
        """Whether the bound EIPs are ``wanted`` (order does not matter); None when unknown."""
        if self.ids is None:
            return None
        return set(self.ids) == set(wanted)

    def as_diff(self) -> dict[str, Any]:
        return {"enable_publicip": self.enabled, "public_ip_ids": sorted(self.ids) if self.ids is not None else None}

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PublicState) and (self.enabled, self.ids) == (other.enabled, other.ids)

    def __repr__(self) -> str:
        return "PublicState(enabled=%r, ids=%r)" % (self.enabled, self.ids)


def _kafka_on(detail: Mapping[str, Any], key: str) -> Optional[bool]:
    value = detail.get(key)
    if value is None or value == "":
        return None
    return str(value).strip().lower() in KAFKA_ON_VALUES


def read_public_state(engine: str, detail: Mapping[str, Any]) -> PublicState:
    enabled = detail.get("enable_publicip") is True or str(detail.get("enable_publicip")).lower() == "true"
    ids: Optional[tuple[str, ...]] = split_ids(detail.get("publicip_id"))
    if engine == KAFKA:
        # Kafka's ShowInstanceResponse has no publicip_id: the bound EIPs cannot be read back unless a detail adds them.
        if _kafka_on(detail, "public_access_enabled") is True:
            enabled = True
        if not ids:
            ids = None if enabled else ()
    if not enabled:
        ids = ()
    return PublicState(enabled, ids)


def public_address(engine: str, detail: Mapping[str, Any]) -> str:
    """The address clients use from outside, '' when the detail has none."""
    keys = {
        KAFKA: ("public_connect_address",),
        RABBITMQ: ("public_connect_address", "publicip_address"),
        ROCKETMQ: ("public_namesrv_address", "publicip_address"),
    }[engine]
    for key in keys:
        value = detail.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return ""


def is_settled(engine: str, detail: Mapping[str, Any], enable: bool, ids: Sequence[str] = ()) -> bool:
    """Whether the detail reports the requested state: on with these EIPs and an address, or off."""
    state = read_public_state(engine, detail)
    if enable:
        if not state.enabled or state.same_ids(ids) is False or not public_address(engine, detail):
            return False
        return engine != KAFKA or (
            _kafka_on(detail, "public_access_enabled") is not False
            and _kafka_on(detail, "kafka_public_status") is not False
        )
    if state.enabled:
        return False
    return engine != KAFKA or (
        _kafka_on(detail, "public_access_enabled") is not True and not public_address(engine, detail)
    )


# --- options -----------------------------------------------------------------------------------------
def validate_public_ip_ids(value: Any) -> tuple[str, ...]:
    """The EIP ids as given (order kept); each must look like an EIP id, none twice."""
    if value is None:
        raise ConfigurationError(
            "Option 'public_ip_ids' is required with state=present: the EIP ids to bind"
            " (one for RabbitMQ, one or more for RocketMQ, one per broker for Kafka)."
        )
    if isinstance(value, str):
        value = [value]
    ids = tuple(str(item).strip() for item in value)
    if not ids:
        raise ConfigurationError(
            "Option 'public_ip_ids' must not be empty with state=present; to remove public access use state=absent."
        )
    for item in ids:
        if not EIP_ID_PATTERN.match(item):
            raise ConfigurationError(
                "Option 'public_ip_ids' holds %r, which cannot be an EIP id: EIP ids are letters, digits and '-' only"
                " (a UUID such as 1aea7aed-e7d8-40ea-b3de-6f3ee9d5db9f). Give each id as its own list item, without"
                " commas or spaces." % item[:80]
            )
    repeated = sorted({item for item in ids if ids.count(item) > 1})
    if repeated:
        raise ConfigurationError(
            "Option 'public_ip_ids' lists %s more than once; give each EIP once." % ", ".join(repeated)
        )
    return ids


def check_count(engine: str, ids: Sequence[str], detail: Mapping[str, Any], instance_id: str) -> None:
    """One EIP for RabbitMQ; one or more for RocketMQ; one per broker for Kafka when the detail says how many."""
    label = ENGINE_LABELS[engine]
    if engine == RABBITMQ and len(ids) != 1:
        raise ConfigurationError(
            "Option 'public_ip_ids' must hold exactly one EIP id for RabbitMQ instance %s, got %d."
            % (instance_id, len(ids))
        )
    if engine == KAFKA:
        brokers = detail.get("broker_num")
        if isinstance(brokers, int) and not isinstance(brokers, bool) and brokers > 0 and len(ids) != brokers:
            raise ConfigurationError(
                "Option 'public_ip_ids' must hold one EIP id per broker for %s instance %s: it has %d brokers"
                " (broker_num), got %d ids." % (label, instance_id, brokers, len(ids))
            )


class PublicAccessOptions:
    def __init__(self, params: Mapping[str, Any], warn: Callable[[str], None] = lambda message: None) -> None:
        self.instance_id: str = validate_id(params.get("instance_id"), "instance_id") or ""
        if not self.instance_id:
            raise ConfigurationError("Option 'instance_id' is required: the ID of the DMS instance.")
        self.state: str = params.get("state") or "present"
        if self.state not in STATES:
            raise ConfigurationError("Option 'state' must be present or absent, got %r." % self.state)
        self.public_ip_ids: tuple[str, ...] = ()
        if self.state == "present":
            self.public_ip_ids = validate_public_ip_ids(params.get("public_ip_ids"))
        elif params.get("public_ip_ids"):
            warn("Option 'public_ip_ids' is ignored with state=absent: every public IP of the instance is unbound.")
        self.wait = params.get("wait") is not False
        self.wait_timeout = int(params["wait_timeout"]) if params.get("wait_timeout") is not None else 900
        self.wait_sleep = float(params["wait_sleep"]) if params.get("wait_sleep") is not None else 5.0
        if self.wait_timeout < 1:
            raise ConfigurationError("Option 'wait_timeout' must be at least 1 second, got %d." % self.wait_timeout)
        if not self.wait_sleep > 0:
            raise ConfigurationError("Option 'wait_sleep' must be more than 0 seconds, got %s." % self.wait_sleep)
        if self.wait_sleep > self.wait_timeout:
            raise ConfigurationError(
                "Option 'wait_sleep' (%s s) must not exceed 'wait_timeout' (%d s): lower wait_sleep or raise wait_timeout."
                % (self.wait_sleep, self.wait_timeout)
            )


# --- the plan --------------------------------------------------------------------------------------
class Change:
    """One call that changes public access."""

    def __init__(self, engine: str, action: str, ids: Sequence[str] = ()) -> None:
        self.engine = engine
        self.action = action
        self.ids = tuple(ids)

    @property
    def task_name(self) -> Optional[str]:
        return TASK_NAMES.get((self.engine, self.action))

    def method_path(self, project_id: str, instance_id: str) -> tuple[str, str]:
        ids = (quote(project_id, safe=""), quote(instance_id, safe=""))
        if self.engine == KAFKA:
            return "POST", "/v1/%s/instances/%s/public-boundwidth" % ids
        return "PUT", "/v2/%s/instances/%s" % ids

    def body(self) -> dict[str, Any]:
        if self.engine == KAFKA:
            # The switch: EIP ids turn public access on; an empty body turns it off.
            return {"publicip_id": ",".join(self.ids)} if self.action == BIND else {}
        if self.action == BIND:
            return {"enable_publicip": True, "publicip_id": ",".join(self.ids)}
        return {"enable_publicip": False}

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Change) and (self.engine, self.action, self.ids) == (
            other.engine,
            other.action,
            other.ids,
        )

    def __repr__(self) -> str:
        return "Change(%r, %r, %r)" % (self.engine, self.action, self.ids)


class Plan:
    def __init__(
        self,
        engine: str,
        before: PublicState,
        after: PublicState,
        changes: list[Change],
        warnings: Optional[list[str]] = None,
    ) -> None:
        self.engine = engine
        self.before = before
        self.after = after
        self.changes = changes
        self.warnings = warnings or []

    @property
    def actions(self) -> list[str]:
        return [change.action for change in self.changes]


def plan_changes(state: str, wanted: Sequence[str], detail: Mapping[str, Any], instance_id: str) -> Plan:
    """state x current detail x engine -> the calls to make (none, bind, unbind, or unbind then bind)."""
    engine = engine_of(detail, instance_id)
    before = read_public_state(engine, detail)
    if state == "absent":
        if not before.enabled:
            return Plan(engine, before, before, [])
        return Plan(engine, before, PublicState(False, ()), [Change(engine, UNBIND)])
    check_count(engine, wanted, detail, instance_id)
    after = PublicState(True, wanted)
    if not before.enabled:
        return Plan(engine, before, after, [Change(engine, BIND, wanted)])
    same = before.same_ids(wanted)
    if same is True:
        return Plan(engine, before, before, [])
    if same is None:
        # Kafka's detail does not say which EIPs are bound: changing on every run would never be idempotent.
        address = public_address(engine, detail) or "no address reported"
        warning = (
            "%s instance %s already has public access (%s), but its detail does not list the bound EIP ids, so"
            " they cannot be compared with public_ip_ids; nothing was changed. To move it to other EIPs, run"
            " with state=absent first." % (ENGINE_LABELS[engine], instance_id, address)
        )
        return Plan(engine, before, before, [], [warning])
    # Other EIPs: a switch, with a short loss of public access between the two changes.
    return Plan(engine, before, after, [Change(engine, UNBIND), Change(engine, BIND, wanted)])


# --- time of a change ------------------------------------------------------------------------------
def change_time(
    headers: Optional[Mapping[str, str]],
    fallback: Callable[[], float] = time.time,
    margin: float = CHANGE_TIME_MARGIN,
    sent_at: Optional[float] = None,
    received_at: Optional[float] = None,
    server_clock: Optional[ServerClock] = None,
) -> float:
    """Epoch seconds, on the DMS server's clock, from which the change's task can have been created.

    Taken from the server's ``Date`` header of the change call's answer (HTTP-date, whole seconds, the
    server's clock -- the same clock that stamps ``created_at``): DMS creates the task while it handles the
    call, so no earlier than the answer's Date minus the call's round trip (``received_at - sent_at``, this
    host's wall clock; a slow call would otherwise move the time past its own task), minus ``margin`` for
    the whole-second header and DMS's hosts stamping created_at. The answer also teaches ``server_clock``.

    Only without a usable header does this host's clock stand in: the time the call was sent (else
    ``fallback()``), moved onto the server's clock by the lower bound of what earlier answers showed
    (issue 17), minus ``margin``.
    """
    value = None
    for name, text in (headers or {}).items():
        if name.lower() == "date":
            value = text
            break
    stamped = parse_http_date(value)
    timed = sent_at is not None and received_at is not None and received_at >= sent_at
    if stamped is not None:
        if timed and server_clock is not None:
            server_clock.observe(value, sent_at, received_at)
        round_trip = received_at - sent_at if timed else 0.0
        return stamped - round_trip - margin
    local = sent_at if sent_at is not None else fallback()
    if server_clock is not None and server_clock.known and server_clock.low is not None:
        local += server_clock.low
    return local - margin


def _epoch(value: Any) -> Optional[float]:
    if not isinstance(value, str) or not value:
        return None
    text = value.strip()
    match = re.match(r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:?\d{2})?$", text)
    if not match:
        return None
    year, month, day, hour, minute, second = (int(part) for part in match.groups()[:6])
    epoch = calendar.timegm((year, month, day, hour, minute, second, 0, 0, 0)) + float(match.group(7) or 0)
    zone = match.group(8)
    if zone and zone != "Z":
        sign = -1 if zone[0] == "-" else 1
        digits = zone[1:].replace(":", "")
        epoch -= sign * (int(digits[:2]) * 3600 + int(digits[2:]) * 60)
    return epoch


def find_change_task(tasks: Sequence[dict[str, Any]], name: str, since: float) -> Optional[dict[str, Any]]:
    """The newest task named ``name`` created at or after ``since``; an older one of that name never counts."""
    recent = [task for task in filter_tasks(tasks, name=name) if (_epoch(task.get("created_at")) or 0.0) >= since]
    return filter_tasks(recent, latest=True)[0] if recent else None


def api_time(epoch: float) -> str:
    """begin_time for the task list: whole seconds (it is inclusive to the second), UTC."""
    return time.strftime("%Y%m%d%H%M%S", time.gmtime(int(epoch)))


# --- doing it --------------------------------------------------------------------------------------
# The module base's one failure type, under the name this file used (changed, instance, task, elapsed).
PublicAccessFailed = DmsFailure


_PENDING = "EXECUTING"


class PublicAccess:
    """Read, plan, change and wait, all under one monotonic deadline (wait_timeout from the start of run())."""

    def __init__(
        self,
        options: PublicAccessOptions,
        client: Any,
        project_id: str,
        warn: Callable[[str], None],
        started: Optional[float] = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self.options = options
        self.client = client
        self.project_id = project_id
        self.warn = warn
        self.clock = clock
        self.sleep = sleep
        self.wall_clock = wall_clock
        self.started = clock() if started is None else started
        self.instance_path = "/v2/%s/instances/%s" % (quote(project_id, safe=""), quote(options.instance_id, safe=""))
        self.tasks = DmsTaskApi(client, project_id, options.instance_id)
        self.changed = False
        self.instance: Optional[dict[str, Any]] = None
        self.task: Optional[dict[str, Any]] = None
        self.diff: Optional[dict[str, Any]] = None

    # results
    def _elapsed(self) -> float:
        return round(self.clock() - self.started, 3)

    def _result(self, plan: Optional[Plan] = None) -> dict[str, Any]:
        result: dict[str, Any] = {
            "changed": self.changed,
            "instance": self.instance or {},
            "task": self.task,
            "elapsed": self._elapsed(),
        }
        if plan is not None:
            result["actions"] = plan.actions
        if self.diff is not None:
            result["diff"] = self.diff
        return result

    def _fail(self, message: str, plan: Optional[Plan]) -> PublicAccessFailed:
        return PublicAccessFailed(message, self._result(plan))

    # calls
    def read_instance(self, deadline: Optional[float]) -> dict[str, Any]:
        try:
            response = self.client.get_json(self.instance_path, deadline=deadline)
        except DmsApiError as err:
            if err.not_found:
                raise ConfigurationError(
                    "DMS instance %s does not exist in project %s (%s). Check instance_id, and that region/project_id"
                    " are the instance's." % (self.options.instance_id, self.project_id, err)
                ) from None
            raise
        if not isinstance(response.data, dict):
            raise DmsResponseError(
                "DMS API GET %s answered with %s instead of a JSON object."
                % (self.instance_path, type(response.data).__name__)
            )
        return response.data

    def send(self, change: Change, deadline: float, plan: Plan) -> float:
        """Send one change, retrying while DMS answers DMS.00400026; returns the change's time (epoch seconds)."""
        method, path = change.method_path(self.project_id, self.options.instance_id)
        busy_since = None
        attempts = 0
        while True:
            attempts += 1
            try:
                response = self.client.request(method, path, body=change.body(), deadline=deadline)
            except DmsApiError as err:
                if err.error_code not in BUSY_ERROR_CODES:
                    raise self._fail(
                        "Could not %s public IPs of DMS instance %s: %s"
                        % (change.action, self.options.instance_id, err),
                        plan,
                    ) from None
                busy_since = self.clock() if busy_since is None else busy_since
                remaining = deadline - self.clock()
                if remaining > 0:
                    self.sleep(min(self.options.wait_sleep, remaining))
                if deadline - self.clock() <= 0:
                    # Checked after the pause too: the next try could not be sent anyway, and this says why.
                    raise self._fail(
                        "Timed out after wait_timeout=%d s: DMS kept answering %s (%s) to the %s of public IPs of"
                        " instance %s for %.1f s (%d attempts); the instance is busy with another change or not RUNNING."
                        " Raise wait_timeout or try again when the instance is RUNNING."
                        % (
                            self.options.wait_timeout,
                            err.error_code,
                            err.error_msg or "instance busy",
                            change.action,
                            self.options.instance_id,
                            self.clock() - busy_since,
                            attempts,
                        ),
                        plan,
                    ) from None
                continue
            except DmsError as err:
                raise self._fail(
                    "Could not %s public IPs of DMS instance %s: %s" % (change.action, self.options.instance_id, err),
                    plan,
                ) from None
            self.changed = True
            server_clock = getattr(self.client, "server_clock", None)
            return change_time(
                response.headers,
                self.wall_clock,
                sent_at=response.sent_at,
                received_at=response.received_at,
                server_clock=server_clock if isinstance(server_clock, ServerClock) else None,
            )

    def wait_for(self, change: Change, since: float, deadline: float, plan: Plan) -> None:
        """Until the instance reports the change and, where DMS records one, the change's own task SUCCEEDED."""
        name = change.task_name
        enable = change.action == BIND
        seen: dict[str, Any] = {"listed": False}

        def read(read_deadline: Optional[float]) -> list[dict[str, Any]]:
            entries: list[dict[str, Any]] = []
            if name:
                task = find_change_task(
                    self.tasks.list(begin_time=api_time(since), deadline=read_deadline), name, since
                )
                if task is None:
                    return []  # not listed yet: keep polling
                self.task = task
                seen["listed"] = True
                if task.get("status") in TERMINAL_STATUSES and task.get("status") not in SUCCESS_STATUSES:
                    return [task]  # failed: the instance will not change any more
                entries.append(task)
            self.instance = self.read_instance(read_deadline)
            settled = is_settled(plan.engine, self.instance, enable, change.ids)
            entries.append({"id": self.options.instance_id, "status": "SUCCESS" if settled else _PENDING})
            return entries

        waiter = TaskWaiter(
            read,
            max(deadline - self.clock(), 0.0),
            self.options.wait_sleep,
            clock=self.clock,
            sleep=self.sleep,
            warn=self.warn,
        )
        what = "%s public IPs of %s instance %s" % (change.action, ENGINE_LABELS[plan.engine], self.options.instance_id)
        try:
            waiter.wait()
        except WaitTimeout as timeout:
            raise self._fail(
                "Timed out after wait_timeout=%d s waiting to %s: %s; %d reads. The change may still"
                " finish: raise wait_timeout, or check the instance in the DMS console."
                % (
                    self.options.wait_timeout,
                    what,
                    self._seen(name, since, seen["listed"], plan.engine),
                    timeout.outcome.attempts,
                ),
                plan,
            ) from None
        except WaitAborted as aborted:
            raise self._fail("Error while waiting to %s: %s" % (what, aborted.cause), plan) from None
        status = (self.task or {}).get("status") if name else None
        if name and status not in SUCCESS_STATUSES:
            raise self._fail(
                "DMS task %s (%s) ended with status %s on instance %s after %.1f s; the instance's public access was"
                " not changed as asked. Check the EIP (free, in the instance's region) and the task in the DMS console."
                % ((self.task or {}).get("id"), name, status, self.options.instance_id, self._elapsed()),
                plan,
            )

    def _seen(self, name: Optional[str], since: float, listed: bool, engine: str) -> str:
        parts = []
        if name and not listed:
            parts.append(
                "DMS lists no %s task created since %s UTC (server's clock) yet"
                % (name, time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(since)))
            )
        elif name and self.task:
            parts.append("task %s (%s) last status %s" % (self.task.get("id"), name, self.task.get("status")))
        if self.instance is not None:
            state = read_public_state(engine, self.instance)
            address = public_address(engine, self.instance)
            shown = ", address %s" % address if address else ""
            parts.append("the instance reports enable_publicip=%s%s" % (str(state.enabled).lower(), shown))
        return "; ".join(parts) or "nothing was read"

    def run(self, check_mode: bool = False, diff_mode: bool = False) -> dict[str, Any]:
        options = self.options
        deadline = self.clock() + options.wait_timeout
        try:
            self.instance = self.read_instance(deadline)
            plan = plan_changes(options.state, options.public_ip_ids, self.instance, options.instance_id)
        except DmsError as err:
            raise self._fail(str(err), None) from None
        for warning in plan.warnings:
            self.warn(warning)
        if diff_mode:
            self.diff = {"before": plan.before.as_diff(), "after": plan.after.as_diff()}
        if not plan.changes:
            return self._result(plan)
        if check_mode:
            result = self._result(plan)
            result["changed"] = True
            return result
        for index, change in enumerate(plan.changes):
            since = self.send(change, deadline, plan)
            last = index == len(plan.changes) - 1
            if options.wait or not last:
                # A switch always waits for its unbind: DMS would refuse the bind while public access is still on.
                self.wait_for(change, since, deadline, plan)
        if not options.wait:
            try:
                self.instance = self.read_instance(deadline)
            except DmsError as err:
                raise self._fail(str(err), plan) from None
        return self._result(plan)
