"""Instance details and the public-access changes (dms-api.md §7), per engine.

What is emulated:
- `GET /v2/{project_id}/instances/{instance_id}` (SDK `ShowInstance`, the same URI in all three SDKs), with the
  field names and types of each SDK's `ShowInstanceResponse`;
- RabbitMQ/RocketMQ `PUT /v2/{project_id}/instances/{instance_id}` (SDK `UpdateInstance`, `UpdateInstanceReq`):
  `{"enable_publicip": true, "publicip_id": ...}` binds, `{"enable_publicip": false}` unbinds; 204, no job id;
  the change is recorded as task `bindInstancePublicIp` / `unbindInstancePublicIp`;
- Kafka `PUT` of the same URI: Kafka's `UpdateInstanceReq` has no public fields, so they are ignored (204, no
  change) -- the wrong call that the collection's docs once recommended is caught by tests, not hidden;
- Kafka `POST /v1/{project_id}/instances/{instance_id}/public-boundwidth` (SDK `ModifyKafkaPublicIpAccessSwitch`):
  a switch -- with `publicip_id` (one EIP per broker) it turns public access on when it is off, with none of
  `publicip_id`/`public_boundwidth`/`eip_address` it turns it off when it is on; 204, no job id;
- `DMS.00400026` while a change of the instance is running -- a public-IP change or a job of jobs.py, the
  instance model (instance_model.py) runs one change at a time --, while the instance is not RUNNING, or for the
  next `busy_changes` change calls (admin API / seed);
- the instance's public fields change only when the change's task reaches SUCCESS; a FAILED task leaves them.

- the EIPs (eips.py): a bind names EIPs the EIP API knows (or, with `auto_create`, not yet); one that is bound to
  something else or in another status than DOWN makes the change's task end FAILED and nothing changes;
- the instance `status` may follow a script (`status_timeline`), moved on by time and by detail reads.

INVENTED (docs/emulator.md lists them): the error texts for bad bodies, EIP addresses derived from EIP ids, the
private addresses, the default change timeline, and how a bind of an unusable EIP fails.
"""

from __future__ import annotations

import json
import re
from typing import Any, Callable, Dict, List, Optional, Tuple

from .eips import EipStore, eip_address
from .errors import BAD_PARAMETER, INSTANCE_NOT_FOUND, ApiError, dms_error
from .gateway import Principal
from .instance_model import (
    DEFAULT_BROKERS,
    DEFAULT_CHANGE_TIMELINE,
    KAFKA_PROTOCOLS,
    MAX_BROKERS,
    STORAGE_PER_BROKER,
    Instance,
)
from .instance_state import apply_state, state_of_form
from .reply import Reply, empty_reply, json_reply
from .request import Received
from .taskstore import TaskStore
from .timeline import Phase, parse_timeline

_SEG = r"([^/]+)"
INSTANCE_ROUTES = [
    ("GET", re.compile(r"^/v2/%s/instances/%s/?$" % (_SEG, _SEG)), "instances.show"),
    ("PUT", re.compile(r"^/v2/%s/instances/%s/?$" % (_SEG, _SEG)), "instances.update"),
    ("POST", re.compile(r"^/v1/%s/instances/%s/public-boundwidth/?$" % (_SEG, _SEG)), "instances.kafka_public_switch"),
]

# DMS's "Invalid {0} parameter in the request." (errors.py); the texts naming the field are the emulator's.
BAD_BODY = BAD_PARAMETER

# The task names of the API references' ShowBackgroundTask examples (Kafka and RabbitMQ) and of Terraform's
# RabbitMQ/RocketMQ waits; Kafka's switch records the same names (Kafka's example shows `bindInstancePublicIp`).
BIND_TASK = "bindInstancePublicIp"
UNBIND_TASK = "unbindInstancePublicIp"


# Fields of UpdateInstanceReq per engine (SDK 3.1.219) that the emulator stores when they are sent.
_UPDATABLE = {
    "kafka": (
        "name",
        "description",
        "maintain_begin",
        "maintain_end",
        "security_group_id",
        "retention_policy",
        "enterprise_project_id",
    ),
    "rabbitmq": (
        "name",
        "description",
        "maintain_begin",
        "maintain_end",
        "security_group_id",
        "enterprise_project_id",
        "enable_acl",
    ),
    "rocketmq": ("name", "description", "security_group_id", "enable_acl", "enterprise_project_id"),
}
SPEC_KEYS = {
    "instance_id",
    "id",
    "project_id",
    "engine",
    "engine_field",
    "name",
    "status",
    "broker_num",
    "storage_space",
    "product_id",
    "enable_publicip",
    "publicip_ids",
    "public_bandwidth",
    "busy_changes",
    "bind_timeline",
    "unbind_timeline",
    "bind_seconds",
    "unbind_seconds",
    "fail_bind",
    "fail_unbind",
    "status_timeline",
    "publicip_id_in_detail",
    "kafka_public_status",
}


def match_instance_route(method: str, path: str) -> Optional[Tuple[str, Tuple[str, ...]]]:
    for route_method, pattern, name in INSTANCE_ROUTES:
        found = pattern.match(path)
        if found and route_method == method:
            return name, found.groups()
    return None


# The instance model used to be this module's own profile; it is now the one model every route shares.
InstanceProfile = Instance


def _timeline(spec: Dict[str, Any], kind: str) -> List[Phase]:
    """bind_timeline / unbind_timeline, or the default with `<kind>_seconds` and `fail_<kind>` applied."""
    raw = spec.get("%s_timeline" % kind)
    if raw is not None:
        return parse_timeline(raw)
    seconds = spec.get("%s_seconds" % kind)
    if seconds is not None and (not isinstance(seconds, (int, float)) or isinstance(seconds, bool) or seconds < 0):
        raise ValueError("%s_seconds must be a number >= 0" % kind)
    executing = float(seconds) if seconds is not None else DEFAULT_CHANGE_TIMELINE[1].seconds
    end = "FAILED" if spec.get("fail_%s" % kind) else "SUCCESS"
    return [Phase("CREATED", DEFAULT_CHANGE_TIMELINE[0].seconds), Phase("EXECUTING", executing), Phase(end)]


def _bool_field(body: Dict[str, Any], key: str) -> Optional[bool]:
    value = body.get(key)
    if value is not None and not isinstance(value, bool):
        raise dms_error(400, BAD_BODY, "Invalid request parameter: %s must be a boolean." % key)
    return value


def _ids_field(body: Dict[str, Any], key: str = "publicip_id") -> List[str]:
    value = body.get(key)
    if value is None or value == "":
        return []
    if not isinstance(value, str):
        raise dms_error(400, BAD_BODY, "Invalid request parameter: %s must be a string." % key)
    ids = value.split(",")
    if any(not re.match(r"^[A-Za-z0-9-]{1,64}$", part) for part in ids):
        raise dms_error(400, BAD_BODY, "Invalid request parameter: %s." % key)
    return ids


def _positive_int(spec: Dict[str, Any], key: str, low: int, high: Optional[int] = None) -> Optional[int]:
    value = spec.get(key)
    if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < low):
        raise ValueError("%s must be an integer >= %d" % (key, low))
    if value is not None and high is not None and value > high:
        raise ValueError("%s must be at most %d, got %d" % (key, high, value))
    return value


class InstanceBook:
    """The instance routes over the TaskStore's instances (the one model the job routes share)."""

    def __init__(self, store: TaskStore, now: Callable[[], float], eips: Optional[EipStore] = None) -> None:
        self.store = store
        self.now = now
        self.eips = eips

    def reset(self) -> None:
        """Nothing of its own to forget: the instances live in the TaskStore, which the emulator resets."""

    # --- admin / seed ------------------------------------------------------------------------------
    def configure(self, spec: Dict[str, Any], project_id: str) -> Instance:
        """Create (or re-create) an instance from the admin/seed form; ValueError on bad input."""
        unknown = set(spec) - SPEC_KEYS
        if unknown:
            raise ValueError("unknown instance keys: %s" % ", ".join(sorted(unknown)))
        instance_id = spec.get("instance_id") or spec.get("id")
        if not instance_id or not isinstance(instance_id, str):
            raise ValueError("instance_id is required")
        engine = spec.get("engine") or "kafka"
        if engine not in DEFAULT_BROKERS:
            raise ValueError("engine must be one of %s" % ", ".join(sorted(DEFAULT_BROKERS)))
        # Bounded like a real cluster (SDK: at most 50 brokers): 3 000 000 once built a 53 MB detail.
        broker_num = _positive_int(spec, "broker_num", 1, MAX_BROKERS) or DEFAULT_BROKERS[engine]
        storage = _positive_int(spec, "storage_space", 1) or STORAGE_PER_BROKER * broker_num
        product = spec.get("product_id")
        if product is not None and (not isinstance(product, str) or not product):
            raise ValueError("product_id must be a non-empty string")
        ids = spec.get("publicip_ids") or []
        if not isinstance(ids, list) or not all(isinstance(item, str) and item for item in ids):
            raise ValueError("publicip_ids must be a list of EIP id strings")
        enabled = bool(spec.get("enable_publicip", bool(ids)))
        if enabled and not ids:
            raise ValueError("enable_publicip needs publicip_ids")
        busy = _positive_int(spec, "busy_changes", 0) or 0
        instance = Instance(
            project_id=project_id,
            id=instance_id,
            engine=engine,
            engine_field=str(spec.get("engine_field") or ""),
            name=str(spec.get("name") or ""),
            status="RUNNING",
            created_ms=int(self.now() * 1000),
            broker_num=broker_num,
            storage_space=storage,
            product_id=product or "",
            enabled=enabled,
            ids=list(ids) if enabled else [],
            ever_enabled=enabled,
            public_bandwidth=int(spec.get("public_bandwidth") or (100 * broker_num if enabled else 0)),
            busy_changes=busy,
            bind_timeline=_timeline(spec, "bind"),
            unbind_timeline=_timeline(spec, "unbind"),
        )
        self.set_state(instance, state_of_form(spec))
        return self.store.put_instance(instance)

    def set_state(self, instance: Instance, spec: Dict[str, Any]) -> None:
        """Status (or status script), publicip_id form, kafka_public_status, busy_changes; ValueError on bad input."""
        apply_state(instance, spec, self.now())

    def profile(self, project_id: str, instance_id: str) -> Optional[Instance]:
        """The known instance with its finished change applied (instances made by task creation have defaults)."""
        instance = self.store.instance(project_id, instance_id)
        if instance is not None:
            self.store.settle(self.now(), instance)
        return instance

    # --- the API -----------------------------------------------------------------------------------
    def handle(self, route: str, groups: Tuple[str, ...], req: Received, principal: Principal) -> Reply:
        project_id, instance_id = groups[0], groups[1]
        if principal.kind == "token" and principal.project_id != project_id:
            raise dms_error(401, "DMS.10240104", "The project ID in the URL does not match the token.")
        with self.store.lock:
            instance = self.profile(project_id, instance_id)
            if instance is None:
                raise dms_error(404, *INSTANCE_NOT_FOUND)
            if route == "instances.show":
                # A phase of the status script may last N reads of the detail (`polls`).
                instance.advance_status(self.now(), count_poll=True)
                return json_reply(200, self.detail(instance))
            body = self._body(req)
            if route == "instances.update":
                return self._update(instance, body)
            if route == "instances.kafka_public_switch":
                return self._kafka_switch(instance, body)
        raise ApiError(500, {"error_code": "EMU.0500", "error_msg": "unrouted %s" % route})

    @staticmethod
    def _body(req: Received) -> Dict[str, Any]:
        try:
            body = json.loads(req.body.decode("utf-8")) if req.body else {}
        except ValueError:
            raise dms_error(400, BAD_BODY, "Invalid request body: not JSON.")
        if not isinstance(body, dict):
            raise dms_error(400, BAD_BODY, "Invalid request body: expected a JSON object.")
        return body

    def _update(self, instance: Instance, body: Dict[str, Any]) -> Reply:
        engine = instance.engine
        updates = {key: body[key] for key in _UPDATABLE[engine] if key in body}
        if engine == "kafka":
            # Kafka's UpdateInstanceReq has no public fields: enable_publicip/publicip_id are ignored.
            instance.updates.update(updates)
            return empty_reply(204)
        enable = _bool_field(body, "enable_publicip")
        if enable is None:
            instance.updates.update(updates)
            return empty_reply(204)
        ids = _ids_field(body)
        if enable:
            if not ids:
                raise dms_error(
                    400, BAD_BODY, "Invalid request parameter: publicip_id is required to enable public access."
                )
            if engine == "rabbitmq" and len(ids) != 1:
                raise dms_error(400, BAD_BODY, "Invalid request parameter: publicip_id takes one EIP id.")
        # Busy first: while a change (or a job) runs, the instance's public state is the old one.
        instance.refuse_if_busy()
        if enable and instance.enabled:
            raise dms_error(400, BAD_BODY, "Invalid request parameter: public access is already enabled.")
        if not enable and not instance.enabled:
            raise dms_error(400, BAD_BODY, "Invalid request parameter: public access is not enabled.")
        instance.updates.update(updates)
        self._start_change(instance, enable, ids, BIND_TASK if enable else UNBIND_TASK)
        return empty_reply(204)

    def _kafka_switch(self, instance: Instance, body: Dict[str, Any]) -> Reply:
        if instance.engine != "kafka":
            # INVENTED: the v1 public-boundwidth API is Kafka's; another engine's instance is not found there.
            raise dms_error(404, *INSTANCE_NOT_FOUND)
        ids = _ids_field(body)
        bandwidth = body.get("public_boundwidth")
        if bandwidth is not None and (not isinstance(bandwidth, int) or isinstance(bandwidth, bool) or bandwidth < 0):
            raise dms_error(400, BAD_BODY, "Invalid request parameter: public_boundwidth must be an integer >= 0.")
        eip = body.get("eip_address")
        if eip is not None and not isinstance(eip, str):
            raise dms_error(400, BAD_BODY, "Invalid request parameter: eip_address must be a string.")
        given = bool(ids) or bool(bandwidth) or bool(eip)
        instance.refuse_if_busy()
        if instance.enabled:
            if given:
                # INVENTED answer: TF documents that only an empty switch turns public access off.
                raise dms_error(
                    400,
                    BAD_BODY,
                    "Invalid request parameter: public access is already enabled;"
                    " send no publicip_id, public_boundwidth or eip_address to disable it.",
                )
            self._start_change(instance, False, [], UNBIND_TASK)
            return empty_reply(204)
        if not ids:
            raise dms_error(
                400, BAD_BODY, "Invalid request parameter: publicip_id is required to enable public access."
            )
        # broker_num is the instance's current count: a scale-out that succeeded needs the EIPs of its brokers too.
        if len(ids) != instance.broker_num:
            raise dms_error(
                400,
                BAD_BODY,
                "Invalid request parameter: publicip_id needs %d EIP ids (one per broker), got %d."
                % (instance.broker_num, len(ids)),
            )
        self._start_change(instance, True, ids, BIND_TASK, bandwidth or None)
        return empty_reply(204)

    def _start_change(
        self, instance: Instance, enable: bool, ids: List[str], name: str, bandwidth: Optional[int] = None
    ) -> None:
        refusal = None
        if enable:
            params: Dict[str, Any] = {
                "public_ip_id": ",".join(ids),
                "public_ip_address": ",".join(self._address(instance, i) for i in ids),
                "enable_public_ip": True,
            }
            if self.eips is not None:
                refusal = self.eips.bind_refusal(instance.project_id, ids, instance.id)
        else:
            params = {"public_ip_id": ",".join(instance.ids), "enable_public_ip": False}
        timeline = list(instance.bind_timeline if enable else instance.unbind_timeline)
        if refusal is not None:
            # INVENTED: DMS accepts the call and its task fails later, without naming the EIP in the task.
            timeline = timeline[:-1] + [Phase("FAILED")]
        spec = {"name": name, "params": params, "timeline": [_phase_json(p) for p in timeline]}
        self.store.start_change(
            instance,
            "public.bind" if enable else "public.unbind",
            spec,
            self.now(),
            _public_effect(enable, ids, bandwidth),
            dict(params, refused=refusal) if refusal else params,
        )

    def _address(self, instance: Instance, eip_id: str) -> str:
        return self.eips.address(instance.project_id, eip_id) if self.eips is not None else eip_address(eip_id)

    # --- rendering ---------------------------------------------------------------------------------
    def detail(self, instance: Instance) -> Dict[str, Any]:
        """The ShowInstanceResponse of the instance's engine (names and types of SDK 3.1.219)."""
        common: Dict[str, Any] = {
            "name": instance.name,
            "engine": instance.engine_field,
            "status": instance.status,
            "instance_id": instance.id,
            "description": "",
            "type": "cluster" if instance.broker_num > 1 else "single",
            "charging_mode": 1,
            "vpc_id": "a0f2f55f-1c2c-4c5b-9e52-7cd4f1a0e001",
            "vpc_name": "vpc-emulator",
            "subnet_id": "c0a8f001-0b8d-4bcb-9d9a-3d1f1a0e0002",
            "security_group_id": "5b2f0f66-3e0e-4a7d-8a1a-1f0c1a0e0003",
            "security_group_name": "sg-emulator",
            "available_zones": ["9f1c5806706d4c1fb0eb72f0a9b18c77"],
            "available_zone_names": ["AZ1"],
            "user_id": "3df5acbc24a54fadb62a043c9000a307",
            "user_name": "emulator-user",
            "created_at": str(instance.created_ms),
            "maintain_begin": "02:00:00",
            "maintain_end": "06:00:00",
            # INVENTED: the emulator does not reserve any of the storage, so available and total are the same.
            "storage_space": instance.storage_space,
            "total_storage_space": instance.storage_space,
            "used_storage_space": 0,
            "enable_publicip": instance.enabled,
            "ssl_enable": False,
            "broker_num": instance.broker_num,
            "product_id": instance.product_id,
            "specification": instance.product_id,
            "enterprise_project_id": "0",
            "tags": [],
        }
        render = {"kafka": self._kafka, "rabbitmq": self._rabbitmq, "rocketmq": self._rocketmq}[instance.engine]
        detail = render(instance, common)
        detail.update({k: v for k, v in instance.updates.items() if k in detail or k in _UPDATABLE[instance.engine]})
        return detail

    @staticmethod
    def _private(n: int, port: int) -> str:
        return "192.168.0.%d:%d" % (10 + n, port)

    def _kafka(self, instance: Instance, detail: Dict[str, Any]) -> Dict[str, Any]:
        brokers = range(instance.broker_num)
        state = "true" if instance.enabled else ("closed" if instance.ever_enabled else "false")
        shown = instance.kafka_public_status or state
        protocols = {name: bool(instance.port_protocols.get(name)) for name in KAFKA_PROTOCOLS}
        detail.update(
            {
                "engine_version": "2.7",
                "partition_num": "250",
                "connect_address": ",".join("192.168.0.%d" % (10 + n) for n in brokers),
                "port": 9092,
                "kafka_public_status": shown,
                "public_access_enabled": state,
                "public_bandwidth": instance.public_bandwidth,
                "public_boundwidth": instance.public_bandwidth,
                "node_num": instance.broker_num,
                "enable_auto_topic": False,
                "retention_policy": "time_base",
                "storage_spec_code": "dms.physical.storage.ultra.v2",
                # The listener switches of UpdateKafkaPortProtocol (PortProtocolsEntity); INVENTED: ssl_enable is
                # true while a SASL listener is on (the SDK only says "whether security authentication is enabled").
                "port_protocols": protocols,
                "ssl_enable": protocols["private_sasl_ssl_enable"]
                or protocols["public_sasl_ssl_enable"]
                or protocols["private_sasl_plaintext_enable"]
                or protocols["public_sasl_plaintext_enable"],
            }
        )
        if instance.enabled:
            # Only present while public access is on (SDK field doc).
            detail["public_connect_address"] = ",".join("%s:9094" % self._address(instance, i) for i in instance.ids)
        return detail

    def _rabbitmq(self, instance: Instance, detail: Dict[str, Any]) -> Dict[str, Any]:
        detail.update(
            {
                "engine_version": "3.8.35",
                "access_user": "admin",
                "connect_address": self._private(0, 5672),
                "port": 5672,
                "management_connect_address": "http://%s" % self._private(0, 15672),
            }
        )
        if instance.enabled:
            address = self._address(instance, instance.ids[0])
            detail.update(
                {
                    "publicip_address": address,
                    "public_connect_address": "%s:5672" % address,
                    "public_management_connect_address": "http://%s:15672" % address,
                }
            )
            _publicip_id(detail, instance)
        return detail

    def _rocketmq(self, instance: Instance, detail: Dict[str, Any]) -> Dict[str, Any]:
        detail.update(
            {
                "engine_version": "4.8.0",
                "namesrv_address": ";".join(self._private(n, 8100) for n in range(instance.broker_num)),
                "broker_address": ";".join(self._private(n, 10100) for n in range(instance.broker_num)),
                "node_num": instance.broker_num,
            }
        )
        if instance.enabled:
            addresses = [self._address(instance, i) for i in instance.ids]
            detail.update(
                {
                    "publicip_address": ",".join(addresses),
                    # Comma-separated "ip:port" lists, as in Terraform's RocketMQ example
                    # ("121.37.221.67:10105,139.159.159.46:10106").
                    "public_namesrv_address": ",".join("%s:8200" % a for a in addresses),
                    "public_broker_address": ",".join("%s:10101" % a for a in addresses),
                }
            )
            _publicip_id(detail, instance)
        return detail


def _publicip_id(detail: Dict[str, Any], instance: Instance) -> None:
    """`publicip_id` as the instance is set to show it: the ids, null, or left out (Terraform never reads it)."""
    if instance.publicip_id_form == "ids":
        detail["publicip_id"] = ",".join(instance.ids)
    elif instance.publicip_id_form == "null":
        detail["publicip_id"] = None


def _public_effect(enable: bool, ids: List[str], bandwidth: Optional[int]) -> Callable[[Instance], None]:
    """What a public-IP change does to the instance once its task has SUCCEEDED."""

    def apply(instance: Instance) -> None:
        instance.enabled = enable
        instance.ids = list(ids) if enable else []
        if enable:
            instance.ever_enabled = True
            instance.public_bandwidth = bandwidth or 100 * instance.broker_num
        else:
            instance.public_bandwidth = 0

    return apply


def _phase_json(phase: Phase) -> Dict[str, Any]:
    item: Dict[str, Any] = {"status": phase.status}
    if phase.seconds is not None:
        item["seconds"] = phase.seconds
    if phase.polls is not None:
        item["polls"] = phase.polls
    return item
