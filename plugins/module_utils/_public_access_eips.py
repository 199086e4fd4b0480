# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.dms contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The EIPs bound to a DMS instance, as the EIP API knows them, and the check of the EIPs a run is asked to bind.

An instance's public addresses (Kafka ``public_connect_address``; RocketMQ ``public_broker_address`` and
``public_namesrv_address``; RabbitMQ ``public_connect_address``/``publicip_address``) are resolved to EIPs through the
VPC service, as terraform-provider-huaweicloud does (``GetEipsbyAddresses``, ``getPublicipInfoByAddresses``): the
detail's ``publicip_id`` is absent on Kafka and may be null elsewhere, so it is only a cross-check. When the EIP API
cannot be used (no permission, no endpoint), one warning names why and the detail's ``publicip_id`` is read instead.
``EipReader`` is the one reader: dms_public_access and dms_instance_info share it.
"""

from __future__ import annotations

import re
from typing import Any, Callable, Mapping, Optional, Sequence

from ._eip import LIST_PERMISSION, Eip, EipApi, EipUnavailable
from ._errors import ConfigurationError
from ._public_access_state import (
    ENGINE_LABELS,
    KAFKA,
    ROCKETMQ,
    bound_eips,
    public_address,
    public_enabled,
    shown,
)

# Every field that can hold an instance's public addresses, per engine (SDK 3.1.219 show-instance models).
PUBLIC_ADDRESS_FIELDS = {
    KAFKA: ("public_connect_address",),
    "rabbitmq": ("public_connect_address", "publicip_address"),
    ROCKETMQ: ("public_broker_address", "public_namesrv_address", "publicip_address"),
}
# An IPv4 address inside "ip:port,ip:port", "broker-0:ip:port" or "ip ip": the fields' formats differ per engine
# and version, the addresses in them do not.
_IPV4 = re.compile(
    r"(?<![0-9.])((?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])(?:\.(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])){3})(?![0-9.])"
)


def public_addresses(engine: str, detail: Mapping[str, Any]) -> tuple[str, ...]:
    """The distinct public IPv4 addresses the detail lists for the engine, in order of appearance."""
    found: dict[str, None] = {}
    for key in PUBLIC_ADDRESS_FIELDS[engine]:
        value = detail.get(key)
        if isinstance(value, str):
            for match in _IPV4.finditer(value[:20000]):
                found.setdefault(match.group(1), None)
    return tuple(found)


class EipReader:
    """Bound EIPs through the EIP API for one run; after the API proved unusable, the detail's ``publicip_id``."""

    def __init__(self, api: EipApi, warn: Callable[[str], None], deadline: Callable[[], Optional[float]]) -> None:
        self.api = api
        self.warn = warn
        self.deadline = deadline
        self.unavailable: Optional[str] = None
        self.addresses: dict[str, str] = {}  # EIP id -> public address, of the EIPs resolved so far
        self._seen: dict[tuple[str, ...], dict[str, Eip]] = {}

    def _give_up(self, err: EipUnavailable) -> None:
        if self.unavailable is None:
            self.unavailable = str(err)
            self.warn(
                "EIP lookups are off for this run: %s. dms_public_access then relies on the DMS instance detail alone"
                " (its publicip_id, absent on Kafka): a Kafka instance cannot be moved to other EIPs and requested EIPs"
                " are not checked before the change. Grant %s (or set vpc_endpoint) for the full checks."
                % (err, LIST_PERMISSION)
            )

    def bound(self, engine: str, detail: Mapping[str, Any]) -> Optional[tuple[str, ...]]:
        """The bound EIP ids (order of the addresses), None when unknown; a ``BoundEips`` for read_public_state."""
        if self.unavailable is None:
            addresses = public_addresses(engine, detail)
            if not addresses:
                return bound_eips(engine, detail)  # on, but no address yet: what the detail says, if anything
            try:
                found = self._by_addresses(addresses)
            except EipUnavailable as err:
                self._give_up(err)
            else:
                ids = tuple(dict.fromkeys(found[address].id for address in addresses if address in found))
                self.addresses.update((found[a].id, a) for a in addresses if a in found)
                # publicip_id as cross-check: where it lists every resolved EIP (and perhaps EIPs whose address the
                # detail does not show), it is the fuller answer; where it contradicts the EIP API, the API wins.
                listed = bound_eips(engine, detail)
                if listed is not None and set(ids) <= set(listed):
                    return listed
                return ids if len(found) == len(addresses) else None
        return bound_eips(engine, detail)

    def _by_addresses(self, addresses: tuple[str, ...]) -> dict[str, Eip]:
        # One lookup per set of addresses in a run: results and messages read the same instance again and again.
        if addresses not in self._seen:
            self._seen[addresses] = self.api.by_addresses(addresses, self.deadline())
        return self._seen[addresses]

    def requested(self, ids: Sequence[str]) -> Optional[dict[str, Eip]]:
        """The requested EIPs by id, or None when the EIP API cannot be used (warned once)."""
        if self.unavailable is not None:
            return None
        try:
            return self.api.by_ids(ids, self.deadline())
        except EipUnavailable as err:
            self._give_up(err)
            return None


def refuse_unusable(
    requested: Mapping[str, Eip], ids: Sequence[str], engine: str, detail: Mapping[str, Any], instance_id: str
) -> None:
    """Fail, before any change, on an EIP that does not exist, is bound elsewhere, or is in a state that cannot bind."""
    own = set(public_addresses(engine, detail))
    problems = []
    for eip_id in ids:
        eip = requested.get(eip_id)
        if eip is None:
            problems.append("%s does not exist in this project and region (create it, or check the id)" % eip_id)
        elif not eip.bindable_status:
            problems.append(
                "%s is %s and cannot be bound now (%s)"
                % (
                    eip_id,
                    shown(eip.status),
                    "pay the arrears to unfreeze it" if eip.status == "FREEZED" else "wait, or use another EIP",
                )
            )
        elif eip.status == "ACTIVE" and eip.bound and eip.public_ip_address not in own:
            problems.append(
                "%s (%s) is %s and bound to another resource (port %s): unbind it there first, or use a free EIP"
                % (eip_id, shown(eip.public_ip_address), shown(eip.status), shown(eip.port_id))
            )
    if problems:
        raise ConfigurationError(
            "Option 'public_ip_ids' cannot be bound to %s instance %s; nothing was sent: EIP %s."
            % (ENGINE_LABELS[engine], instance_id, "; EIP ".join(problems))
        )


def public_access_info(engine: str, detail: Mapping[str, Any], reader: EipReader) -> dict[str, Any]:
    """The ``public_access`` summary of an instance (dms_public_access's result, dms_instance_info's field)."""
    enabled = public_enabled(engine, detail)
    ids = reader.bound(engine, detail) if enabled else ()
    addresses = public_addresses(engine, detail) if enabled else ()
    connect = public_address(engine, detail) if enabled else ""
    status = detail.get("kafka_public_status") if engine == KAFKA else None
    return {
        "enabled": enabled,
        "public_ip_ids": list(ids) if ids is not None else None,
        "public_ip_addresses": list(addresses),
        "connect_addresses": [part.strip() for part in connect.split(",") if part.strip()],
        "status": status if isinstance(status, str) else ("on" if enabled else "off"),
    }
