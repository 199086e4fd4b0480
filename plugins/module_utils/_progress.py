# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.dms contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""include_progress: add each task's ``progress`` from GET .../tasks/{task_id}/progress.

Huawei documents it for Kafka (capacity expansion) and RocketMQ; RabbitMQ has no such API (404), and what the
service answers for a task it has no progress for is not documented. So the first answer with a 4xx status other
than the transient 408 and 429 (404, 400, 403, ...) makes the reader warn once and stop asking for the rest of the
run: the tasks come back without ``progress`` and a wait goes on. 5xx, 408 and 429 propagate like a
failed status read (the waiter counts them as transient). Progress of a task in a terminal status no longer changes, so it is read
once and reused on later polls; a running task's progress is read after every status read.
"""

from __future__ import annotations

from typing import Any, Callable, Optional

from ._errors import DmsApiError
from ._tasks import TERMINAL_STATUSES, DmsTaskApi


class ProgressReader:
    def __init__(self, api: DmsTaskApi, warn: Callable[[str], None]) -> None:
        self.api = api
        self.warn = warn
        self.supported = True
        self._final: dict[str, dict[str, Any]] = {}

    def attach(self, tasks: list[dict[str, Any]], deadline: Optional[float] = None) -> list[dict[str, Any]]:
        """Set ``task['progress']`` on each task with an id; a non-transient 4xx disables progress, other errors propagate."""
        for task in tasks:
            if not self.supported:
                break
            task_id = task.get("id")
            if not isinstance(task_id, str):
                continue
            terminal = task.get("status") in TERMINAL_STATUSES
            if terminal and task_id in self._final:
                task["progress"] = dict(self._final[task_id])
                continue
            try:
                progress = self.api.progress(task_id, deadline=deadline)
            except DmsApiError as err:
                if not 400 <= err.status < 500 or err.transient:
                    raise
                self.supported = False
                self.warn(
                    "Task progress is not available on instance %s (GET .../tasks/%s/progress answered HTTP %d%s):"
                    " Huawei documents progress only for Kafka and RocketMQ instances (on Kafka, for capacity"
                    " expansion). Progress is not asked again in this run; the tasks are returned without 'progress'."
                    % (self.api.instance_id, task_id, err.status, " " + err.error_code if err.error_code else "")
                )
                break
            task["progress"] = progress
            if terminal:
                self._final[task_id] = dict(progress)
        return tasks
