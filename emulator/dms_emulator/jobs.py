"""Job-returning DMS calls: each answers with a `job_id` whose task runs a timeline (dms-api.md §7).

Routes (request and answer shapes from Huawei's SDK 3.1.219 models; docs/emulator.md marks what is invented):
  POST /v2/{project_id}/kafka/instances/{instance_id}/extend            ResizeKafkaInstance      {"job_id"}
  POST /v2/{project_id}/kafka/instances/{instance_id}/plain-ssl-switch  UpdateKafkaPortProtocol  {"job_id","protocol","enable"}
  PUT  /v2/{project_id}/instances/{instance_id}/configs                 ModifyInstanceConfigs    {"job_id","dynamic_config","static_config"}
  PUT  /v2/{project_id}/instances/{instance_id}/rabbitmq/plugins        UpdatePlugins            {"job_id"}
  POST /v2/{project_id}/instances/{instance_id}/topics                  RocketMQ CreateTopic...  {"id","job_id"}
                                                                         Kafka CreateInstanceTopic {"name"} (no job)
  POST /v2/{project_id}/instances/{instance_id}/groups                  RocketMQ CreateConsumerGroup... {"job_id","name"}

A job's effect (broker count, storage, protocol, plugins, ...) is applied to the instance's state only when its task
is first seen SUCCESS, at the start of any later request (`settle`), like the real instance that changes once the
job is done. While a job of an instance is not finished, another change of that instance answers DMS.00400026.
"""
from __future__ import annotations

import json
import re
import threading
import uuid
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional, Tuple

from . import DEFAULT_PROJECT_ID
from .errors import BAD_PARAMETER, INSTANCE_NOT_FOUND, ApiError, dms_error
from .gateway import Principal
from .reply import Reply, json_reply
from .request import Received
from .taskstore import Instance, Task, TaskStore
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

# Faithful code and text (dms-api.md §2.2, §7): what DMS answers while the instance is busy with another change.
INSTANCE_BUSY = ("DMS.00400026", "This operation is not allowed due to the instance status.")
# The six listener switches Terraform sends as `protocol` (kafka_instance.go, buildSwitchInstancePortProtocolBodyParams).
KAFKA_PROTOCOLS = ("private_plain_enable", "private_sasl_ssl_enable", "private_sasl_plaintext_enable",
                   "public_plain_enable", "public_sasl_ssl_enable", "public_sasl_plaintext_enable")
OPER_TYPES = ("storage", "horizontal", "vertical")
MAX_BROKERS = 50                     # SDK ResizeEngineInstanceReq: "at most 50 brokers"
# INVENTED: which Kafka parameters are static (need a restart); the SDK only says the answer counts both kinds.
STATIC_KAFKA_CONFIGS = frozenset(("log.retention.hours", "num.partitions", "default.replication.factor",
                                  "auto.create.groups.enable", "message.max.bytes"))
NAME_PATTERN = re.compile(r"^[A-Za-z0-9%|_-]{3,64}$")   # SDK: topic and group names, 3-64 of these characters
# INVENTED task names: no DMS page names the tasks these calls record.
TASK_NAMES = {
    "kafka.extend": "kafkaInstanceExtend",
    "kafka.plain_ssl_switch": "kafkaPlainSslSwitch",
    "kafka.modify_configs": "kafkaConfigModify",     # the name Terraform waits on for Kafka config changes
    "rabbitmq.update_plugins": "rabbitmqPluginsUpdate",
    "topics.create": "rocketmqTopicCreate",
    "rocketmq.create_group": "rocketmqGroupCreate",
}
ROUTE_ENGINES = {
    "kafka.extend": ("kafka",), "kafka.plain_ssl_switch": ("kafka",), "kafka.modify_configs": ("kafka",),
    "rabbitmq.update_plugins": ("rabbitmq",), "topics.create": ("kafka", "rocketmq"),
    "rocketmq.create_group": ("rocketmq",),
}
# Short enough that playbook tests finish in seconds, long enough that a wait sees CREATED and EXECUTING.
DEFAULT_TIMELINE = [{"status": "CREATED", "seconds": 1, "polls": 1},
                    {"status": "EXECUTING", "seconds": 2, "polls": 1}, {"status": "SUCCESS"}]


def match_job_route(method: str, path: str) -> Optional[Tuple[str, Tuple[str, ...]]]:
    """(route name, (project_id, instance_id)) for a job-returning path, or None."""
    for route_method, pattern, name in JOB_ROUTES:
        found = pattern.match(path)
        if found and route_method == method:
            return name, found.groups()
    return None


@dataclass
class InstanceState:
    """What the job routes change; defaults are a small Kafka cluster (3 brokers, 300 GB in total)."""
    broker_num: int = 3
    storage_space: int = 300          # total GB, as the SDK's new_storage_space counts it
    product_id: str = "c6.2u4g.cluster"
    port_protocols: Dict[str, bool] = field(default_factory=lambda: {name: name == "private_plain_enable"
                                                                     for name in KAFKA_PROTOCOLS})
    configs: Dict[str, str] = field(default_factory=dict)
    plugins: List[str] = field(default_factory=list)
    topics: List[str] = field(default_factory=list)
    groups: List[str] = field(default_factory=list)

    def view(self) -> Dict[str, Any]:
        return {"broker_num": self.broker_num, "storage_space": self.storage_space, "product_id": self.product_id,
                "port_protocols": dict(self.port_protocols), "configs": dict(self.configs),
                "plugins": list(self.plugins), "topics": list(self.topics), "groups": list(self.groups)}


@dataclass
class Job:
    route: str
    task: Task
    effect: Callable[[InstanceState], None]
    body: Any
    applied: bool = False
    finished: bool = False


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
        self._lock = threading.RLock()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self.states: Dict[Tuple[str, str], InstanceState] = {}
            self.jobs: List[Job] = []
            self.settings: Dict[str, Dict[str, Any]] = {}

    # --- state -----------------------------------------------------------------------------------
    def state(self, instance: Instance) -> InstanceState:
        with self._lock:
            key = (instance.project_id, instance.id)
            if key not in self.states:
                self.states[key] = InstanceState()
            return self.states[key]

    def _settings_for(self, instance_id: str) -> Dict[str, Any]:
        merged = dict(self.settings.get("*", {}))
        merged.update(self.settings.get(instance_id, {}))
        return merged

    def settle(self) -> None:
        """Apply the effect of every job whose task has turned SUCCESS; mark failed ones finished."""
        now = self.now()
        with self._lock:
            for job in self.jobs:
                if job.finished:
                    continue
                status = self.store.peek(job.task, now)["status"]
                if status == "SUCCESS":
                    job.effect(self.states[(job.task.project_id, job.task.instance_id)])
                    instance = self.store.instance(job.task.project_id, job.task.instance_id)
                    if instance is not None:
                        self._mirror(instance)
                    job.applied = job.finished = True
                elif status in ("FAILED", "CANCELLED", "DELETED"):
                    job.finished = True

    def _mirror(self, instance: Instance) -> None:
        # The instance model may carry capacity fields (instance detail routes); keep them in step when it does.
        state = self.states[(instance.project_id, instance.id)]
        for name in ("broker_num", "storage_space", "total_storage_space", "product_id"):
            if hasattr(instance, name):
                setattr(instance, name, state.storage_space if name == "total_storage_space" else getattr(state, name))

    def _busy(self, instance: Instance) -> bool:
        with self._lock:
            return any(not job.finished and job.task.project_id == instance.project_id
                       and job.task.instance_id == instance.id for job in self.jobs)

    # --- API -------------------------------------------------------------------------------------
    def handle(self, route: str, groups: Tuple[str, ...], req: Received, principal: Principal) -> Reply:
        project_id, instance_id = groups[0], groups[1]
        if principal.kind == "token" and principal.project_id != project_id:
            raise dms_error(401, "DMS.10240104", "The project ID in the URL does not match the token.")
        instance = self.store.instance(project_id, instance_id)
        if instance is None:
            raise dms_error(404, *INSTANCE_NOT_FOUND)
        if instance.engine not in ROUTE_ENGINES[route]:
            # INVENTED: the real answer to an engine's API called on another engine's instance is unverified.
            raise _bad("this API is not supported by %s instances" % instance.engine)
        if route in ("topics.create", "rocketmq.create_group") and req.query("action") is not None:
            # The same paths delete in batch with ?action=delete; the emulator does not model that (INVENTED answer).
            raise _bad("action=%s is not supported by the emulator" % req.query("action"))
        body = _body(req)
        state = self.state(instance)
        if route == "topics.create" and instance.engine == "kafka":
            return self._kafka_topic(body, state)
        if self._busy(instance):
            raise dms_error(400, *INSTANCE_BUSY)
        handler = getattr(self, "_" + route.split(".", 1)[1])
        payload, effect = handler(body, state)
        job = self._start(route, instance, body, effect)
        payload = dict(payload, job_id=job.task.id)
        return json_reply(200, payload)

    def _start(self, route: str, instance: Instance, body: Dict[str, Any], effect: Callable[[InstanceState], None]) -> Job:
        settings = self._settings_for(instance.id)
        spec = {"project_id": instance.project_id, "instance_id": instance.id, "id": uuid.uuid4().hex,
                "name": TASK_NAMES[route], "params": body,
                "timeline": settings.get("timeline", DEFAULT_TIMELINE),
                "appear_after": settings.get("appear_after", 0)}
        if route == "kafka.plain_ssl_switch":
            spec["params"] = {k: ("******" if k == "pass_word" else v) for k, v in body.items()}
        task = self.store.create_task(spec, self.now())
        job = Job(route, task, effect, spec["params"])
        with self._lock:
            self.jobs.append(job)
        return job

    def _extend(self, body: Dict[str, Any], state: InstanceState):
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
            if storage < state.storage_space + 100 * state.broker_num:
                raise _bad("new_storage_space must add at least 100 GB per broker (now %d GB on %d brokers)"
                           % (state.storage_space, state.broker_num))
            return {}, lambda s: setattr(s, "storage_space", storage)
        if oper_type == "horizontal":
            if brokers is None:
                raise _bad("new_broker_num is required when oper_type is horizontal")
            if brokers <= state.broker_num or brokers > MAX_BROKERS:
                raise _bad("new_broker_num must be more than the current %d and at most %d" % (state.broker_num, MAX_BROKERS))
            per_broker = state.storage_space // max(state.broker_num, 1)
            if storage is not None and storage != per_broker * brokers:
                raise _bad("new_storage_space must be new_broker_num times the storage of one broker (%d GB)" % per_broker)
            public_ids = body.get("publicip_id")
            if public_ids is not None and (not isinstance(public_ids, str) or len(public_ids.split(",")) != brokers - state.broker_num):
                raise _bad("publicip_id must list one EIP id per added broker, comma-separated")

            def grow(s: InstanceState) -> None:
                s.broker_num = brokers
                s.storage_space = per_broker * brokers
            return {}, grow
        if not isinstance(product, str) or not product:
            raise _bad("new_product_id is required when oper_type is vertical")
        return {}, lambda s: setattr(s, "product_id", product)

    def _plain_ssl_switch(self, body: Dict[str, Any], state: InstanceState):
        protocol = body.get("protocol")
        enable = body.get("enable")
        if protocol not in KAFKA_PROTOCOLS:
            raise _bad("protocol must be one of %s" % ", ".join(KAFKA_PROTOCOLS))
        if not isinstance(enable, bool):
            raise _bad("enable must be true or false")
        if state.port_protocols.get(protocol) == enable:
            raise _bad("%s is already %s" % (protocol, "enabled" if enable else "disabled"))
        if not enable and sum(state.port_protocols.values()) <= 1:
            raise _bad("at least one access mode must stay enabled")
        return {"protocol": protocol, "enable": enable}, lambda s: s.port_protocols.__setitem__(protocol, enable)

    def _modify_configs(self, body: Dict[str, Any], state: InstanceState):
        configs = body.get("kafka_configs")
        if not isinstance(configs, list) or not configs:
            raise _bad("kafka_configs must be a non-empty list")
        changes: Dict[str, str] = {}
        for item in configs:
            if not isinstance(item, dict) or not isinstance(item.get("name"), str) or "value" not in item:
                raise _bad("each kafka_configs item needs a name and a value")
            changes[item["name"]] = str(item["value"])
        static = sum(1 for name in changes if name in STATIC_KAFKA_CONFIGS)
        return ({"dynamic_config": len(changes) - static, "static_config": static},
                lambda s: s.configs.update(changes))

    def _update_plugins(self, body: Dict[str, Any], state: InstanceState):
        enable = body.get("enable")
        plugins = body.get("plugins")
        if not isinstance(enable, bool):
            raise _bad("enable must be true or false")
        if not isinstance(plugins, str) or not plugins.strip():
            raise _bad("plugins must be a comma-separated list of plugin names")
        names = [name.strip() for name in plugins.split(",") if name.strip()]

        def switch(s: InstanceState) -> None:
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

    def _create(self, body: Dict[str, Any], state: InstanceState):
        # RocketMQ topic creation (topics.create on a rocketmq instance).
        name = self._named(body, state.topics, "topic")
        queue_num = body.get("queue_num")
        if queue_num is not None and (isinstance(queue_num, bool) or not isinstance(queue_num, (int, float))
                                      or not 1 <= queue_num <= 50):
            raise _bad("queue_num must be 1-50")
        return {"id": name}, lambda s: s.topics.append(name)

    def _create_group(self, body: Dict[str, Any], state: InstanceState):
        name = self._named(body, state.groups, "consumer group")
        retry = body.get("retry_max_time")
        if retry is not None and (isinstance(retry, bool) or not isinstance(retry, int) or not 1 <= retry <= 16):
            raise _bad("retry_max_time must be 1-16")
        return {"name": name}, lambda s: s.groups.append(name)

    def _kafka_topic(self, body: Dict[str, Any], state: InstanceState) -> Reply:
        # Kafka's CreateInstanceTopic answers {"name"} at once: no job, nothing to wait on.
        name = body.get("id")
        if not isinstance(name, str) or not NAME_PATTERN.match(name):
            raise _bad("id (the topic name) must be 3-64 letters, digits, '-' or '_'")
        if name in state.topics:
            raise dms_error(400, "DMS.00400074", "The topic already exists.")
        state.topics.append(name)
        return json_reply(200, {"name": name})

    # --- admin (/_emulator/jobs) -------------------------------------------------------------------
    def admin(self, req: Received) -> Reply:
        if req.method == "GET":
            return json_reply(200, self.describe())
        if req.method == "POST":
            return json_reply(200, self.configure(json.loads(req.body.decode("utf-8")) if req.body else {}))
        return json_reply(405, {"error": "use GET or POST on /_emulator/jobs"})

    def describe(self) -> Dict[str, Any]:
        self.settle()
        now = self.now()
        with self._lock:
            jobs = [{"job_id": job.task.id, "route": job.route, "project_id": job.task.project_id,
                     "instance_id": job.task.instance_id, "task_name": job.task.name,
                     "status": self.store.peek(job.task, now)["status"], "applied": job.applied, "body": job.body}
                    for job in self.jobs]
            instances = [dict(state.view(), project_id=key[0], instance_id=key[1]) for key, state in self.states.items()]
            return {"jobs": jobs, "instances": instances, "settings": dict(self.settings)}

    def configure(self, spec: Any) -> Dict[str, Any]:
        """Timeline/visibility of future jobs and the starting capacity of an instance (docs/emulator.md)."""
        if not isinstance(spec, dict):
            raise ValueError("job settings must be a JSON object")
        unknown = set(spec) - {"project_id", "instance_id", "timeline", "appear_after", "broker_num", "storage_space",
                               "product_id", "engine"}
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
        with self._lock:
            if settings:
                self.settings.setdefault(instance_id or "*", {}).update(settings)
            capacity = {k: spec[k] for k in ("broker_num", "storage_space", "product_id") if k in spec}
            if capacity:
                if not instance_id:
                    raise ValueError("instance_id is required to set broker_num, storage_space or product_id")
                instance = self.store.ensure_instance(spec.get("project_id") or DEFAULT_PROJECT_ID, instance_id,
                                                      spec.get("engine"))
                state = self.state(instance)
                for key, value in capacity.items():
                    setattr(state, key, value)
                self._mirror(instance)
        return self.describe()
