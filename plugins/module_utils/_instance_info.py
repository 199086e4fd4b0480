# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.dms contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What dms_instance_info does, without Ansible: check the options, read every page of the instance list, and add
each instance's ``public_access`` summary (its bound EIPs resolved through the EIP API by ``EipReader``).

The list is ``GET /v2/{project_id}/instances`` for all three engines (Huawei's SDK 3.1.219: Kafka ``ListInstances``,
RabbitMQ ``ListInstancesDetails``, RocketMQ ``ListInstances``), with ``engine``, ``name``, ``exact_match_name``,
``instance_id``, ``status``, ``include_failure`` and ``offset``/``limit`` (1..50) in the query, answering
``{"instances": [...], "instance_num": N}``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Optional
from urllib.parse import quote

from ._context import DmsContext
from ._eip import EipApi
from ._errors import ConfigurationError, DmsApiError, DmsResponseError
from ._ids import validate_id
from ._numbers import int_or_none
from ._public_access_eips import EipReader, public_access_info
from ._public_access_state import ENGINE_NAMES, shown

# The largest page the list API takes (SDK docstrings: limit 1~50).
PAGE_LIMIT = 50
# Pages read per run: 100 pages of 50 is 5000 instances, far beyond a project's quota; a server that keeps sending
# full pages past that is out of order, and the run stops with a message instead of reading forever.
MAX_PAGES = 100
# What the option accepts -> what is sent: RocketMQ instances report (and older regions only know) `reliability`.
ENGINE_QUERY = {"kafka": "kafka", "rabbitmq": "rabbitmq", "rocketmq": "reliability", "reliability": "reliability"}
NAME_MATCHES = ("exact", "contains")
# The IAM action a 403 from the list call lacks.
LIST_PERMISSION = "dms:instance:list"


def _text(params: Mapping[str, Any], option: str) -> Optional[str]:
    value = params.get(option)
    if value is None:
        return None
    text = str(value)
    if not text.strip():
        raise ConfigurationError("Option '%s' is empty: give a value or leave the option out." % option)
    if text != text.strip():
        raise ConfigurationError("Option '%s' has a leading or trailing space (%r): remove it." % (option, text[:80]))
    return text


@dataclass(frozen=True)
class InstanceInfoOptions:
    """dms_instance_info's own options, checked; build it with ``from_params``."""

    instance_id: Optional[str] = None
    name: Optional[str] = None
    name_match: str = "exact"
    engine: Optional[str] = None  # as sent: kafka, rabbitmq or reliability
    status: Optional[str] = None
    include_failure: bool = False
    public_access: bool = True

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> "InstanceInfoOptions":
        """The options from the module's parameters (None means the default); a ConfigurationError names a bad one."""
        engine = params.get("engine")
        if engine is not None and str(engine).lower() not in ENGINE_QUERY:
            raise ConfigurationError(
                "Option 'engine' must be kafka, rabbitmq or rocketmq (reliability is RocketMQ's other name), got %r."
                % str(engine)[:80]
            )
        name_match = params.get("name_match") or cls.name_match
        if name_match not in NAME_MATCHES:
            raise ConfigurationError("Option 'name_match' must be exact or contains, got %r." % str(name_match)[:80])
        include_failure = params.get("include_failure")
        public_access = params.get("public_access")
        return cls(
            instance_id=validate_id(params.get("instance_id"), "instance_id"),
            name=_text(params, "name"),
            name_match=name_match,
            engine=ENGINE_QUERY[str(engine).lower()] if engine is not None else None,
            status=_text(params, "status"),
            include_failure=cls.include_failure if include_failure is None else bool(include_failure),
            public_access=cls.public_access if public_access is None else bool(public_access),
        )

    @property
    def run_timeout(self) -> Optional[float]:
        return None  # no wait: the module's request bound covers the run

    def query(self) -> list[tuple[str, str]]:
        """The filters, as the list API takes them (paging added per page)."""
        pairs: list[tuple[str, str]] = []
        if self.engine:
            pairs.append(("engine", self.engine))
        if self.name is not None:
            pairs.append(("name", self.name))
            pairs.append(("exact_match_name", "true" if self.name_match == "exact" else "false"))
        if self.instance_id:
            pairs.append(("instance_id", self.instance_id))
        if self.status:
            pairs.append(("status", self.status))
        if self.include_failure:
            pairs.append(("include_failure", "true"))
        return pairs

    def keeps(self, instance: Mapping[str, Any]) -> bool:
        """The filters checked again on each answer: a server that ignored one must not hand back another instance
        (a playbook acts on what it finds by name). ``contains`` is the API's own fuzzy match, not re-checked."""
        if self.name is not None and self.name_match == "exact" and instance.get("name") != self.name:
            return False
        if self.instance_id and instance.get("instance_id") != self.instance_id:
            return False
        if self.engine and ENGINE_NAMES.get(str(instance.get("engine", "")).lower()) != ENGINE_NAMES[self.engine]:
            return False
        return not (self.status and instance.get("status") != self.status)


class InstanceList:
    """Every page of the instance list, by offset, bounded by MAX_PAGES and the run's deadline."""

    def __init__(self, client: Any, project_id: str) -> None:
        self.client = client
        self.path = "/v2/%s/instances" % quote(project_id, safe="")

    def read(self, filters: list[tuple[str, str]], deadline: Optional[float]) -> list[dict[str, Any]]:
        collected: dict[str, dict[str, Any]] = {}
        offset = 0
        for _page in range(MAX_PAGES):
            query = filters + [("offset", str(offset)), ("limit", str(PAGE_LIMIT))]
            try:
                data = self.client.get_json(self.path, query, deadline=deadline).data
            except DmsApiError as err:
                if err.status == 403 and not err.hint:
                    err.hint = "The credentials need the permission %s (DMS ReadOnlyAccess has it)." % LIST_PERMISSION
                raise
            page = data.get("instances") if isinstance(data, dict) else None
            if not isinstance(page, list):
                raise DmsResponseError(
                    "DMS API GET %s answered without an 'instances' list (got %s): it does not look like the DMS"
                    " instance list. Check 'endpoint'." % (self.path, shown(data))
                )
            before = len(collected)
            for item in page:
                if not isinstance(item, dict):
                    raise DmsResponseError(
                        "DMS API GET %s listed an instance that is not an object: %s" % (self.path, shown(item))
                    )
                # Keyed by id: an instance created or deleted between two pages shifts the offsets, and is then
                # seen twice or not at all; twice is kept once.
                key = item.get("instance_id")
                collected[key if isinstance(key, str) else "#%d" % len(collected)] = item
            total = int_or_none(data.get("instance_num"))
            offset += len(page)
            if len(page) < PAGE_LIMIT or len(collected) == before or (total is not None and offset >= total):
                return list(collected.values())
        raise DmsResponseError(
            "DMS API GET %s kept returning full pages after %d pages of %d instances; stopping. Narrow the list with"
            " engine, name or status." % (self.path, MAX_PAGES, PAGE_LIMIT)
        )


class InstanceInfo:
    """dms_instance_info's action: the list, filtered, each instance with its ``public_access``."""

    def __init__(self, options: InstanceInfoOptions) -> None:
        self.options = options

    def run(self, context: DmsContext) -> dict[str, Any]:
        options = self.options
        found = InstanceList(context.client, context.project_id).read(options.query(), context.deadline)
        instances = [dict(item) for item in found if options.keeps(item)]
        if options.public_access:
            reader = EipReader(EipApi(context.vpc, context.project_id), context.warn, lambda: context.deadline)
            unknown: list[str] = []
            for instance in instances:
                engine = ENGINE_NAMES.get(str(instance.get("engine", "")).strip().lower())
                if engine is None:
                    unknown.append(shown(instance.get("engine")))
                    instance["public_access"] = None
                else:
                    instance["public_access"] = public_access_info(engine, instance, reader)
            if unknown:
                context.warn(
                    "public_access is null for %d instance(s) whose engine (%s) is none of kafka, rabbitmq, rocketmq"
                    " (reliability)." % (len(unknown), ", ".join(sorted(set(unknown))))
                )
        return {"changed": False, "instances": instances, "elapsed": context.elapsed()}
