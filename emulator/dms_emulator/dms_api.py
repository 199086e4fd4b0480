"""The four DMS background-task operations (dms-api.md §2), for Kafka, RabbitMQ and RocketMQ alike."""

from __future__ import annotations

import re
from typing import Callable, Optional, Tuple

from .errors import (
    BAD_PARAMETER,
    INSTANCE_NOT_FOUND,
    PROGRESS_NOT_FOR_TASK,
    PROGRESS_NOT_SUPPORTED,
    TASK_NOT_FOUND,
    ApiError,
    dms_error,
    gateway_error,
)
from .gateway import Principal
from .reply import Reply, empty_reply, json_reply
from .request import Received
from .taskstore import PROGRESS_ENGINES, TaskStore
from .timefmt import parse_query_time

_SEG = r"([^/]+)"
ROUTES = [
    ("GET", re.compile(r"^/v2/%s/instances/%s/tasks/?$" % (_SEG, _SEG)), "dms.list_tasks"),
    ("GET", re.compile(r"^/v2/%s/instances/%s/tasks/%s/progress/?$" % (_SEG, _SEG, _SEG)), "dms.show_progress"),
    ("GET", re.compile(r"^/v2/%s/instances/%s/tasks/%s/?$" % (_SEG, _SEG, _SEG)), "dms.show_task"),
    ("DELETE", re.compile(r"^/v2/%s/instances/%s/tasks/%s/?$" % (_SEG, _SEG, _SEG)), "dms.delete_task"),
]

DEFAULT_LIMIT = 10  # TF comment (dms-api.md §2.1); the docs give none
MAX_LIMIT = 100


def match_route(method: str, path: str) -> Optional[Tuple[str, Tuple[str, ...]]]:
    """(route name, path groups) for a DMS path, or None."""
    for route_method, pattern, name in ROUTES:
        found = pattern.match(path)
        if found and route_method == method:
            return name, found.groups()
    return None


def task_id_of(path: str) -> Optional[str]:
    """The task id named by a path, for task-scoped faults."""
    found = re.match(r"^/v2/[^/]+/instances/[^/]+/tasks/([^/]+)", path)
    return found.group(1) if found else None


def _int_param(req: Received, name: str, default: int, low: int, high: Optional[int]) -> int:
    raw = req.query(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise dms_error(400, BAD_PARAMETER, "Invalid request parameter: %s" % name)
    if value < low or (high is not None and value > high):
        raise dms_error(400, BAD_PARAMETER, "Invalid request parameter: %s" % name)
    return value


def _time_param(req: Received, name: str) -> Optional[float]:
    raw = req.query(name)
    if raw is None or raw == "":
        return None
    try:
        return parse_query_time(raw)
    except ValueError:
        raise dms_error(400, BAD_PARAMETER, "Invalid request parameter: %s, expected format yyyyMMddHHmmss" % name)


class DmsApi:
    def __init__(self, store: TaskStore, now: Callable[[], float]) -> None:
        self.store = store
        self.now = now

    def handle(self, route: str, groups: Tuple[str, ...], req: Received, principal: Principal) -> Reply:
        project_id, instance_id = groups[0], groups[1]
        if principal.kind == "token" and principal.project_id != project_id:
            # INVENTED form of the legacy 10240104 "project id and token mismatch".
            raise dms_error(401, "DMS.10240104", "The project ID in the URL does not match the token.")
        instance = self.store.instance(project_id, instance_id)
        if instance is None:
            raise dms_error(404, *INSTANCE_NOT_FOUND)
        now = self.now()
        if route == "dms.list_tasks":
            return self._list(req, project_id, instance_id, now)
        task_id = groups[2]
        if route == "dms.show_task":
            task = self.store.show(project_id, instance_id, task_id, now)
            if task is None:
                raise dms_error(404, *TASK_NOT_FOUND)
            return json_reply(200, {"task_count": "1", "tasks": [task]})
        if route == "dms.delete_task":
            if not self.store.delete(project_id, instance_id, task_id, now):
                raise dms_error(404, *TASK_NOT_FOUND)
            return empty_reply(204)
        if route == "dms.show_progress":
            if instance.engine not in PROGRESS_ENGINES:
                raise gateway_error(404, PROGRESS_NOT_SUPPORTED[0], PROGRESS_NOT_SUPPORTED[1], req.request_id)
            progress = self.store.progress(project_id, instance_id, task_id, now)
            if progress is None:
                raise dms_error(404, *TASK_NOT_FOUND)
            if not progress:
                raise dms_error(400, *PROGRESS_NOT_FOR_TASK)
            return json_reply(200, progress)
        raise ApiError(500, {"error_code": "EMU.0500", "error_msg": "unrouted %s" % route})

    def _list(self, req: Received, project_id: str, instance_id: str, now: float) -> Reply:
        start = _int_param(req, "start", 1, 1, None)
        limit = _int_param(req, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
        begin = _time_param(req, "begin_time")
        end = _time_param(req, "end_time")
        if begin is not None and end is not None and begin > end:
            raise dms_error(400, BAD_PARAMETER, "Invalid request parameter: begin_time is after end_time")
        total, tasks = self.store.list(project_id, instance_id, now, start, limit, begin, end)
        return json_reply(200, {"task_count": str(total), "tasks": tasks})
