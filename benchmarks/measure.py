# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.dms contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Measurement helpers of ``make bench``: the targets, pure statistics and formatting, and process measurement.

Everything here is importable without side effects (unit-tested in tests/unit/benchmarks/); the runner is
benchmarks/bench.py, the report benchmarks/report.py. CPU is taken from ``os.wait4`` of each measured process (it
includes every descendant that was waited for); on Linux the runner makes itself a child subreaper so that daemonised
``async`` jobs are reaped (and counted) by it too.
"""

from __future__ import annotations

import ctypes
import datetime
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Iterable, Optional, Sequence

ROOT = Path(__file__).resolve().parent.parent
MODULE = "ansible_collections.hwcloud.dms.plugins.modules.dms_task_info"
FQCN = "hwcloud.dms.dms_task_info"
PR_SET_CHILD_SUBREAPER = 36

# Polls of the per-poll CPU wait (at the 0.5 s wait_sleep floor of issue 15: 20 s a run).
PER_POLL_POLLS = 40
PER_POLL_SLEEP = 0.5

TARGETS = {
    "overhead_ratio": (10.0, ">="),  # B/A overhead of the wait (task duration - K x sleep)
    "cpu_ratio": (10.0, ">="),  # B/A CPU of the wait (process tree CPU - no-wait baseline)
    "connections": (1, "<="),  # TCP connections for a whole in-module wait
    "latency": (0.1, "<="),  # detection latency median - wait_sleep, seconds
    "concurrency": (0.0, "<="),  # wall of N parallel waits - (2 x wall of 1 + fork overhead), seconds
    "start": (0.150, "<="),  # module import + argument parsing up to the first connect, seconds
    "progress_vs_pause": (2.0, "<="),  # CPU per minute of a wait with progress lines / that of ansible.builtin.pause
}


def per_minute(cpu: float, baseline_cpu: float, seconds: Optional[float]) -> Optional[float]:
    """CPU seconds per minute of waiting: a run's tree CPU beyond its no-wait baseline, over the time it waited."""
    if not seconds or seconds <= 0:
        return None
    return max(0.0, cpu - baseline_cpu) * 60.0 / seconds


def target_verdict(key: str, value: Optional[float]) -> str:
    limit, comparison = TARGETS[key]
    return verdict(value, limit, comparison)


def target_limit_text(key: str, unit: str = "", scale: float = 1.0) -> str:
    limit, comparison = TARGETS[key]
    return "%s %g%s" % (comparison, round(limit * scale, 6), unit)


# ------------------------------------------------------------------------------------------
# Pure helpers
# ------------------------------------------------------------------------------------------


def percentile(values: Sequence[float], q: float) -> float:
    """Linear-interpolated percentile (q in 0..100) of a non-empty sequence, as numpy's default does."""
    if not values:
        raise ValueError("percentile of no values")
    if not 0 <= q <= 100:
        raise ValueError("q must be within 0..100")
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100.0
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def median(values: Sequence[float]) -> float:
    return percentile(values, 50)


def wait_overhead(duration: float, polls: int, sleep: float) -> float:
    """Time a wait spent on anything but its sleeps: duration - K x sleep.

    A task that turns SUCCESS on the (K+1)-th read needs K pauses of ``sleep`` between K+1 reads, with either
    method; whatever the wait took beyond those K pauses is what the method itself costs.
    """
    return duration - polls * sleep


def ratio(numerator: Optional[float], denominator: Optional[float]) -> Optional[float]:
    """numerator / denominator, or None when it is undefined (missing value or a denominator <= 0)."""
    if numerator is None or denominator is None or denominator <= 0:
        return None
    return numerator / denominator


def verdict(value: Optional[float], limit: float, comparison: str) -> str:
    if value is None:
        return "n/a"
    ok = value >= limit if comparison == ">=" else value <= limit
    return "met" if ok else "MISSED"


def fmt(value: Any, unit: str = "", digits: int = 2) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return "%d%s" % (value, unit)
    if isinstance(value, float):
        return ("%." + str(digits) + "f%s") % (value, unit)
    return str(value)


def markdown_table(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """A GitHub-flavoured Markdown table; cells are str()-ed and '|' in them escaped."""

    def cell(value: Any) -> str:
        return str(value).replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(cell(h) for h in headers) + " |", "|" + "|".join("---" for header in headers) + "|"]
    for row in rows:
        row = list(row)
        if len(row) != len(headers):
            raise ValueError("row has %d cells, table has %d columns" % (len(row), len(headers)))
        lines.append("| " + " | ".join(cell(value) for value in row) + " |")
    return "\n".join(lines)


IMPORTTIME_LINE = re.compile(r"^import time:\s+(\d+)\s+\|\s+(\d+)\s+\|( *)(\S+)\s*$")


def parse_importtime(text: str) -> list[dict[str, Any]]:
    """Entries of ``python -X importtime`` stderr: name, self and cumulative seconds, nesting depth."""
    entries = []
    for line in text.splitlines():
        match = IMPORTTIME_LINE.match(line)
        if match:
            entries.append(
                {
                    "name": match.group(4),
                    "self": int(match.group(1)) / 1e6,
                    "cumulative": int(match.group(2)) / 1e6,
                    "depth": (len(match.group(3)) - 1) // 2,
                }
            )
    return entries


def importtime_parent(entries: list[dict[str, Any]], entry: dict[str, Any]) -> Optional[str]:
    """importtime prints children before their parent: the parent is the next entry with a smaller depth."""
    index = entries.index(entry)
    for later in entries[index + 1 :]:
        if later["depth"] < entry["depth"]:
            return later["name"]
    return None


# The imports every module run needs, timed alone: the floor under the start target.
FLOOR_IMPORTS = (
    ("basic", "ansible.module_utils.basic"),
    ("requests", "requests"),
    ("both", "ansible.module_utils.basic, requests"),
)


def seconds_marker(text: str, name: str) -> Optional[float]:
    """The float in the last 'NAME=1.234' found in a playbook's output (the debug task prints it)."""
    found = re.findall(re.escape(name) + r"=(-?[0-9.]+(?:[eE][-+]?[0-9]+)?)", text)
    return float(found[-1]) if found else None


def iso_to_epoch(text: str) -> float:
    """'2020-06-15T08:55:53.606Z' -> epoch seconds."""
    moment = datetime.datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith("Z") else text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.timezone.utc)
    return moment.timestamp()


def concurrency_limit(wall_one: float, fork_overhead: float) -> float:
    """The concurrency target for N parallel waits: 2 x the wall of one wait plus the fork overhead."""
    return 2 * wall_one + max(fork_overhead, 0.0)


# ------------------------------------------------------------------------------------------
# Process measurement
# ------------------------------------------------------------------------------------------


def keepalive_rtt(url: str, reuse: bool, count: int = 30) -> float:
    """Median seconds of one GET /_emulator/health, on one kept-alive connection or a new one each time."""
    import http.client  # pylint: disable=import-outside-toplevel
    import urllib.parse  # pylint: disable=import-outside-toplevel

    parts = urllib.parse.urlsplit(url)
    samples = []
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    for _attempt in range(count):
        if not reuse:
            connection.close()
            connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
        started = time.perf_counter()
        connection.request("GET", "/_emulator/health")
        connection.getresponse().read()
        samples.append(time.perf_counter() - started)
    connection.close()
    return median(samples)


class Measured:
    def __init__(self, returncode: int, wall: float, cpu: float, stdout: str, stderr: str) -> None:
        self.returncode = returncode
        self.wall = wall
        self.cpu = cpu
        self.stdout = stdout
        self.stderr = stderr


def become_subreaper() -> bool:
    """Orphaned descendants (async jobs daemonise) are re-parented to us, so their CPU can be collected."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        return ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _own_children(exclude: set[int]) -> list[int]:
    me = os.getpid()
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) in exclude:
            continue
        try:
            with open("/proc/%s/stat" % entry, "r", encoding="utf-8") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == me:
            pids.append(int(entry))
    return pids


def reap_orphans(exclude: set[int], timeout: float = 60.0) -> float:
    """Wait for re-parented descendants (not ``exclude``) and return their CPU seconds."""
    cpu = 0.0
    deadline = time.monotonic() + timeout
    while sys.platform.startswith("linux"):
        pending = _own_children(exclude)
        if not pending or time.monotonic() > deadline:
            break
        for pid in pending:
            try:
                done, _status, usage = os.wait4(pid, os.WNOHANG)
            except ChildProcessError:
                continue
            if done:
                cpu += usage.ru_utime + usage.ru_stime
        time.sleep(0.05)
    return cpu


def run_measured(
    command: Sequence[str], env: dict[str, str], keep: set[int], stdin_text: Optional[str] = None, timeout: float = 900
) -> Measured:
    """Run a command to completion; wall time, and CPU of its whole process tree from wait4()."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, tempfile.TemporaryFile() as inp:
        if stdin_text is not None:
            inp.write(stdin_text.encode("utf-8"))
            inp.seek(0)
        started = time.perf_counter()
        process = subprocess.Popen(list(command), stdin=inp, stdout=out, stderr=err, env=env, cwd=str(ROOT))  # pylint: disable=consider-using-with
        deadline = time.monotonic() + timeout
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                process.kill()
            time.sleep(0.002)
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        cpu = usage.ru_utime + usage.ru_stime + reap_orphans(keep)
        out.seek(0)
        err.seek(0)
        return Measured(
            process.returncode, wall, cpu, out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace")
        )
