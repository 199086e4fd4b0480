# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.dms contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The latest thing a wait saw, written to a small file the collection's action plugin reads while the module runs.

A module cannot print while it runs; its action plugin (on the controller) can. When the plugin starts the module it
names a file in the environment variable ``HWCLOUD_DMS_PROGRESS_FILE``; every wait then hands each read to
``report_progress()``, which writes one small JSON document there: the instance, the tasks (id, name, status, progress
percentage) and the wait's timeout. Without the variable (a module run the normal way) nothing is written.

The file is replaced atomically (written aside, then ``os.replace``), only when what it says changes (the plugin keeps
its own clock for the elapsed time), and every value passes the module's redaction gate first. Writing can never fail
the module: the first I/O error turns the feed off for the rest of the run.
"""

from __future__ import annotations

import json
import os
from typing import Any, Callable, Mapping, Optional, Sequence

ENVIRONMENT_VARIABLE = "HWCLOUD_DMS_PROGRESS_FILE"
# The plugin shows a few tasks by name; a list wait over dozens of tasks needs no more than their count.
MAX_TASKS = 5
# Server strings are cut to this length: a line on a terminal, not a document.
MAX_TEXT = 80

Redact = Callable[[Optional[str]], Optional[str]]


def _text(value: Any, redact: Redact) -> Optional[str]:
    if value is None:
        return None
    return (redact(" ".join(str(value).split())) or "")[:MAX_TEXT]


def _percentage(task: Mapping[str, Any]) -> Optional[int]:
    """``progress_percentage`` of the progress API's answer (attached by include_progress), when it is a number."""
    progress = task.get("progress")
    value = progress.get("progress_percentage") if isinstance(progress, Mapping) else None
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return None
    try:
        number = int(float(value))
    except (TypeError, ValueError, OverflowError):
        return None
    return number if 0 <= number <= 100 else None


def observation(
    instance_id: Optional[str],
    tasks: Sequence[Mapping[str, Any]],
    timeout: Optional[float],
    redact: Redact,
    waiting_for: Optional[str] = None,
) -> dict[str, Any]:
    """What one read saw, in the shape the action plugin reads (plain JSON types, redacted, bounded)."""
    shown = [
        {
            "id": _text(task.get("id"), redact),
            "name": _text(task.get("name"), redact),
            "status": _text(task.get("status"), redact),
            "percent": _percentage(task),
        }
        for task in list(tasks)[:MAX_TASKS]
        if isinstance(task, Mapping)
    ]
    return {
        "instance_id": _text(instance_id, redact),
        "tasks": shown,
        "task_count": len(tasks),
        "waiting_for": _text(waiting_for, redact),
        "timeout": timeout,
    }


class ProgressFeed:
    """Writes the latest observation to ``path``; silent and off after the first I/O error."""

    def __init__(self, path: str, redact: Redact, timeout: Optional[float]) -> None:
        self.path = os.path.expanduser(path)
        self.redact = redact
        self.timeout = timeout
        self._last: Optional[str] = None
        self.broken = False

    def report(
        self, instance_id: Optional[str], tasks: Sequence[Mapping[str, Any]], waiting_for: Optional[str] = None
    ) -> None:
        if self.broken:
            return
        try:
            text = json.dumps(observation(instance_id, tasks, self.timeout, self.redact, waiting_for), sort_keys=True)
            if text == self._last:
                return
            aside = self.path + ".tmp"
            with open(aside, "w", encoding="utf-8") as handle:
                handle.write(text)
            os.replace(aside, self.path)
            self._last = text
        except Exception:  # pylint: disable=broad-exception-caught  # progress must never fail the module's own work
            self.broken = True


_FEED: Optional[ProgressFeed] = None


def start_progress_feed(
    redact: Redact, timeout: Optional[float], environ: Optional[Mapping[str, str]] = None
) -> Optional[ProgressFeed]:
    """Turn the feed on for this run when the action plugin named a file; called once by the module base."""
    global _FEED  # pylint: disable=global-statement  # one feed per module process, like the module's own run
    path = (os.environ if environ is None else environ).get(ENVIRONMENT_VARIABLE)
    _FEED = ProgressFeed(path, redact, timeout) if path else None
    return _FEED


def report_progress(
    instance_id: Optional[str], tasks: Sequence[Mapping[str, Any]], waiting_for: Optional[str] = None
) -> None:
    """What a wait calls after each read: the instance, the tasks it read, and what else it waits for (if anything)."""
    if _FEED is not None:
        _FEED.report(instance_id, tasks, waiting_for)
