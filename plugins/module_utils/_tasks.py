# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.dms contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The DMS background-task model and the two read calls (show one, list all pages)."""

from __future__ import annotations

import json
from typing import Any, Iterable, Optional
from urllib.parse import quote

from ._body import loads_bounded
from ._errors import (
    ConfigurationError,
    DmsApiError,
    DmsResponseError,
    InstanceNotFoundError,
    TaskNotFoundError,
    is_instance_not_found,
)
from ._http_errors import shown
from ._ids import is_id
from ._numbers import int_or_none
from ._timeparse import TimeFormatError, UtcTime, option_to_api_time, sort_key

PENDING_STATUSES = frozenset(("CREATED", "EXECUTING"))
TERMINAL_STATUSES = frozenset(("SUCCESS", "FAILED", "DELETED", "CANCELLED"))
SUCCESS_STATUSES = frozenset(("SUCCESS",))
KNOWN_STATUSES = PENDING_STATUSES | TERMINAL_STATUSES

# The API caps a page at 100 (Terraform provider kafka/common.go); the bound on pages keeps a
# misbehaving server that never returns a short page from looping us forever.
PAGE_LIMIT = 100
MAX_PAGES = 1000
# Tasks kept in memory across all pages of one list: far more than an instance keeps (the console shows a few hundred),
# far less than 1 000 pages of junk (each 4 MiB page of '{},' cost ~375 MB before). Over it, the run fails naming it.
MAX_TASKS = 10000
# Fields a task's status logic compares: a server's list or object there must not crash the module.
_STRING_FIELDS = ("status",)


def to_api_time(value: Optional[str], option: str) -> Optional[str]:
    """One of _timeparse.TIME_FORMATS as the API's UTC YYYYMMDDHHmmss; a ConfigurationError naming the option otherwise."""
    try:
        return option_to_api_time(value, option)
    except TimeFormatError as err:
        raise ConfigurationError(str(err)) from None


def decode_params(params: Any) -> Any:
    if not isinstance(params, str):
        return params
    try:
        decoded = loads_bounded(params)
    except ValueError:
        return params
    return decoded if isinstance(decoded, dict) else params


def normalize_task(raw: Any) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise DmsResponseError("DMS API returned a task that is not an object: %r" % (str(raw)[:80],))
    task = dict(raw)
    for field in _STRING_FIELDS:
        value = task.get(field)
        if value is not None and not isinstance(value, str):
            raise DmsResponseError(
                "DMS API returned task %s with a '%s' of type %s (%s), expected a string; the answer is"
                " malformed (a proxy or server fault)."
                % (_shown_id(task.get("id")), field, type(value).__name__, json.dumps(value)[:60])
            )
    if "params" in task:
        task["params"] = decode_params(task["params"])
    return task


def created_sort_key(task: dict[str, Any]) -> tuple[int, UtcTime]:
    """Sort key for 'newest': tasks with a parseable created_at order by instant; others sort oldest."""
    return sort_key(task.get("created_at"))


def _shown_id(value: Any) -> str:
    return value if is_id(value) else repr(str(value)[:40])


def filter_tasks(
    tasks: Iterable[dict[str, Any]], name: Optional[str] = None, latest: bool = False
) -> list[dict[str, Any]]:
    kept = [task for task in tasks if name is None or task.get("name") == name]
    if latest and kept:
        return [max(kept, key=created_sort_key)]
    return kept


def _tasks_of(data: Any, method_path: str) -> list[dict[str, Any]]:
    if not isinstance(data, dict):
        what = "an empty body" if data is None else "a JSON %s" % type(data).__name__
        raise DmsResponseError("DMS API %s answered with %s instead of a JSON object." % (method_path, what))
    tasks = data.get("tasks")
    if tasks is None:
        raise DmsResponseError(
            "DMS API %s answered without a 'tasks' list (keys: %s)."
            % (method_path, shown(", ".join(sorted(str(key) for key in data))) or "none")
        )
    if not isinstance(tasks, list):
        raise DmsResponseError(
            "DMS API %s answered with 'tasks' of type %s, expected a list." % (method_path, type(tasks).__name__)
        )
    return [normalize_task(task) for task in tasks]


# The permission every call below needs (the DMS API reference's "ShowBackgroundTask" and its progress read).
PERMISSION_HINT = ". The credentials lack permission dms:instance:getBackgroundTask on this project."


class DmsTaskApi:
    """The background-task endpoints of one instance."""

    def __init__(self, client: Any, project_id: str, instance_id: str) -> None:
        self.client = client
        self.project_id = project_id
        self.instance_id = instance_id
        self.base_path = "/v2/%s/instances/%s/tasks" % (quote(project_id, safe=""), quote(instance_id, safe=""))

    def _get(self, path: str, query: Any = (), deadline: Optional[float] = None) -> Any:
        try:
            return self.client.get_json(path, query=query, deadline=deadline)
        except DmsApiError as err:
            if err.status == 403 and not err.hint:
                err.hint = PERMISSION_HINT
            raise

    def _no_instance(self, err: DmsApiError) -> InstanceNotFoundError:
        return InstanceNotFoundError(
            "Instance %s was not found: it does not exist in project %s. Check 'instance_id', and that 'project_id' (or"
            " 'region') is the instance's project and region (the DMS console shows both). %s"
            % (self.instance_id, self.project_id, err)
        )

    def show(self, task_id: str, deadline: Optional[float] = None) -> dict[str, Any]:
        path = "%s/%s" % (self.base_path, quote(task_id, safe=""))
        try:
            response = self._get(path, deadline=deadline)
        except DmsApiError as err:
            if is_instance_not_found(err):
                raise self._no_instance(err) from None
            if err.not_found:
                raise TaskNotFoundError(
                    "Task %s was not found on instance %s: %s" % (task_id, self.instance_id, err)
                ) from None
            raise
        tasks = _tasks_of(response.data, "GET " + path)
        if not tasks:
            # The docs do not say whether a missing task is a 404 or an empty list; treat both alike.
            raise TaskNotFoundError(
                "Task %s was not found on instance %s (the API returned no task)." % (task_id, self.instance_id)
            )
        match = [task for task in tasks if task.get("id") == task_id]
        if not match:
            # Never another task's status for this one: its SUCCESS would end a wait on the wrong task.
            raise DmsResponseError(
                "DMS API GET %s answered with task(s) %s instead of task %s; the answer is not about the task"
                " asked for (a proxy or server fault)."
                % (path, ", ".join(_shown_id(task.get("id")) for task in tasks[:5]), task_id)
            )
        return match[0]

    def progress(self, task_id: str, deadline: Optional[float] = None) -> dict[str, Any]:
        """GET .../tasks/{task_id}/progress (Kafka and RocketMQ; RabbitMQ answers 404): the API's object, keys as sent."""
        if not is_id(task_id):
            # The id came from a server's answer: '..' or 'a/b' must not become part of the next URL.
            raise DmsResponseError(
                "DMS API GET %s answered with a task id that is not an id (%r): letters, digits, '-' and '_'"
                " only; its progress is not read (a proxy or server fault)." % (self.base_path, str(task_id)[:40])
            )
        path = "%s/%s/progress" % (self.base_path, quote(task_id, safe=""))
        response = self._get(path, deadline=deadline)
        if not isinstance(response.data, dict):
            raise DmsResponseError(
                "DMS API GET %s answered with %s instead of a JSON object." % (path, type(response.data).__name__)
            )
        return response.data

    def list(
        self, begin_time: Optional[str] = None, end_time: Optional[str] = None, deadline: Optional[float] = None
    ) -> list[dict[str, Any]]:
        """Every task of the instance in the window, following start/limit pages."""
        collected: list[dict[str, Any]] = []
        start = 1
        for _page in range(MAX_PAGES):
            query = [("start", str(start)), ("limit", str(PAGE_LIMIT))]
            if begin_time:
                query.append(("begin_time", begin_time))
            if end_time:
                query.append(("end_time", end_time))
            try:
                response = self._get(self.base_path, query=query, deadline=deadline)
            except DmsApiError as err:
                if is_instance_not_found(err):
                    raise self._no_instance(err) from None
                if err.not_found:
                    raise TaskNotFoundError("Instance %s was not found: %s" % (self.instance_id, err)) from None
                raise
            page = _tasks_of(response.data, "GET " + self.base_path)
            collected.extend(page)
            if len(collected) > MAX_TASKS:
                raise DmsResponseError(
                    "DMS API GET %s listed more than %d tasks (the most one run keeps, across pages) on instance %s;"
                    " stopping. Narrow the list with begin_time and end_time, or give task_id."
                    % (self.base_path, MAX_TASKS, self.instance_id)
                )
            total = int_or_none(response.data.get("task_count"))
            if len(page) < PAGE_LIMIT or (total is not None and len(collected) >= total):
                return collected
            start += len(page)
        raise DmsResponseError("DMS API kept returning full pages after %d pages of tasks; stopping." % MAX_PAGES)
