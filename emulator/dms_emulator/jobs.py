"""Job-returning DMS calls: each answers with a `job_id` whose task runs a timeline (dms-api.md §7).

Routes (request and answer shapes from Huawei's SDK 3.1.219 models; docs/emulator.md marks what is invented):
  POST /v2/{project_id}/kafka/instances/{instance_id}/extend            ResizeKafkaInstance      {"job_id"}
  POST /v2/{project_id}/kafka/instances/{instance_id}/plain-ssl-switch  UpdateKafkaPortProtocol  {"job_id","protocol","enable"}
  PUT  /v2/{project_id}/instances/{instance_id}/configs                 ModifyInstanceConfigs    {"job_id","dynamic_config","static_config"}
  PUT  /v2/{project_id}/instances/{instance_id}/rabbitmq/plugins        UpdatePlugins            {"job_id"}
  POST /v2/{project_id}/instances/{instance_id}/topics                  RocketMQ CreateTopic...  {"id","job_id"}
                                                                         Kafka CreateInstanceTopic {"name"} (no job)
  POST /v2/{project_id}/instances/{instance_id}/groups                  RocketMQ CreateConsumerGroup... {"job_id","name"}

A job is a change of the one instance model (instance_model.py) that the instance detail also renders: its effect
(broker count, storage, product, protocol, plugins, ...) is applied to the instance only when its task is first
seen SUCCESS, at the start of any later request (`settle`), like the real instance that changes once the job is
done -- so ShowInstance shows the new `broker_num` after a scale-out. While a change of an instance runs (a job or
a public-IP change), another change of that instance answers DMS.00400026.
"""

from __future__ import annotations

import json
import re
import uuid
from typing import Any, Callable, Dict, List, Optional, Tuple

from . import DEFAULT_PROJECT_ID
from .errors import BAD_PARAMETER, INSTANCE_NOT_FOUND, ApiError, dms_error
from .gateway import Principal
from .instance_model import INSTANCE_BUSY, KAFKA_PROTOCOLS, MAX_BROKERS, Change, Instance
from .reply import Reply, json_reply
from .request import Received
from .taskstore import TaskStore
from .timeline import parse_timeline

_SEG = r"([^/]+)"
JOB_ROUTES = [
    ("POST", re.compile(r"^/v2/%s/kafka/instances/%s/extend/?$" % (_SEG, _SEG)), "kafka.extend"),
    ("POST", re.compile(r"^/v2/%s/kafka/instances/%s/plain-ssl-switch/?$" % (_SEG, _SEG)), "kafka.plain_ssl_switch"),
    ("PUT", re.compile(r"^/v2/%s/instances/%s/configs/?$" % (_SEG, _SEG)), "kafka.modify_configs"),
    ("PUT", re.compile(r"^/v2/%s/instances/%s/rabbitmq/plugins/?$" % (_SEG, _SEG)), "rabbitmq.update_plugins"),
    ("POST", re.compile(r"^/v2/%s/instances/%s/topics/?$" % (_SEG, _SEG)), "topics.create"),
    ("POST", re.compile(r"^/v2/%s/instances/%s/groups/?$" % (_SEG, _SEG)), "rocketmq.create_group"),
]

# INSTANCE_BUSY (DMS.00400026) and KAFKA_PROTOCOLS live with the instance model; re-exported here for callers.
__all__ = ["INSTANCE_BUSY", "KAFKA_PROTOCOLS", "JobsApi", "match_job_route"]
OPER_TYPES = ("storage", "horizontal", "vertical")
# INVENTED: which Kafka parameters are static (need a restart); the SDK only says the answer counts both kinds.
STATIC_KAFKA_CONFIGS = frozenset(
    (
        "log.retention.hours",
        "num.partitions",
        "default.replication.factor",
        "auto.create.groups.enable",
        "message.max.bytes",
    )
)
NAME_PATTERN = re.compile(r"^[A-Za-z0-9%|_-]{3,64}$")  # SDK: topic and group names, 3-64 of these characters
# INVENTED task names: no DMS page names the tasks these calls record.
TASK_NAMES = {
    "kafka.extend": "kafkaInstanceExtend",
    "kafka.plain_ssl_switch": "kafkaPlainSslSwitch",
    "kafka.modify_configs": "kafkaConfigModify",  # the name Terraform waits on for Kafka config changes
    "rabbitmq.update_plugins": "rabbitmqPluginsUpdate",
    "topics.create": "rocketmqTopicCreate",
    "rocketmq.create_group": "rocketmqGroupCreate",
}
ROUTE_ENGINES = {
    "kafka.extend": ("kafka",),
    "kafka.plain_ssl_switch": ("kafka",),
    "kafka.modify_configs": ("kafka",),
    "rabbitmq.update_plugins": ("rabbitmq",),
    "topics.create": ("kafka", "rocketmq"),
    "rocketmq.create_group": ("rocketmq",),
}
# Short enough that playbook tests finish in seconds, long enough that a wait sees CREATED and EXECUTING.
DEFAULT_TIMELINE = [
    {"status": "CREATED", "seconds": 1, "polls": 1},
    {"status": "EXECUTING", "seconds": 2, "polls": 1},
    {"status": "SUCCESS"},
]


def match_job_route(method: str, path: str) -> Optional[Tuple[str, Tuple[str, ...]]]:
    """(route name, (project_id, instance_id)) for a job-returning path, or None."""
    for route_method, pattern, name in JOB_ROUTES:
        found = pattern.match(path)
        if found and route_method == method:
            return name, found.groups()
    return None


# The job routes' state used to be a model of their own; it is the shared instance model now.
InstanceState = Instance
Effect = Callable[[Instance], None]


def _bad(message: str) -> ApiError:
    # INVENTED code/wording for a body the API rejects (the docs give no per-field codes).
    return dms_error(400, BAD_PARAMETER, "Invalid request parameter: %s" % message)


def _body(req: Received) -> Dict[str, Any]:
    if not req.body:
        raise _bad("the request body is missing")
    try:
        data = json.loads(req.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise _bad("the request body is not JSON")
    if not isinstance(data, dict):
        raise _bad("the request body must be a JSON object")
    return data


def _int_field(body: Dict[str, Any], name: str) -> Optional[int]:
    value = body.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise _bad("%s must be an integer" % name)
    return value


class JobsApi:
    def __init__(self, store: TaskStore, now: Callable[[], float]) -> None:
        self.store = store
        self.now = now
        self.reset()

    def reset(self) -> None:
        with self.store.lock:
            self.jobs: List[Change] = []  # every job started, for GET /_emulator/jobs
            self.settings: Dict[str, Dict[str, Any]] = {}

    # --- state -----------------------------------------------------------------------------------
    def state(self, instance: Instance) -> Instance:
        """The state a job changes is the instance itself (kept for callers of the old per-job-state API)."""
        return instance

    def _settings_for(self, instance_id: str) -> Dict[str, Any]:
        merged = dict(self.settings.get("*", {}))
        merged.update(self.settings.get(instance_id, {}))
        return merged

    def settle(self) -> None:
        """Apply every change (job or public-IP change) whose task has turned SUCCESS; drop those that ended otherwise."""
        self.store.settle(self.now())

    # --- API -------------------------------------------------------------------------------------
    def handle(self, route: str, groups: Tuple[str, ...], req: Received, principal: Principal) -> Reply:
        project_id, instance_id = groups[0], groups[1]
        if principal.kind == "token" and principal.project_id != project_id:
            raise dms_error(401, "DMS.10240104", "The project ID in the URL does not match the token.")
        with self.store.lock:
            instance = self.store.instance(project_id, instance_id)
            if instance is None:
                raise dms_error(404, *INSTANCE_NOT_FOUND)
            self.store.settle(self.now(), instance)
            if instance.engine not in ROUTE_ENGINES[route]:
                # INVENTED: the real answer to an engine's API called on another engine's instance is unverified.
                raise _bad("this API is not supported by %s instances" % instance.engine)
            if route in ("topics.create", "rocketmq.create_group") and req.query("action") is not None:
                # The same paths delete in batch with ?action=delete; the emulator does not model that (INVENTED answer).
                raise _bad("action=%s is not supported by the emulator" % req.query("action"))
            body = _body(req)
            if route == "topics.create" and instance.engine == "kafka":
                return self._kafka_topic(body, instance)
            # One change at a time per instance, whichever route started the running one.
            instance.refuse_if_busy()
            handler = getattr(self, "_" + route.split(".", 1)[1])
            payload, effect = handler(body, instance)
            job = self._start(route, instance, body, effect)
            payload = dict(payload, job_id=job.task.id)
            return json_reply(200, payload)

    def _start(self, route: str, instance: Instance, body: Dict[str, Any], effect: Effect) -> Change:
        settings = self._settings_for(instance.id)
        spec = {
            "id": uuid.uuid4().hex,
            "name": TASK_NAMES[route],
            "params": body,
            "timeline": settings.get("timeline", DEFAULT_TIMELINE),
            "appear_after": settings.get("appear_after", 0),
        }
        if route == "kafka.plain_ssl_switch":
            spec["params"] = {k: ("******" if k == "pass_word" else v) for k, v in body.items()}
        job = self.store.start_change(instance, route, spec, self.now(), effect, spec["params"])
        self.jobs.append(job)
        return job

    def _extend(self, body: Dict[str, Any], instance: Instance):
        oper_type = body.get("oper_type")
        if oper_type not in OPER_TYPES:
            raise _bad("oper_type must be one of %s" % ", ".join(OPER_TYPES))
        storage = _int_field(body, "new_storage_space")
        brokers = _int_field(body, "new_broker_num")
        product = body.get("new_product_id")
        if oper_type == "storage":
            if storage is None:
                raise _bad("new_storage_space is required when oper_type is storage")
            if storage % 100:
                raise _bad("new_storage_space must be a multiple of 100")
            # SDK: each broker gains at least 100 GB.
            if storage < instance.storage_space + 100 * instance.broker_num:
                raise _bad(
                    "new_storage_space must add at least 100 GB per broker (now %d GB on %d brokers)"
                    % (instance.storage_space, instance.broker_num)
                )
            return {}, lambda s: setattr(s, "storage_space", storage)
        if oper_type == "horizontal":
            if brokers is None:
                raise _bad("new_broker_num is required when oper_type is horizontal")
            if brokers <= instance.broker_num or brokers > MAX_BROKERS:
                raise _bad(
                    "new_broker_num must be more than the current %d and at most %d"
                    % (instance.broker_num, MAX_BROKERS)
                )
            per_broker = instance.storage_space // max(instance.broker_num, 1)
            if storage is not None and storage != per_broker * brokers:
                raise _bad(
                    "new_storage_space must be new_broker_num times the storage of one broker (%d GB)" % per_broker
                )
            public_ids = body.get("publicip_id")
            added = brokers - instance.broker_num
            # INVENTED rule (the SDK calls publicip_id required for every horizontal scale-out; the emulator asks
            # for it only where it matters): with public access on, each added broker needs its own EIP.
            if public_ids is None and instance.enabled:
                raise _bad("publicip_id must list one EIP id per added broker, comma-separated (public access is on)")
            if public_ids is not None and (not isinstance(public_ids, str) or len(public_ids.split(",")) != added):
                raise _bad("publicip_id must list one EIP id per added broker, comma-separated")
            new_ids = public_ids.split(",") if public_ids else []

            def grow(s: Instance) -> None:
                s.broker_num = brokers
                s.storage_space = per_broker * brokers
                if s.enabled:
                    # The new brokers are reachable on their EIPs: the detail lists one public address per broker.
                    s.ids = s.ids + new_ids

            return {}, grow
        if not isinstance(product, str) or not product:
            raise _bad("new_product_id is required when oper_type is vertical")
        return {}, lambda s: setattr(s, "product_id", product)

    def _plain_ssl_switch(self, body: Dict[str, Any], instance: Instance):
        protocol = body.get("protocol")
        enable = body.get("enable")
        if protocol not in KAFKA_PROTOCOLS:
            raise _bad("protocol must be one of %s" % ", ".join(KAFKA_PROTOCOLS))
        if not isinstance(enable, bool):
            raise _bad("enable must be true or false")
        if instance.port_protocols.get(protocol) == enable:
            raise _bad("%s is already %s" % (protocol, "enabled" if enable else "disabled"))
        if not enable and sum(instance.port_protocols.values()) <= 1:
            raise _bad("at least one access mode must stay enabled")
        return {"protocol": protocol, "enable": enable}, lambda s: s.port_protocols.__setitem__(protocol, enable)

    def _modify_configs(self, body: Dict[str, Any], instance: Instance):
        configs = body.get("kafka_configs")
        if not isinstance(configs, list) or not configs:
            raise _bad("kafka_configs must be a non-empty list")
        changes: Dict[str, str] = {}
        for item in configs:
            if not isinstance(item, dict) or not isinstance(item.get("name"), str) or "value" not in item:
                raise _bad("each kafka_configs item needs a name and a value")
            changes[item["name"]] = str(item["value"])
        static = sum(1 for name in changes if name in STATIC_KAFKA_CONFIGS)
        return ({"dynamic_config": len(changes) - static, "static_config": static}, lambda s: s.configs.update(changes))

    def _update_plugins(self, body: Dict[str, Any], instance: Instance):
        enable = body.get("enable")
        plugins = body.get("plugins")
        if not isinstance(enable, bool):
            raise _bad("enable must be true or false")
        if not isinstance(plugins, str) or not plugins.strip():
            raise _bad("plugins must be a comma-separated list of plugin names")
        names = [name.strip() for name in plugins.split(",") if name.strip()]

        def switch(s: Instance) -> None:
            if enable:
                s.plugins.extend(name for name in names if name not in s.plugins)
            else:
                s.plugins[:] = [name for name in s.plugins if name not in names]

        return {}, switch

    def _named(self, body: Dict[str, Any], existing: List[str], what: str) -> str:
        name = body.get("name")
        if not isinstance(name, str) or not NAME_PATTERN.match(name):
            raise _bad("name must be 3-64 letters, digits, '%%', '|', '-' or '_'")
        if name in existing:
            # INVENTED code and text for a duplicate name.
            raise dms_error(400, "DMS.00400074", "The %s already exists." % what)
        return name

    def _create(self, body: Dict[str, Any], instance: Instance):
        # RocketMQ topic creation (topics.create on a rocketmq instance).
        name = self._named(body, instance.topics, "topic")
        queue_num = body.get("queue_num")
        if queue_num is not None and (
            isinstance(queue_num, bool) or not isinstance(queue_num, (int, float)) or not 1 <= queue_num <= 50
        ):
            raise _bad("queue_num must be 1-50")
        return {"id": name}, lambda s: s.topics.append(name)

    def _create_group(self, body: Dict[str, Any], instance: Instance):
        name = self._named(body, instance.groups, "consumer group")
        retry = body.get("retry_max_time")
        if retry is not None and (isinstance(retry, bool) or not isinstance(retry, int) or not 1 <= retry <= 16):
            raise _bad("retry_max_time must be 1-16")
        return {"name": name}, lambda s: s.groups.append(name)

    def _kafka_topic(self, body: Dict[str, Any], instance: Instance) -> Reply:
        # Kafka's CreateInstanceTopic answers {"name"} at once: no job, nothing to wait on.
        name = body.get("id")
        if not isinstance(name, str) or not NAME_PATTERN.match(name):
            raise _bad("id (the topic name) must be 3-64 letters, digits, '-' or '_'")
        if name in instance.topics:
            raise dms_error(400, "DMS.00400074", "The topic already exists.")
        instance.topics.append(name)
        return json_reply(200, {"name": name})

    # --- admin (/_emulator/jobs) -------------------------------------------------------------------
    def admin(self, req: Received) -> Reply:
        if req.method == "GET":
            return json_reply(200, self.describe())
        if req.method == "POST":
            return json_reply(200, self.configure(json.loads(req.body.decode("utf-8")) if req.body else {}))
        return json_reply(405, {"error": "use GET or POST on /_emulator/jobs"})

    def describe(self) -> Dict[str, Any]:
        now = self.now()
        with self.store.lock:
            self.store.settle(now)
            jobs = [
                {
                    "job_id": job.task.id,
                    "route": job.kind,
                    "project_id": job.task.project_id,
                    "instance_id": job.task.instance_id,
                    "task_name": job.task.name,
                    "status": self.store.peek(job.task, now)["status"],
                    "applied": job.applied,
                    "body": job.body,
                }
                for job in self.jobs
            ]
            instances = [instance.job_view() for instance in self.store.all_instances()]
            return {"jobs": jobs, "instances": instances, "settings": dict(self.settings)}

    def configure(self, spec: Any) -> Dict[str, Any]:
        """Timeline/visibility of future jobs and the current capacity of an instance (docs/emulator.md)."""
        if not isinstance(spec, dict):
            raise ValueError("job settings must be a JSON object")
        unknown = set(spec) - {
            "project_id",
            "instance_id",
            "timeline",
            "appear_after",
            "broker_num",
            "storage_space",
            "product_id",
            "engine",
        }
        if unknown:
            raise ValueError("unknown job settings: %s" % ", ".join(sorted(unknown)))
        instance_id = spec.get("instance_id")
        settings: Dict[str, Any] = {}
        if "timeline" in spec:
            parse_timeline(spec["timeline"])
            settings["timeline"] = spec["timeline"]
        if "appear_after" in spec:
            if float(spec["appear_after"]) < 0:
                raise ValueError("appear_after must be >= 0")
            settings["appear_after"] = float(spec["appear_after"])
        capacity = {k: spec[k] for k in ("broker_num", "storage_space", "product_id") if k in spec}
        if capacity and not instance_id:
            raise ValueError("instance_id is required to set broker_num, storage_space or product_id")
        for key in ("broker_num", "storage_space"):
            value = capacity.get(key)
            if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 1):
                raise ValueError("%s must be an integer >= 1" % key)
        if capacity.get("broker_num") is not None and capacity["broker_num"] > MAX_BROKERS:
            raise ValueError("broker_num must be at most %d, got %d" % (MAX_BROKERS, capacity["broker_num"]))
        if "product_id" in capacity and (not isinstance(capacity["product_id"], str) or not capacity["product_id"]):
            raise ValueError("product_id must be a non-empty string")
        with self.store.lock:
            if settings:
                self.settings.setdefault(instance_id or "*", {}).update(settings)
            if capacity:
                # The same fields POST /_emulator/instances sets: only the keys given change (an unknown instance is
                # created with its engine's defaults first).
                instance = self.store.ensure_instance(
                    spec.get("project_id") or DEFAULT_PROJECT_ID, instance_id, spec.get("engine"), self.now()
                )
                for key, value in capacity.items():
                    setattr(instance, key, value)
        return self.describe()
