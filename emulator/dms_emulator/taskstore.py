"""Instances and their background tasks, with the visibility and status rules of the timelines.

The store keeps the one `Instance` model (instance_model.py) that the task, instance and job routes share, and
settles each instance's running change against its task (`settle`).
"""

from __future__ import annotations

import json
import threading
import uuid
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Optional, Tuple

from . import DEFAULT_PROJECT_ID
from .instance_model import ENGINES, Change, Instance
from .progression import Progression
from .timefmt import iso_ms, parse_iso
from .timeline import TimelineCursor, parse_timeline

PROGRESS_ENGINES = ("kafka", "rocketmq")  # RabbitMQ has no progress API (dms-api.md §1.1)
# Kafka documents progress only for capacity expansion (scale-out), whose task name is not documented: INVENTED rule,
# a Kafka task has progress when its name says so (or the task was created with explicit `progress` data).
KAFKA_PROGRESS_WORDS = ("scale", "extend", "expand", "resize")


def has_progress(engine: str, name: str, explicit: bool) -> bool:
    """Whether the progress call answers 200 for this task (RocketMQ: every task; Kafka: capacity expansion)."""
    if engine == "rocketmq" or explicit:
        return engine in PROGRESS_ENGINES
    return engine == "kafka" and any(word in name.lower() for word in KAFKA_PROGRESS_WORDS)


DEFAULT_USER_ID = "3df5acbc24a54fadb62a043c9000a307"

InstanceKey = Tuple[str, str]


@dataclass
class Task:
    project_id: str
    instance_id: str
    id: str
    name: str
    user_name: str
    user_id: str
    params: str
    cursor: TimelineCursor
    visible_at: float
    created_at: float
    created_at_overridden: bool
    progress: Any
    seq: int  # insertion order, breaks created_at ties (newer first)

    def visible(self, now: float) -> bool:
        # The progression decides (appear_after passes with the timeline: at once when immediate, on advance when manual).
        return self.cursor.has_started(now)

    def render(self, status: Any) -> Dict[str, Any]:
        updated = self.cursor.status_changed_at
        if self.created_at_overridden:
            # Keep updated_at >= created_at even when a test back-dates or forward-dates created_at.
            updated = max(updated - self.visible_at + self.created_at, self.created_at)
        return {
            "id": self.id,
            "name": self.name,
            "user_name": self.user_name,
            "user_id": self.user_id,
            "params": self.params,
            "status": status,
            "created_at": iso_ms(self.created_at),
            "updated_at": iso_ms(updated),
        }


def _params_string(raw: Any) -> str:
    """params is a JSON *string* in the API (dms-api.md §1.3); dicts get serialised compactly."""
    if raw is None:
        return "{}"
    if isinstance(raw, str):
        return raw
    return json.dumps(raw, separators=(",", ":"))


def default_progress(status: Any, engine: str, started: float = 0.0) -> Dict[str, Any]:
    """Progress derived from the status when the task has no explicit `progress` data.

    Steps carry start_time/end_time as epoch milliseconds (int), as the SDK's StepDetail types them: a step that has
    started has a start_time, a finished one also an end_time (one invented second per step).
    """
    if status == "SUCCESS":
        percentage, remain, states = 100, 0, ["COMPLETED", "COMPLETED", "COMPLETED"]
    elif status == "FAILED":
        percentage, remain, states = 33, 0, ["COMPLETED", "FAILED", "WAITING"]
    elif status == "EXECUTING":
        percentage, remain, states = 50, 120, ["COMPLETED", "IN_PROGRESS", "WAITING"]
    else:
        percentage, remain, states = 0, 300, ["WAITING", "WAITING", "WAITING"]
    names = ["prepare", "scale_out_brokers", "rebalance"] if engine == "kafka" else ["prepare", "scale_out", "verify"]
    steps = []
    for number, (name, state) in enumerate(zip(names, states)):
        step: Dict[str, Any] = {"name": name, "statue": state}
        if state != "WAITING":
            step["start_time"] = int(started * 1000) + 1000 * number
        if state in ("COMPLETED", "FAILED"):
            step["end_time"] = int(started * 1000) + 1000 * (number + 1)
        steps.append(step)
    return {"progress_percentage": percentage, "remain_time": remain, "step_list": steps}


class TaskStore:
    def __init__(self, progression: Optional[Progression] = None) -> None:
        self._lock = threading.RLock()
        # How every task's timeline moves (time, immediate, manual); the emulator resets it with the store.
        self.progression = progression if progression is not None else Progression()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self.instances: Dict[InstanceKey, Instance] = {}
            self.tasks: Dict[InstanceKey, Dict[str, Task]] = {}
            self._seq = 0

    @property
    def lock(self) -> Any:
        """Held by the change routes from their busy check to the change's start, so two changes cannot both start."""
        return self._lock

    # --- instances -----------------------------------------------------------------------------
    def ensure_instance(
        self, project_id: str, instance_id: str, engine: Optional[str] = None, now: float = 0.0
    ) -> Instance:
        """The known instance, or a new one with its engine's defaults; naming another engine re-creates it."""
        if engine is not None and engine not in ENGINES:
            raise ValueError("engine must be one of %s" % ", ".join(ENGINES))
        with self._lock:
            instance = self.instances.get((project_id, instance_id))
            if instance is None or (engine is not None and engine != instance.engine):
                instance = self.put_instance(
                    Instance(project_id, instance_id, engine or "kafka", created_ms=int(now * 1000))
                )
            return instance

    def put_instance(self, instance: Instance) -> Instance:
        """Add or replace an instance (its change, if any, is dropped with the old model); its tasks are kept."""
        with self._lock:
            key = (instance.project_id, instance.id)
            self.instances[key] = instance
            self.tasks.setdefault(key, {})
            return instance

    def instance(self, project_id: str, instance_id: str) -> Optional[Instance]:
        with self._lock:
            return self.instances.get((project_id, instance_id))

    def all_instances(self) -> List[Instance]:
        with self._lock:
            return list(self.instances.values())

    # --- changes -------------------------------------------------------------------------------
    def start_change(
        self,
        instance: Instance,
        kind: str,
        task_spec: Dict[str, Any],
        now: float,
        apply: Callable[[Instance], None],
        body: Any = None,
    ) -> Change:
        """Record the change's task and make it the instance's running change (the caller checked it is not busy)."""
        with self._lock:
            spec = dict(task_spec, project_id=instance.project_id, instance_id=instance.id)
            change = Change(kind, self.create_task(spec, now), apply, body)
            instance.change = change
            return change

    def settle(self, now: float, instance: Optional[Instance] = None) -> None:
        """Apply every running change whose task has turned SUCCESS, drop those that ended otherwise; move statuses on."""
        with self._lock:
            for each in [instance] if instance is not None else list(self.instances.values()):
                if each.change is not None:
                    each.settle(each.change.task.cursor.observe(now, count_poll=False))
                each.advance_status(now)

    # --- tasks ---------------------------------------------------------------------------------
    def create_task(self, spec: Dict[str, Any], now: float) -> Task:
        """Create a task from the admin/seed form (see docs/emulator.md); raises ValueError on bad input."""
        if not isinstance(spec, dict):
            raise ValueError("task must be a JSON object")
        allowed = {
            "project_id",
            "instance_id",
            "id",
            "name",
            "params",
            "user_name",
            "user_id",
            "timeline",
            "status",
            "engine",
            "appear_after",
            "progress",
            "created_at",
            "created_ago",
        }
        unknown = set(spec) - allowed
        if unknown:
            raise ValueError("unknown task keys: %s" % ", ".join(sorted(unknown)))
        instance_id = spec.get("instance_id")
        if not instance_id or not isinstance(instance_id, str):
            raise ValueError("instance_id is required")
        project_id = spec.get("project_id") or DEFAULT_PROJECT_ID
        phases = parse_timeline(spec.get("timeline", spec.get("status")))
        appear_after = float(spec.get("appear_after") or 0)
        if appear_after < 0:
            raise ValueError("appear_after must be >= 0")
        visible_at = now + appear_after
        created_raw = spec.get("created_at")
        created_ago = spec.get("created_ago")
        if created_ago is not None:
            # Relative to the server's clock, so a test can back-date a task without knowing the skew.
            if created_raw:
                raise ValueError("give created_at or created_ago, not both")
            if isinstance(created_ago, bool) or not isinstance(created_ago, (int, float)) or created_ago < 0:
                raise ValueError("created_ago must be a number of seconds >= 0")
            created_raw = iso_ms(now - float(created_ago))
        created_at = parse_iso(created_raw) if created_raw else visible_at
        progress = spec.get("progress")
        if progress is not None and not isinstance(progress, dict):
            raise ValueError("progress must be an object")
        task_id = spec.get("id") or uuid.uuid4().hex
        with self._lock:
            instance = self.ensure_instance(project_id, instance_id, spec.get("engine"), now)
            pace = self.progression.pace((project_id, instance.id))
            self._seq += 1
            task = Task(
                project_id=project_id,
                instance_id=instance.id,
                id=str(task_id),
                name=spec.get("name") or "bindInstancePublicIp",
                user_name=spec.get("user_name") or "paas_dms",
                user_id=spec.get("user_id") or DEFAULT_USER_ID,
                params=_params_string(spec.get("params")),
                cursor=TimelineCursor(phases, pace.start(now) + appear_after, pace, visible_at),
                visible_at=visible_at,
                created_at=created_at,
                created_at_overridden=bool(created_raw),
                progress=progress,
                seq=self._seq,
            )
            self.tasks[(project_id, instance.id)][task.id] = task
            return task

    def peek(self, task: Task, now: float) -> Dict[str, Any]:
        """The task as the API would show it, without using up a poll (admin views)."""
        with self._lock:
            return task.render(task.cursor.observe(now, count_poll=False))

    def show(self, project_id: str, instance_id: str, task_id: str, now: float) -> Optional[Dict[str, Any]]:
        """One GET of a task; counts as a poll. None when absent or not yet visible."""
        with self._lock:
            task = self.tasks.get((project_id, instance_id), {}).get(task_id)
            if task is None or not task.visible(now):
                return None
            return task.render(task.cursor.observe(now, count_poll=True))

    def list(
        self,
        project_id: str,
        instance_id: str,
        now: float,
        start: int,
        limit: int,
        begin: Optional[float],
        end: Optional[float],
    ) -> Tuple[int, List[Dict[str, Any]]]:
        """Newest first, filtered on created_at; returns (total matching, page). Page members count a poll."""
        with self._lock:
            candidates = [t for t in self.tasks.get((project_id, instance_id), {}).values() if t.visible(now)]
            if begin is not None:
                candidates = [t for t in candidates if t.created_at >= begin]
            if end is not None:
                # end_time has second resolution: the whole second it names is included.
                candidates = [t for t in candidates if t.created_at < end + 1]
            candidates.sort(key=lambda t: (t.created_at, t.seq), reverse=True)
            page = candidates[start - 1 : start - 1 + limit]
            return len(candidates), [t.render(t.cursor.observe(now, count_poll=True)) for t in page]

    def delete(self, project_id: str, instance_id: str, task_id: str, now: float) -> bool:
        with self._lock:
            tasks = self.tasks.get((project_id, instance_id), {})
            task = tasks.get(task_id)
            if task is None or not task.visible(now):
                return False
            del tasks[task_id]
            return True

    def progress(self, project_id: str, instance_id: str, task_id: str, now: float) -> Optional[Dict[str, Any]]:
        """The task's progress; None if there is no such task; {} if the task has no progress (see has_progress)."""
        with self._lock:
            task = self.tasks.get((project_id, instance_id), {}).get(task_id)
            if task is None or not task.visible(now):
                return None
            if not has_progress(self.instances[(project_id, instance_id)].engine, task.name, task.progress is not None):
                return {}
            status = task.cursor.observe(now, count_poll=False)
            engine = self.instances[(project_id, instance_id)].engine
            data = task.progress
            if data and isinstance(data.get(status if isinstance(status, str) else ""), dict):
                # Per-status form: {"EXECUTING": {...}, "SUCCESS": {...}}
                return dict(data[status])
            if data and ("step_list" in data or "progress_percentage" in data):
                return dict(data)
            return default_progress(status, engine, task.visible_at)

    def all_tasks(self, now: float) -> List[Dict[str, Any]]:
        with self._lock:
            out = []
            for (project_id, instance_id), tasks in self.tasks.items():
                for task in tasks.values():
                    view = self.peek(task, now)
                    view.update({"project_id": project_id, "instance_id": instance_id, "visible": task.visible(now)})
                    out.append(view)
            return out
