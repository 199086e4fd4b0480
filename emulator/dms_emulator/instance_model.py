"""The one model of an emulated DMS instance, shared by the task routes, the instance routes and the job routes.

Every part of the emulator reads and writes the same `Instance` (kept by the TaskStore):
- the instance detail (instances.py) renders it with each SDK's field names;
- the public-IP changes (instances.py) and the job-returning calls (jobs.py) start a `Change` on it;
- a change's effect is applied to it when the change's task is first seen SUCCESS (`TaskStore.settle`),
  so an applied scale-out shows in the detail's `broker_num` and a bound EIP in the job state.
An instance runs at most one change: while one runs, every other change answers DMS.00400026 (`refuse_if_busy`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional

from .errors import dms_error
from .timeline import Phase, TimelineCursor

ENGINES = ("kafka", "rabbitmq", "rocketmq")
# Faithful code and text (dms-api.md §2.2, §7; TF kafka/rabbitmq handleMultiOperationsError retries on it).
INSTANCE_BUSY = ("DMS.00400026", "This operation is not allowed due to the instance status.")
# The six listener switches Terraform sends as `protocol` (kafka_instance.go, buildSwitchInstancePortProtocolBodyParams).
KAFKA_PROTOCOLS = (
    "private_plain_enable",
    "private_sasl_ssl_enable",
    "private_sasl_plaintext_enable",
    "public_plain_enable",
    "public_sasl_ssl_enable",
    "public_sasl_plaintext_enable",
)
# INVENTED defaults: a small cluster per engine, 100 GB per broker, product ids in the real ids' form.
DEFAULT_BROKERS = {"kafka": 3, "rabbitmq": 1, "rocketmq": 1}
STORAGE_PER_BROKER = 100
MAX_BROKERS = 50  # SDK ResizeEngineInstanceReq: "at most 50 brokers"
DEFAULT_PRODUCTS = {"kafka": "c6.2u4g.cluster", "rabbitmq": "c6.2u4g.single", "rocketmq": "c6.4u8g.cluster"}
# INVENTED default for public-IP changes: about one second from change to SUCCESS, so demos and tests stay quick.
DEFAULT_CHANGE_TIMELINE = [Phase("CREATED", 0.3), Phase("EXECUTING", 0.7), Phase("SUCCESS")]
TERMINAL = ("SUCCESS", "FAILED", "DELETED", "CANCELLED")
# The instance states of the Kafka and RocketMQ API references ("Instance Status"; CREATEFAILED from older pages).
INSTANCE_STATUSES = (
    "CREATING",
    "RUNNING",
    "ERROR",
    "RESTARTING",
    "STARTING",
    "EXTENDING",
    "EXTENDEDFAILED",
    "FROZEN",
    "FREEZING",
    "UPGRADING",
    "ROLLINGBACK",
    "DELETING",
    "CREATEFAILED",
)
# How the detail shows `publicip_id` while public access is on (RabbitMQ, RocketMQ): the ids, left out, or null.
PUBLICIP_ID_FORMS = ("ids", "absent", "null")


@dataclass
class Change:
    """One change of an instance (a job or a public-IP change): its task and what SUCCESS does to the instance."""

    kind: str  # the route that started it, e.g. "kafka.extend", "public.bind"
    task: Any  # taskstore.Task
    apply: Callable[["Instance"], None]
    body: Any = None  # what the admin view shows as the request (secrets masked)
    applied: bool = False
    finished: bool = False


@dataclass
class Instance:
    """An instance as the emulated cloud knows it; field names follow the SDK's ShowInstanceResponse where one exists."""

    project_id: str
    id: str
    engine: str = "kafka"
    engine_field: str = ""  # the detail's `engine` (RocketMQ reports `reliability`)
    name: str = ""
    status: str = "RUNNING"
    created_ms: int = 0
    # Capacity (changed by Kafka's extend job).
    broker_num: int = 0
    storage_space: int = 0  # total GB, as ResizeEngineInstanceReq.new_storage_space counts it
    product_id: str = ""
    # Public access (changed by the public-IP routes and by a scale-out of a Kafka instance with public access).
    enabled: bool = False  # the detail's `enable_publicip`
    ids: List[str] = field(default_factory=list)  # bound EIP ids, one per broker for Kafka and RocketMQ
    ever_enabled: bool = False  # Kafka tells "closed" (was on) from "false" (never on)
    public_bandwidth: int = 0
    # Settings changed by the other job routes.
    port_protocols: Dict[str, bool] = field(
        default_factory=lambda: {name: name == "private_plain_enable" for name in KAFKA_PROTOCOLS}
    )
    configs: Dict[str, str] = field(default_factory=dict)
    plugins: List[str] = field(default_factory=list)
    topics: List[str] = field(default_factory=list)
    groups: List[str] = field(default_factory=list)
    updates: Dict[str, Any] = field(default_factory=dict)  # UpdateInstanceReq fields stored as sent
    # Test controls (admin API / seed).
    busy_changes: int = 0
    bind_timeline: List[Phase] = field(default_factory=lambda: list(DEFAULT_CHANGE_TIMELINE))
    unbind_timeline: List[Phase] = field(default_factory=lambda: list(DEFAULT_CHANGE_TIMELINE))
    # The instance status as a script (admin API / seed `status_timeline`), e.g. EXTENDING for 5 s, then RUNNING.
    status_cursor: Optional[TimelineCursor] = None
    publicip_id_form: str = "ids"  # one of PUBLICIP_ID_FORMS
    kafka_public_status: Optional[str] = None  # shown instead of the derived value (e.g. "freezed")
    # The change now running, if any.
    change: Optional[Change] = None

    def __post_init__(self) -> None:
        if self.engine not in ENGINES:
            raise ValueError("engine must be one of %s" % ", ".join(ENGINES))
        self.engine_field = self.engine_field or ("reliability" if self.engine == "rocketmq" else self.engine)
        self.name = self.name or "%s-%s" % (self.engine, self.id[:8])
        self.broker_num = self.broker_num or DEFAULT_BROKERS[self.engine]
        self.storage_space = self.storage_space or STORAGE_PER_BROKER * self.broker_num
        self.product_id = self.product_id or DEFAULT_PRODUCTS[self.engine]

    @property
    def instance_id(self) -> str:
        return self.id

    def refuse_if_busy(self) -> None:
        """DMS.00400026 for the next `busy_changes` calls, while a change runs, or while the instance is not RUNNING."""
        if self.busy_changes > 0:
            self.busy_changes -= 1
            raise dms_error(400, *INSTANCE_BUSY)
        if self.change is not None or self.status != "RUNNING":
            raise dms_error(400, *INSTANCE_BUSY)

    def advance_status(self, now: float, count_poll: bool = False) -> None:
        """Move the status along its script; `count_poll` when a detail read shows it (a phase may last N reads)."""
        if self.status_cursor is not None:
            self.status = self.status_cursor.observe(now, count_poll)

    def settle(self, status: Any) -> None:
        """Given the running change's task status: apply the change on SUCCESS, drop it on another terminal status."""
        change = self.change
        if change is None or status not in TERMINAL:
            return
        self.change = None
        change.finished = True
        if status == "SUCCESS":
            change.apply(self)
            change.applied = True

    def job_view(self) -> Dict[str, Any]:
        """What GET /_emulator/jobs shows of the instance (the keys it has always shown, plus the public state)."""
        return {
            "project_id": self.project_id,
            "instance_id": self.id,
            "engine": self.engine,
            "broker_num": self.broker_num,
            "storage_space": self.storage_space,
            "product_id": self.product_id,
            "port_protocols": dict(self.port_protocols),
            "configs": dict(self.configs),
            "plugins": list(self.plugins),
            "topics": list(self.topics),
            "groups": list(self.groups),
            "enable_publicip": self.enabled,
            "publicip_ids": list(self.ids),
            "status": self.status,
            "change": self.change.kind if self.change else None,
        }
