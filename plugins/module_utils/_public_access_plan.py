# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.dms contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""dms_public_access's options and its plan: requested state x the instance's state -> the calls to send (pure).

The calls (SDK 3.1.219, terraform-provider-huaweicloud):
- RabbitMQ/RocketMQ bind with ``PUT /v2/{project_id}/instances/{instance_id}`` and
  ``{"enable_publicip": true, "publicip_id": "<ids, comma-separated>"}``, unbind with ``{"enable_publicip": false}``;
  204, no job id; DMS records ``bindInstancePublicIp`` / ``unbindInstancePublicIp``.
- Kafka's update model has no public fields: Kafka uses the switch
  ``POST /v1/{project_id}/instances/{instance_id}/public-boundwidth`` -- ``publicip_id`` (one EIP per broker) turns
  public access on when it is off, an empty body turns it off when it is on. The task it records is not documented.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Mapping, Optional, Sequence
from urllib.parse import quote

from ._errors import ConfigurationError
from ._ids import validate_id
from ._poll import WaitOptions
from ._public_access_state import (
    EIP_ID_PATTERN,
    ENGINE_LABELS,
    KAFKA,
    RABBITMQ,
    ROCKETMQ,
    BoundEips,
    PublicState,
    bound_eips,
    engine_of,
    public_address,
    read_public_state,
    shown,
)

BIND = "bind"
UNBIND = "unbind"
STATES = ("present", "absent")
# The task each change records: RabbitMQ/RocketMQ (Terraform waits for them); Kafka's switch records the same names
# (Kafka API reference, "Querying a Background Task", whose example is a bindInstancePublicIp task).
TASK_NAMES = {
    (KAFKA, BIND): "bindInstancePublicIp",
    (KAFKA, UNBIND): "unbindInstancePublicIp",
    (RABBITMQ, BIND): "bindInstancePublicIp",
    (RABBITMQ, UNBIND): "unbindInstancePublicIp",
    (ROCKETMQ, BIND): "bindInstancePublicIp",
    (ROCKETMQ, UNBIND): "unbindInstancePublicIp",
}
# RocketMQ: "one broker runs on three servers" (DMS for RocketMQ user guide, "Configuring Public Access") and
# terraform-provider-huaweicloud's acceptance tests bind 3 EIPs per broker.
ROCKETMQ_EIPS_PER_BROKER = 3
# A bind of public access can take longer than other waits: the module's own default for wait_timeout.
DEFAULT_WAIT_TIMEOUT = 900


LIST_SEPARATORS = re.compile(r"[\s,]+")


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit] + "..."


def _first_items(ids: Sequence[str], count: int = 3) -> str:
    """The first items of the whole value, each cut, and an ellipsis for the rest: never a value cut mid-id."""
    shown_ids = ", ".join(repr(_cut(item, 80)) for item in ids[:count])
    return shown_ids + (", ... (%d in all)" % len(ids) if len(ids) > count else "")


def validate_public_ip_ids(value: Any) -> tuple[str, ...]:
    """The EIP ids as given (order kept); each must look like an EIP id, none twice (checked in linear time)."""
    if value is None:
        raise ConfigurationError(
            "Option 'public_ip_ids' is required with state=present: the EIP ids to bind"
            " (one for RabbitMQ, one or more for RocketMQ, one per broker for Kafka)."
        )
    if isinstance(value, str):
        value = [value]
    # Ansible's list type already splits "a,b" at commas; "a b" and "a, b" are split here the same way, so every
    # spelling of a list in one string gives the same ids.
    ids = tuple(part for item in value for part in LIST_SEPARATORS.split(str(item)) if part)
    if not ids:
        raise ConfigurationError(
            "Option 'public_ip_ids' must not be empty with state=present; to remove public access use state=absent."
        )
    for item in ids:
        if not EIP_ID_PATTERN.match(item):
            raise ConfigurationError(
                "Option 'public_ip_ids' holds %r, which cannot be an EIP id: EIP ids are letters, digits and '-' only"
                " (a UUID such as 1aea7aed-e7d8-40ea-b3de-6f3ee9d5db9f). The value was read as [%s]. Give each id as"
                " its own list item." % (_cut(item, 80), _first_items(ids))
            )
    repeated = sorted(item for item, count in Counter(ids).items() if count > 1)
    if repeated:
        listed = ", ".join(repeated[:5]) + (" and %d more" % (len(repeated) - 5) if len(repeated) > 5 else "")
        raise ConfigurationError("Option 'public_ip_ids' lists %s more than once; give each EIP once." % listed)
    return ids


@dataclass(frozen=True)
class PublicAccessOptions:
    """dms_public_access's own options, checked; build it with ``from_params``."""

    instance_id: str
    state: str = "present"
    public_ip_ids: tuple[str, ...] = ()
    wait: bool = True
    timing: WaitOptions = WaitOptions(timeout=DEFAULT_WAIT_TIMEOUT)
    warnings: tuple[str, ...] = field(default=(), compare=False)

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> "PublicAccessOptions":
        """The options from the module's parameters (None means the default); a ConfigurationError names a bad one."""
        instance_id = validate_id(params.get("instance_id"), "instance_id")
        if not instance_id:
            raise ConfigurationError("Option 'instance_id' is required: the ID of the DMS instance.")
        state = params.get("state") or "present"
        if state not in STATES:
            raise ConfigurationError("Option 'state' must be present or absent, got %r." % str(state)[:40])
        ids: tuple[str, ...] = ()
        warnings: tuple[str, ...] = ()
        if state == "present":
            ids = validate_public_ip_ids(params.get("public_ip_ids"))
        elif params.get("public_ip_ids"):
            warnings = (
                "Option 'public_ip_ids' is ignored with state=absent: every public IP of the instance is unbound.",
            )
        timing = dict(params)
        if timing.get("wait_timeout") is None:
            timing["wait_timeout"] = DEFAULT_WAIT_TIMEOUT
        return cls(
            instance_id=instance_id,
            state=state,
            public_ip_ids=ids,
            wait=params.get("wait") is not False,
            timing=WaitOptions.from_params(timing),
            warnings=warnings,
        )

    @property
    def run_timeout(self) -> float:
        """One deadline for the whole run: reading, retrying, the changes and the waits."""
        return float(self.timing.timeout)


def _broker_count(detail: Mapping[str, Any]) -> Optional[int]:
    brokers = detail.get("broker_num")
    if isinstance(brokers, int) and not isinstance(brokers, bool) and brokers > 0:
        return brokers
    return None


def count_warnings(engine: str, ids: Sequence[str], detail: Mapping[str, Any], instance_id: str) -> list[str]:
    """RocketMQ: a warning (sent anyway) when the count is not 3 per broker, the count Huawei documents."""
    brokers = _broker_count(detail) or 1
    if engine != ROCKETMQ or len(ids) == ROCKETMQ_EIPS_PER_BROKER * brokers:
        return []
    return [
        "RocketMQ instance %s has %d broker(s) and public_ip_ids holds %d EIP(s): Huawei's RocketMQ user guide (one"
        " broker runs on three servers) and terraform-provider-huaweicloud's acceptance tests use %d EIPs per broker."
        " The bind is sent as given; DMS may refuse it." % (instance_id, brokers, len(ids), ROCKETMQ_EIPS_PER_BROKER)
    ]


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


class Change:
    """One call that changes public access."""

    def __init__(self, engine: str, action: str, ids: Sequence[str] = ()) -> None:
        self.engine = engine
        self.action = action
        self.ids = tuple(ids)

    @property
    def task_name(self) -> Optional[str]:
        return TASK_NAMES.get((self.engine, self.action))

    @property
    def enable(self) -> bool:
        return self.action == BIND

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


def plan_changes(
    state: str, wanted: Sequence[str], detail: Mapping[str, Any], instance_id: str, bound: BoundEips = bound_eips
) -> Plan:
    """state x current detail x engine -> the calls to make (none, bind, unbind, or unbind then bind)."""
    engine = engine_of(detail, instance_id)
    before = read_public_state(engine, detail, bound)
    if state == "absent":
        if not before.enabled:
            return Plan(engine, before, before, [])
        return Plan(engine, before, PublicState(False, ()), [Change(engine, UNBIND)])
    check_count(engine, wanted, detail, instance_id)
    after = PublicState(True, wanted)
    if not before.enabled:
        return Plan(
            engine, before, after, [Change(engine, BIND, wanted)], count_warnings(engine, wanted, detail, instance_id)
        )
    same = before.same_ids(wanted)
    if same is True:
        return Plan(engine, before, before, [])
    if same is None:
        # Unknown is not different: switching would unbind EIPs nobody can see, and on every run.
        address = shown(public_address(engine, detail)) or "no address reported"
        warning = (
            "%s instance %s already has public access (%s), but its detail does not list the bound EIP ids in a form"
            " this module can read, so they cannot be compared with public_ip_ids; nothing was changed. To move it to"
            " other EIPs, run with state=absent first." % (ENGINE_LABELS[engine], instance_id, address)
        )
        return Plan(engine, before, before, [], [warning])
    # Other EIPs: a switch, with a short loss of public access between the two changes.
    changes = [Change(engine, UNBIND), Change(engine, BIND, wanted)]
    return Plan(engine, before, after, changes, count_warnings(engine, wanted, detail, instance_id))
