# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.dms contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The "still waiting" lines of the action plugins, without Ansible: when to print, what to print, how to poll.

``ProgressPacer`` decides: nothing before the wait has lasted ``interval`` seconds (a short wait stays silent), then
a line every ``interval`` seconds on a fixed schedule, and one at once whenever the status changes (which restarts
the schedule). ``progress_line`` writes the line from what the module last reported (``_progress_feed`` module side).
``poll_command`` is the one POSIX shell command a poll costs on the target. All times are seconds of the controller's
monotonic clock since the module was started.
"""

from __future__ import annotations

import json
import math
import shlex
from typing import Any, Optional

# A poll sleeps on the target at most this long: a status change shows within it (plus the module's wait_sleep).
# Each poll is one command from the controller (a process on the host, and Ansible's own work on the controller).
MAX_POLL_SECONDS = 10
TERMINAL_STATUSES = frozenset(("SUCCESS", "FAILED", "DELETED", "CANCELLED"))
# The first seconds of a wait a poll checks four times a second whether the module ended (most waits are short and
# each check is a shell builtin plus a ``sleep``); later once a second: at most a second on top of a long wait.
FAST_TICK = 0.25
FAST_PERIOD = 10.0
# Separates the job file from the progress file in a poll's output (neither file can hold a line of its own like it).
SEPARATOR = "--hwcloud.dms progress--"
# Ends a poll's output when that poll removed both files (the job had ended before the poll printed it).
REMOVED = "--hwcloud.dms removed--"
# What Ansible's async wrapper writes to the job file while the job runs (json.dumps of its first record): booleans
# since ansible-core 2.19, 1 and 0 before.
RUNNING_PREFIXES = ('{"started": true, "finished": false', '{"started": 1, "finished": 0,')


def format_duration(seconds: float) -> str:
    """Terraform's style: 45s, 1m30s, 15m, 1h2m5s (whole seconds, zero parts left out)."""
    total = max(0, int(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [(hours, "h"), (minutes, "m"), (secs, "s")]
    text = "".join("%d%s" % (value, unit) for value, unit in parts if value)
    return text or "0s"


class ProgressPacer:
    """When a line is due; ``key`` is what counts as a status change (task ids and statuses, not percentages)."""

    def __init__(self, interval: float) -> None:
        if not interval > 0:
            raise ValueError("interval must be more than 0")
        self.interval = float(interval)
        self.next_due = self.interval
        self.last_key: Any = None
        self.lines = 0

    def due(self, elapsed: float, key: Any) -> bool:
        """Whether to print now; records the line when it says yes."""
        if elapsed < self.interval:
            self.last_key = key
            return False
        changed = key != self.last_key
        if not changed and elapsed < self.next_due:
            return False
        if changed:
            self.next_due = elapsed + self.interval
        else:
            while self.next_due <= elapsed:
                self.next_due += self.interval
        self.last_key = key
        self.lines += 1
        return True

    def poll_seconds(self, elapsed: float) -> int:
        """How long the next poll may wait on the target: until the next line is due, within [1, MAX_POLL_SECONDS]."""
        return int(min(MAX_POLL_SECONDS, max(1, math.ceil(self.next_due - elapsed))))


def ending(observed: Optional[dict[str, Any]]) -> bool:
    """The module's last read saw every task it waits for end: it is returning, there is nothing left to wait for."""
    if not observed or observed.get("waiting_for"):
        return False
    tasks = [task for task in observed.get("tasks") or () if isinstance(task, dict)]
    return (
        bool(tasks)
        and observed.get("task_count") == len(tasks)
        and all(task.get("status") in TERMINAL_STATUSES for task in tasks)
    )


def status_key(observed: Optional[dict[str, Any]]) -> Any:
    if not observed:
        return None
    tasks = tuple((task.get("id"), task.get("status")) for task in observed.get("tasks") or ())
    return (observed.get("waiting_for"), observed.get("task_count"), tasks)


def _task_text(task: dict[str, Any]) -> str:
    words = [str(task.get(key)) for key in ("name", "id", "status") if task.get(key)]
    percent = task.get("percent")
    if isinstance(percent, int) and not isinstance(percent, bool):
        words.append("%d%%" % percent)
    return " ".join(words) or "a task"


def describe(observed: Optional[dict[str, Any]], instance_id: Optional[str]) -> str:
    """What the wait is at: the instance, the change waited for, the tasks (at most what the module reported)."""
    if not observed:
        return "instance %s: starting" % instance_id if instance_id else "starting"
    subject = observed.get("waiting_for") or "instance %s" % (observed.get("instance_id") or instance_id or "?")
    tasks = [task for task in observed.get("tasks") or () if isinstance(task, dict)]
    count = observed.get("task_count") if isinstance(observed.get("task_count"), int) else len(tasks)
    if not tasks:
        return "%s: no task listed yet" % subject if not observed.get("waiting_for") else subject
    if count == 1:
        return "%s: task %s" % (subject, _task_text(tasks[0]))
    more = ", and %d more" % (count - len(tasks)) if count > len(tasks) else ""
    return "%s: %d tasks: %s%s" % (subject, count, ", ".join(_task_text(task) for task in tasks), more)


def progress_line(
    host: str,
    module: str,
    elapsed: float,
    timeout: Optional[float],
    observed: Optional[dict[str, Any]],
    instance_id: Optional[str] = None,
    details: bool = True,
) -> str:
    """``[host] module: what, still waiting [1m30s of 15m]``; ``details=False`` (no_log) leaves the middle out."""
    if observed and isinstance(observed.get("timeout"), (int, float)):
        timeout = observed["timeout"]
    limit = " of %s" % format_duration(timeout) if timeout else ""
    what = describe(observed, instance_id) + ", " if details else ""
    return "[%s] %s: %sstill waiting [%s%s]" % (host, module, what, format_duration(elapsed), limit)


def parse_observation(text: str) -> Optional[dict[str, Any]]:
    """The module's last report, or None for a file not written yet, cut short or not JSON (never raises)."""
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def split_poll_output(output: str) -> tuple[str, str, bool]:
    """(job file text, progress file text, whether the poll removed both files) from a poll's output."""
    job, _sep, progress = output.partition("\n%s\n" % SEPARATOR)
    progress, removed, _rest = progress.partition("\n%s" % REMOVED)
    return job.strip(), progress.strip(), bool(removed)


def job_finished(job_text: str) -> bool:
    """Whether the async job file holds the module's result (anything but the wrapper's running record)."""
    return bool(job_text) and not job_text.startswith(RUNNING_PREFIXES)


def shell_word(path: str) -> str:
    """``path`` quoted for sh, a leading ``~/`` left to the shell: it expands it from $HOME, as the module's Python does.

    So the plugin needs no extra command to learn the remote home (become included: both run as the same user).
    """
    if path.startswith("~/"):
        return "~/" + shlex.quote(path[2:])
    return shlex.quote(path)


def poll_tick(elapsed: float) -> float:
    """How often a poll checks whether the job ended: finely while most waits end (FAST_PERIOD), then once a second."""
    return FAST_TICK if elapsed < FAST_PERIOD else 1.0


def poll_command(job_path: str, progress_path: str, seconds: int, tick: float = 1.0) -> str:
    """Wait on the target up to ``seconds`` (checking every ``tick`` whether the job ended), then print both files.

    A shell loop on the target rather than one command per check from the controller: the controller then pays for
    one command per poll, the target for one ``sleep`` a tick. ``read`` is a shell builtin, so checking the job file
    costs no process. A fractional ``sleep`` is GNU and BusyBox, not POSIX: where it fails, the loop sleeps a second.
    Once the job ended, the same command removes both files (the plugin's cleanup covers the other endings).
    """
    rounds = max(1, int(math.ceil(seconds / tick)))
    running = "|".join(shlex.quote(prefix) + "*" for prefix in RUNNING_PREFIXES)
    sleep = "sleep 1" if tick >= 1 else "sleep %g 2>/dev/null || sleep 1" % tick
    return (
        'j=%s; p=%s; i=0; while [ "$i" -lt %d ]; do h=; IFS= read -r h 2>/dev/null < "$j";'
        ' case "$h" in %s) ;; *) break ;; esac; %s; i=$((i+1)); done;'
        ' cat "$j" 2>/dev/null; printf \'\\n%%s\\n\' %s; cat "$p" 2>/dev/null;'
        ' case "$h" in %s) ;; ?*) rm -f "$j" "$p" "$p.tmp" && printf \'\\n%%s\' %s ;; esac; exit 0'
        % (
            shell_word(job_path),
            shell_word(progress_path),
            rounds,
            running,
            sleep,
            shlex.quote(SEPARATOR),
            running,
            shlex.quote(REMOVED),
        )
    )


def cleanup_command(*paths: str) -> str:
    return "rm -f %s" % " ".join(shell_word(path) for path in paths)
