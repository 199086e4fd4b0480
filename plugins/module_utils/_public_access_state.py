# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.dms contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""An instance detail, per engine, read into one public-access state: on or off, which EIPs, which address.

The three engines report public access differently (facts from Huawei's SDK 3.1.219 models):
- RabbitMQ and RocketMQ: ``enable_publicip`` and ``publicip_id`` (the bound EIP ids, comma-separated); the address in
  ``public_connect_address``/``publicip_address`` (RabbitMQ) or ``public_namesrv_address``/``publicip_address``
  (RocketMQ, whose detail reports engine ``reliability``).
- Kafka: ``enable_publicip``, ``public_access_enabled`` and ``kafka_public_status``; the address in
  ``public_connect_address``; no ``publicip_id`` at all, so the bound EIPs of a Kafka instance cannot be read here.

Bound EIPs that cannot be read (absent, a number, garbage) are *unknown*, never "none": a plan must not switch, and
so unbind, EIPs it cannot see. ``bound_eips`` reads them from the detail; ``_public_access_eips.EipReader`` resolves
them through the EIP API and falls back to it (every reader here takes a ``bound`` callable).
"""

from __future__ import annotations

import re
from typing import Any, Callable, Mapping, Optional, Sequence
from urllib.parse import quote

from ._errors import ConfigurationError, DmsApiError, DmsResponseError

KAFKA = "kafka"
RABBITMQ = "rabbitmq"
ROCKETMQ = "rocketmq"
# What the detail's `engine` says -> the engine; RocketMQ instances report `reliability`.
ENGINE_NAMES = {"kafka": KAFKA, "rabbitmq": RABBITMQ, "rocketmq": ROCKETMQ, "reliability": ROCKETMQ}
ENGINE_LABELS = {KAFKA: "Kafka", RABBITMQ: "RabbitMQ", ROCKETMQ: "RocketMQ"}
# EIP ids are UUIDs (1aea7aed-e7d8-40ea-b3de-6f3ee9d5db9f). Anything beyond letters, digits and '-' cannot be one;
# a ',' would even split one id into two in the comma-separated `publicip_id`.
EIP_ID_PATTERN = re.compile(r"^[A-Za-z0-9-]{1,64}\Z")
# Kafka's public_access_enabled / kafka_public_status values that mean "on" (SDK field docs).
KAFKA_ON_VALUES = frozenset(("true", "actived"))
ADDRESS_KEYS = {
    KAFKA: ("public_connect_address",),
    RABBITMQ: ("public_connect_address", "publicip_address"),
    ROCKETMQ: ("public_namesrv_address", "publicip_address"),
}
# A server's value quoted in a message or warning is cut to this many characters: a 1 MB field must not become a
# 1 MB message (the same bound as the error fields of an HTTP error answer).
SHOWN_CHARS = 300


def shown(value: Any) -> str:
    """A server-supplied value for a message: its text, cut to SHOWN_CHARS with a note of what was left out."""
    text = value if isinstance(value, str) else repr(value)
    if len(text) <= SHOWN_CHARS:
        return text
    return "%s... (%d more characters)" % (text[:SHOWN_CHARS], len(text) - SHOWN_CHARS)


def engine_of(detail: Mapping[str, Any], instance_id: str) -> str:
    """The engine from the detail's `engine` field; an engine this module does not know is a clear error."""
    raw = detail.get("engine")
    engine = ENGINE_NAMES.get(raw.strip().lower()) if isinstance(raw, str) else None
    if engine is None:
        raise DmsResponseError(
            "DMS instance %s reports engine %s, which dms_public_access does not know: it handles kafka, rabbitmq and"
            " rocketmq (reported as rocketmq or reliability). Check instance_id; for other services this module does"
            " not apply." % (instance_id, shown(raw))
        )
    return engine


def _flag(value: Any) -> Optional[bool]:
    """A detail's on/off field: True, False, or None when absent or empty."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    return isinstance(value, str) and value.strip().lower() in KAFKA_ON_VALUES


def public_enabled(engine: str, detail: Mapping[str, Any]) -> bool:
    if _flag(detail.get("enable_publicip")) is True:
        return True
    return engine == KAFKA and _flag(detail.get("public_access_enabled")) is True


def bound_eips(engine: str, detail: Mapping[str, Any]) -> Optional[tuple[str, ...]]:
    """The EIP ids bound to an instance with public access on, as its detail lists them; None when unknown.

    Unknown: Kafka (its detail has no ``publicip_id``), or a ``publicip_id`` that is absent, empty, not a string or
    list of strings, or holds something that cannot be an EIP id. The EIP API could answer instead (later).
    """
    value = detail.get("publicip_id")
    if isinstance(value, str):
        parts = value.split(",")
    elif isinstance(value, list) and all(isinstance(item, str) for item in value):
        parts = value
    else:
        return None
    ids = tuple(part.strip() for part in parts if part.strip())
    if not ids or not all(EIP_ID_PATTERN.match(item) for item in ids):
        return None
    return ids


class PublicState:
    """Public access as an instance detail reports it; ``ids`` is None when the bound EIPs are unknown."""

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


BoundEips = Callable[[str, Mapping[str, Any]], Optional[tuple[str, ...]]]


def read_public_state(engine: str, detail: Mapping[str, Any], bound: BoundEips = bound_eips) -> PublicState:
    if not public_enabled(engine, detail):
        return PublicState(False, ())
    return PublicState(True, bound(engine, detail))


def public_address(engine: str, detail: Mapping[str, Any]) -> str:
    """The address clients use from outside, '' when the detail has none."""
    for key in ADDRESS_KEYS[engine]:
        value = detail.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return ""


def is_settled(
    engine: str, detail: Mapping[str, Any], enable: bool, ids: Sequence[str] = (), bound: "BoundEips" = bound_eips
) -> bool:
    """Whether the detail reports the requested state: on with these EIPs (or unknown ones) and an address, or off."""
    state = read_public_state(engine, detail, bound)
    if enable:
        if not state.enabled or state.same_ids(ids) is False or not public_address(engine, detail):
            return False
        return engine != KAFKA or (
            _flag(detail.get("public_access_enabled")) is not False
            and _flag(detail.get("kafka_public_status")) is not False
        )
    if state.enabled:
        return False
    return engine != KAFKA or (
        _flag(detail.get("public_access_enabled")) is not True and not public_address(engine, detail)
    )


def describe(engine: str, detail: Mapping[str, Any]) -> str:
    """The instance's public access and status for a message, every server value cut."""
    state = read_public_state(engine, detail)
    address = public_address(engine, detail)
    parts = ["enable_publicip=%s" % str(state.enabled).lower()]
    if address:
        parts.append("address %s" % shown(address))
    if detail.get("status") is not None:
        parts.append("status %s" % shown(detail.get("status")))
    return ", ".join(parts)


def read_detail(client: Any, project_id: str, instance_id: str, deadline: Optional[float]) -> dict[str, Any]:
    """The instance's detail (GET /v2/{project_id}/instances/{instance_id}); an unknown instance is a configuration error."""
    path = "/v2/%s/instances/%s" % (quote(project_id, safe=""), quote(instance_id, safe=""))
    try:
        response = client.get_json(path, deadline=deadline)
    except DmsApiError as err:
        if err.not_found:
            raise ConfigurationError(
                "DMS instance %s does not exist in project %s (%s). Check instance_id, and that region/project_id"
                " are the instance's." % (instance_id, project_id, err)
            ) from None
        raise
    if not isinstance(response.data, dict):
        raise DmsResponseError(
            "DMS API GET %s answered with %s instead of a JSON object." % (path, type(response.data).__name__)
        )
    return response.data
