# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.dms contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmark of hwcloud.dms.dms_task_info against the bundled DMS emulator (``make bench``).

Measures, side by side in one run:

* A (in-module ``wait_for``) against B (an ``until:``/``retries:``/``delay:`` loop re-running the module);
* detection latency: how long after a scripted status flip the module returns;
* concurrency: N tasks waited in parallel with forks and with ``async``;
* module start cost: ``python -X importtime`` and one ad-hoc ``ansible -m`` call;
* progress lines: CPU per minute of a long wait with and without "still waiting" lines, and of an idle pause.

Prints a Markdown report and writes it to docs/performance.md. Plain Python and subprocess only. Run from the
repository root as ``python -m benchmarks.bench``; this is the runner (emulator, playbooks, the four sections),
measurement helpers live in benchmarks/measure.py and the report in benchmarks/report.py + report_template.md.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import random
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Optional

from .measure import (
    FLOOR_IMPORTS,
    FQCN,
    MODULE,
    PER_POLL_POLLS,
    PER_POLL_SLEEP,
    ROOT,
    Measured,
    become_subreaper,
    importtime_parent,
    iso_to_epoch,
    keepalive_rtt,
    median,
    parse_importtime,
    percentile,
    run_measured,
    seconds_marker,
)
from .report import Report

INSTANCE = "11111111-2222-3333-4444-555555555555"
TERMINAL = ["SUCCESS", "FAILED", "DELETED", "CANCELLED"]


def _yaml(data: Any) -> str:
    # JSON is valid YAML; it spares a YAML dependency and needs no quoting rules.
    return json.dumps(data, indent=1) + "\n"


class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.quick = args.quick
        self.reps = args.reps or (1 if self.quick else 3)
        self.polls = args.polls
        self.sleep = args.sleep
        self.work = ROOT / "build" / "bench"
        self.results: dict[str, Any] = {}
        self.notes: list[str] = []
        self.emu: Any = None
        self.admin: Any = None
        self.env: dict[str, str] = {}
        self.keep: set[int] = set()
        self.subreaper = False

    # --- setup -----------------------------------------------------------------------------
    def setup(self) -> None:
        self.work.mkdir(parents=True, exist_ok=True)
        laid = subprocess.run([str(ROOT / "tools" / "lay_collection.sh")], check=True, capture_output=True, text=True)
        self.collection = Path(laid.stdout.strip().splitlines()[-1])
        (self.work / "ansible.cfg").write_text("[defaults]\n", encoding="utf-8")
        (self.work / "tmp").mkdir(exist_ok=True)
        # The emulator is the installed package hwcloud-dms-emulator (-e ./emulator in requirements/test.txt).
        # pylint: disable-next=import-outside-toplevel
        from dms_emulator import DEFAULT_ACCESS_KEY, DEFAULT_PROJECT_ID, DEFAULT_SECRET_KEY
        from dms_emulator.testing import EmulatorProcess  # pylint: disable=import-outside-toplevel

        self.emu = EmulatorProcess(tls=False)
        self.emu.start()
        self.admin = self.emu.admin()
        self.rtt = {
            "keep-alive": keepalive_rtt(self.emu.url, reuse=True),
            "new connection each": keepalive_rtt(self.emu.url, reuse=False),
        }
        self.keep = {self.emu.process.pid}
        self.subreaper = become_subreaper()
        base = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("HW_", "HUAWEICLOUD_SDK_", "ANSIBLE_"))
        }
        base.update(
            ANSIBLE_COLLECTIONS_PATH=str(ROOT / "build" / "collections"),
            ANSIBLE_COLLECTIONS_SCAN_SYS_PATH="false",
            ANSIBLE_CONFIG=str(self.work / "ansible.cfg"),
            ANSIBLE_PYTHON_INTERPRETER=sys.executable,
            ANSIBLE_NOCOLOR="1",
            ANSIBLE_FORCE_COLOR="0",
            ANSIBLE_RETRY_FILES_ENABLED="0",
            ANSIBLE_LOCALHOST_WARNING="0",
            ANSIBLE_INVENTORY_UNPARSED_WARNING="0",
            ANSIBLE_LOCAL_TEMP=str(self.work / "tmp"),
            ANSIBLE_REMOTE_TMP=str(self.work / "tmp"),
            ANSIBLE_ASYNC_DIR=str(self.work / "async"),
            HW_ACCESS_KEY=DEFAULT_ACCESS_KEY,
            HW_SECRET_KEY=DEFAULT_SECRET_KEY,
            HW_PROJECT_ID=DEFAULT_PROJECT_ID,
            HW_DMS_ENDPOINT=self.emu.url,
            PYTHONPATH=str(ROOT / "build" / "collections"),
            # Under Ansible, AnsiballZ imports the collection's code from a zip, compiled from source on every run;
            # without this, direct runs would reuse __pycache__ and look cheaper than a real module run.
            PYTHONDONTWRITEBYTECODE="1",
        )
        self.env = base
        self.bin = Path(sys.executable).parent

    def teardown(self) -> None:
        if self.emu is not None:
            self.emu.stop()

    def log(self, message: str) -> None:
        print("[bench %s] %s" % (time.strftime("%H:%M:%S"), message), file=sys.stderr, flush=True)

    # --- emulator helpers -------------------------------------------------------------------
    def new_task(self, timeline: Any) -> str:
        return self.admin.create_task(instance_id=INSTANCE, timeline=timeline)["id"]

    def counted(self, action):
        """Run action(); return (its result, API requests, TCP connections) the emulator saw meanwhile."""
        before = self.admin.stats()
        result = action()
        after = self.admin.stats()
        # The second stats call opened one connection of its own.
        return result, after["requests"] - before["requests"], after["connections"] - before["connections"] - 1

    def playbook(
        self,
        name: str,
        plays: Any,
        inventory: str = "localhost,",
        forks: int = 5,
        extra: Optional[dict[str, Any]] = None,
    ) -> Measured:
        path = self.work / name
        path.write_text(_yaml(plays), encoding="utf-8")
        command = [str(self.bin / "ansible-playbook"), "-i", inventory, "-f", str(forks), str(path)]
        if extra is not None:
            vars_file = self.work / (name + ".vars.json")
            vars_file.write_text(json.dumps(extra), encoding="utf-8")
            command += ["-e", "@" + str(vars_file)]
        if inventory == "localhost,":
            command += ["-c", "local"]
        run = run_measured(command, self.env, self.keep)
        if run.returncode != 0:
            raise RuntimeError(
                "%s failed (rc=%d):\n%s\n%s" % (name, run.returncode, run.stdout[-4000:], run.stderr[-2000:])
            )
        return run

    # --- A vs B ------------------------------------------------------------------------------
    def _timed_play(self, module_task: dict[str, Any]) -> list[dict[str, Any]]:
        return [
            {
                "name": "bench",
                "hosts": "localhost",
                "gather_facts": False,
                "tasks": [
                    {"name": "start", "ansible.builtin.set_fact": {"bench_t0": "{{ now().timestamp() }}"}},
                    module_task,
                    {"name": "end", "ansible.builtin.set_fact": {"bench_t1": "{{ now().timestamp() }}"}},
                    {
                        "name": "report",
                        "ansible.builtin.debug": {
                            "msg": "BENCH_TASK_SECONDS={{ bench_t1 | float - bench_t0 | float }}"
                        },
                    },
                ],
            }
        ]

    def one_ab(self, kind: str) -> dict[str, Any]:
        polls, sleep = self.polls, self.sleep
        self.admin.reset()
        if kind == "baseline":
            task_id = self.new_task("SUCCESS")
            module = {"name": "read", FQCN: {"instance_id": INSTANCE, "task_id": task_id}, "register": "r"}
        elif kind == "A":
            task_id = self.new_task([{"status": "CREATED", "polls": polls}, {"status": "SUCCESS"}])
            options = {
                "instance_id": INSTANCE,
                "task_id": task_id,
                "wait_for": True,
                "wait_sleep": sleep,
                "wait_timeout": 600,
            }
            module = {"name": "wait in module", FQCN: options, "register": "r"}
        else:
            task_id = self.new_task([{"status": "CREATED", "polls": polls}, {"status": "SUCCESS"}])
            module = {
                "name": "until loop",
                FQCN: {"instance_id": INSTANCE, "task_id": task_id},
                "register": "r",
                "until": "r.task.status in %s" % json.dumps(TERMINAL),
                "retries": polls + 10,
                "delay": sleep,
            }
        run, requests, connections = self.counted(lambda: self.playbook("ab-%s.yml" % kind, self._timed_play(module)))
        task_seconds = seconds_marker(run.stdout, "BENCH_TASK_SECONDS")
        expected = 1 if kind == "baseline" else polls + 1
        if requests != expected:
            self.notes.append("%s run made %d requests, expected %d" % (kind, requests, expected))
        return {
            "wall": run.wall,
            "cpu": run.cpu,
            "task": task_seconds,
            "requests": requests,
            "connections": connections,
        }

    def section_ab(self) -> None:
        runs: dict[str, list[dict[str, Any]]] = {"baseline": [], "A": [], "B": []}
        for rep in range(self.reps):
            # Interleaved, so that a burst of load elsewhere hits every kind alike.
            for kind in ("baseline", "A", "B"):
                self.log("A/B rep %d/%d: %s" % (rep + 1, self.reps, kind))
                runs[kind].append(self.one_ab(kind))
        med = {kind: {key: median([r[key] for r in items]) for key in items[0]} for kind, items in runs.items()}
        self.results["ab"] = {"runs": runs, "median": med}

    # --- progress lines: CPU of a long wait with and without them, and of an idle pause -----------------------
    PROGRESS_KINDS = ("pause_base", "pause", "module_base", "lines_10", "lines_30", "no_lines")

    def one_progress(self, kind: str, seconds: float) -> dict[str, Any]:
        self.admin.reset()
        if kind == "pause_base":
            task: dict[str, Any] = {"name": "no pause", "ansible.builtin.debug": {"msg": "start-up only"}}
        elif kind == "pause":
            task = {"name": "pause", "ansible.builtin.pause": {"seconds": int(seconds)}}
        elif kind == "module_base":
            task_id = self.new_task("SUCCESS")
            task = {"name": "read", FQCN: {"instance_id": INSTANCE, "task_id": task_id}}
        else:
            task_id = self.new_task([{"status": "CREATED", "seconds": seconds}, {"status": "SUCCESS"}])
            interval = {"lines_10": 10, "lines_30": 30, "no_lines": 0}[kind]
            options = {
                "instance_id": INSTANCE,
                "task_id": task_id,
                "wait_for": True,
                "wait_timeout": 600,
                "progress_interval": interval,
            }
            task = {"name": "wait", FQCN: options}
        run = self.playbook("progress-%s.yml" % kind, self._timed_play(task))
        return {
            "wall": run.wall,
            "cpu": run.cpu,
            "task": seconds_marker(run.stdout, "BENCH_TASK_SECONDS"),
            "lines": run.stdout.count("still waiting ["),
        }

    def section_progress(self) -> None:
        seconds = self.args.progress_seconds or (30.0 if self.quick else 60.0)
        reps = 1 if self.quick else 2
        runs: dict[str, list[dict[str, Any]]] = {kind: [] for kind in self.PROGRESS_KINDS}
        for rep in range(reps):
            for kind in self.PROGRESS_KINDS:  # interleaved, as for A/B
                self.log("progress rep %d/%d: %s (%g s)" % (rep + 1, reps, kind, seconds))
                runs[kind].append(self.one_progress(kind, seconds))
        med = {kind: {key: median([r[key] for r in items]) for key in items[0]} for kind, items in runs.items()}
        self.results["progress"] = {"seconds": seconds, "reps": reps, "median": med}

    # --- detection latency ---------------------------------------------------------------------
    def one_detection(self, sleep: float, lead: float) -> Optional[dict[str, Any]]:
        flip_after = lead + random.uniform(0, sleep)
        task = self.admin.create_task(
            instance_id=INSTANCE, timeline=[{"status": "CREATED", "seconds": flip_after}, {"status": "SUCCESS"}]
        )
        flip_at = iso_to_epoch(task["created_at"]) + flip_after
        args = {
            "ANSIBLE_MODULE_ARGS": {
                "instance_id": INSTANCE,
                "task_id": task["id"],
                "wait_for": True,
                "wait_sleep": sleep,
                "wait_timeout": 120,
                "_ansible_check_mode": False,
            }
        }
        args_file = self.work / "detect-args.json"
        args_file.write_text(json.dumps(args), encoding="utf-8")
        run = run_measured([sys.executable, "-m", MODULE, str(args_file)], self.env, self.keep)
        returned_at = time.time()
        result = json.loads(run.stdout)
        if run.returncode != 0 or result.get("failed"):
            raise RuntimeError("detection run failed: %s %s" % (run.stdout[-2000:], run.stderr[-2000:]))
        if result["attempts"] < 2:
            return None  # the first read already saw SUCCESS: the module started after the flip; not a detection
        flipped = iso_to_epoch(result["task"]["updated_at"])
        return {
            "latency": returned_at - flip_at,
            "latency_emulator": returned_at - flipped,
            "attempts": result["attempts"],
        }

    def section_detection(self) -> None:
        sleeps = self.args.detect_sleeps or ([0.5] if self.quick else [0.5, 2.0])
        count = self.args.detect_runs or (8 if self.quick else 20)
        self.admin.reset()
        out = {}
        for sleep in sleeps:
            samples: list[dict[str, Any]] = []
            skipped = 0
            lead = 1.0
            while len(samples) < count:
                self.log("detection wait_sleep=%s run %d/%d" % (sleep, len(samples) + 1, count))
                sample = self.one_detection(sleep, lead)
                if sample is None:
                    skipped += 1
                    lead += 0.5  # the machine is slower than assumed: give the module more time to start
                    if skipped > count:
                        raise RuntimeError("the module keeps starting after the flip")
                    continue
                samples.append(sample)
            latencies = [s["latency"] for s in samples]
            out[sleep] = {
                "n": len(samples),
                "median": median(latencies),
                "p95": percentile(latencies, 95),
                "max": max(latencies),
                "min": min(latencies),
                "skipped": skipped,
                "lead": lead,
            }
        self.results["detection"] = out

    # --- concurrency ----------------------------------------------------------------------------
    def one_forks(self, count: int, wait: bool) -> dict[str, Any]:
        self.admin.reset()
        timeline = [{"status": "CREATED", "polls": self.polls}, {"status": "SUCCESS"}] if wait else "SUCCESS"
        ids = [self.new_task(timeline) for attempt in range(count)]
        inventory = self.work / ("inventory-%d.ini" % count)
        inventory.write_text(
            "[all]\n"
            + "".join("h%03d ansible_connection=local task_id=%s\n" % (n, task_id) for n, task_id in enumerate(ids)),
            encoding="utf-8",
        )
        options: dict[str, Any] = {"instance_id": INSTANCE, "task_id": "{{ task_id }}"}
        if wait:
            options.update(wait_for=True, wait_sleep=self.sleep, wait_timeout=600)
        plays = [{"name": "forks", "hosts": "all", "gather_facts": False, "tasks": [{"name": "read", FQCN: options}]}]
        run, requests, connections = self.counted(
            lambda: self.playbook("forks-%d.yml" % count, plays, inventory=str(inventory), forks=count)
        )
        return {"wall": run.wall, "cpu": run.cpu, "requests": requests, "connections": connections}

    def one_async(self, count: int) -> dict[str, Any]:
        self.admin.reset()
        ids = [
            self.new_task([{"status": "CREATED", "polls": self.polls}, {"status": "SUCCESS"}])
            for _attempt in range(count)
        ]
        plays = [
            {
                "name": "async",
                "hosts": "localhost",
                "gather_facts": False,
                "tasks": [
                    {
                        "name": "start",
                        FQCN: {
                            "instance_id": INSTANCE,
                            "task_id": "{{ item }}",
                            "wait_for": True,
                            "wait_sleep": self.sleep,
                            "wait_timeout": 600,
                        },
                        "loop": "{{ bench_ids }}",
                        "async": 900,
                        "poll": 0,
                        "register": "jobs",
                    },
                    {
                        "name": "collect",
                        "ansible.builtin.async_status": {"jid": "{{ item.ansible_job_id }}"},
                        "loop": "{{ jobs.results }}",
                        "register": "job",
                        "until": "job.finished",
                        "retries": 600,
                        "delay": 1,
                    },
                ],
            }
        ]
        run, requests, connections = self.counted(
            lambda: self.playbook("async-%d.yml" % count, plays, extra={"bench_ids": ids})
        )
        return {"wall": run.wall, "cpu": run.cpu, "requests": requests, "connections": connections}

    def section_concurrency(self) -> None:
        counts = self.args.counts or ([1, 10] if self.quick else [1, 10, 50, 100])
        reps = 1 if self.quick else 2
        out: dict[str, dict[int, dict[str, Any]]] = {"forks": {}, "forks_nowait": {}, "async": {}}
        for count in counts:
            for mode in ("forks_nowait", "forks", "async"):
                times = reps if count <= 10 else 1
                samples = []
                for rep in range(times):
                    self.log("concurrency %s N=%d rep %d/%d" % (mode, count, rep + 1, times))
                    if mode == "async":
                        samples.append(self.one_async(count))
                    else:
                        samples.append(self.one_forks(count, wait=(mode == "forks")))
                out[mode][count] = {key: median([s[key] for s in samples]) for key in samples[0]}
                out[mode][count]["reps"] = times
        self.results["concurrency"] = out

    # --- start cost ----------------------------------------------------------------------------
    def section_start(self) -> None:
        reps = 3 if self.quick else 5
        env = dict(self.env)
        totals, runs = [], []
        for _attempt in range(reps):
            done = subprocess.run(
                [sys.executable, "-X", "importtime", "-c", "import " + MODULE],
                env=env,
                capture_output=True,
                text=True,
                check=True,
            )
            entries = parse_importtime(done.stderr)
            total = next(e["cumulative"] for e in entries if e["name"] == MODULE)
            totals.append(total)
            runs.append((total, entries))
        runs.sort(key=lambda item: item[0])
        mid_entries = runs[len(runs) // 2][1]
        top_level = [e for e in mid_entries if e["depth"] == 1 and importtime_parent(mid_entries, e) == MODULE]
        heaviest = sorted(mid_entries, key=lambda e: -e["self"])[:10]

        # Import + argument parsing, measured inside a fresh interpreter up to the module's first socket connect.
        self.admin.reset()
        task_id = self.new_task("SUCCESS")
        args_file = self.work / "start-args.json"
        args_file.write_text(
            json.dumps({"ANSIBLE_MODULE_ARGS": {"instance_id": INSTANCE, "task_id": task_id}}), encoding="utf-8"
        )
        probe = Path(__file__).resolve().with_name("start_probe.py")
        marks = []
        for _attempt in range(reps):
            done = run_measured([sys.executable, str(probe), MODULE, str(args_file)], env, self.keep)
            found = re.search(r"BENCH_START (\{.*\})", done.stderr)
            if done.returncode != 0 or not found:
                raise RuntimeError("start probe failed: %s %s" % (done.stdout[-2000:], done.stderr[-2000:]))
            mark = json.loads(found.group(1))
            mark["process_wall"] = done.wall
            mark["process_cpu"] = done.cpu
            marks.append(mark)
        bare = [run_measured([sys.executable, "-c", "pass"], env, self.keep).wall for attempt in range(reps)]
        # The floor under the start target: what the two imports every run needs cost on their own, timed the same way
        # as the probe (from the first line of a fresh interpreter), so the share of this collection's own code shows.
        floors = {
            name: median([self.import_alone(imports, env) for attempt in range(reps)])
            for name, imports in FLOOR_IMPORTS
        }

        # Per-poll CPU inside the module: CPU of a 40-poll wait minus a 0-poll read, over 40 (40, not 200: wait_sleep has
        # a 0.5 s floor since issue 15, so 200 polls would take 100 s a run).
        per_poll = []
        for _attempt in range(2 if self.quick else 3):
            cpu = {}
            for polls in (0, PER_POLL_POLLS):
                self.admin.reset()
                timeline = "SUCCESS" if polls == 0 else [{"status": "CREATED", "polls": polls}, {"status": "SUCCESS"}]
                task_id = self.new_task(timeline)
                args_file.write_text(
                    json.dumps(
                        {
                            "ANSIBLE_MODULE_ARGS": {
                                "instance_id": INSTANCE,
                                "task_id": task_id,
                                "wait_for": True,
                                "wait_sleep": PER_POLL_SLEEP,
                                "wait_timeout": 120,
                            }
                        }
                    ),
                    encoding="utf-8",
                )
                run, requests, connections = self.counted(
                    lambda: run_measured([sys.executable, "-m", MODULE, str(args_file)], env, self.keep)
                )
                cpu[polls] = (run.cpu, run.wall, requests, connections)
            per_poll.append(
                {
                    "cpu": (cpu[PER_POLL_POLLS][0] - cpu[0][0]) / PER_POLL_POLLS,
                    "wall": (cpu[PER_POLL_POLLS][1] - cpu[0][1]) / PER_POLL_POLLS,
                    "requests": cpu[PER_POLL_POLLS][2],
                    "connections": cpu[PER_POLL_POLLS][3],
                }
            )

        # One ad-hoc call through Ansible.
        self.admin.reset()
        task_id = self.new_task("SUCCESS")
        adhoc = []
        for _attempt in range(reps):
            run = run_measured(
                [
                    str(self.bin / "ansible"),
                    "localhost",
                    "-c",
                    "local",
                    "-i",
                    "localhost,",
                    "-m",
                    FQCN,
                    "-a",
                    "instance_id=%s task_id=%s" % (INSTANCE, task_id),
                ],
                self.env,
                self.keep,
            )
            if run.returncode != 0:
                raise RuntimeError("ansible -m failed: %s %s" % (run.stdout[-2000:], run.stderr[-2000:]))
            adhoc.append(run)
        self.results["start"] = {
            "import_total": median(totals),
            "top_level": top_level,
            "heaviest": heaviest,
            "import_wall": median([m["imported"] for m in marks]),
            "to_connect": median([m["connect"] for m in marks]),
            "to_connect_cpu": median([m["connect_cpu"] for m in marks]),
            "main_done": median([m["done"] for m in marks]),
            "probe_wall": median([m["process_wall"] for m in marks]),
            "probe_cpu": median([m["process_cpu"] for m in marks]),
            "bare_python": median(bare),
            "per_poll_cpu": median([p["cpu"] for p in per_poll]),
            "per_poll_wall": median([p["wall"] for p in per_poll]),
            "per_poll_connections": max(p["connections"] for p in per_poll),
            "per_poll_requests": per_poll[-1]["requests"],
            "adhoc_wall": median([r.wall for r in adhoc]),
            "adhoc_cpu": median([r.cpu for r in adhoc]),
            "reps": reps,
            "floors": floors,
        }

    @staticmethod
    def import_alone(imports: str, env: dict[str, str]) -> float:
        code = "import time; t = time.perf_counter(); import %s; print(time.perf_counter() - t)" % imports
        done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
        return float(done.stdout.strip())

    def machine(self) -> list[tuple[str, str]]:
        model = "unknown"
        try:
            for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
        except OSError:
            pass
        core = subprocess.run(
            [str(self.bin / "ansible"), "--version"], capture_output=True, text=True, check=False
        ).stdout.splitlines()
        try:
            load = "%.2f %.2f %.2f" % os.getloadavg()
        except OSError:
            load = "n/a"
        return [
            ("date", datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")),
            ("nproc", str(os.cpu_count())),
            ("CPU", model),
            ("kernel", platform.release()),
            ("Python", platform.python_version()),
            ("ansible-core", core[0] if core else "unknown"),
            ("load average at the end", load),
            ("mode", "QUICK (fewer repetitions)" if self.quick else "full"),
            ("subreaper (async CPU collected)", str(self.subreaper)),
            (
                "emulator GET round trip, kept-alive / new connection each",
                "%.1f ms / %.1f ms" % (self.rtt["keep-alive"] * 1000, self.rtt["new connection each"] * 1000),
            ),
        ]


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions and sizes (make bench QUICK=1)")
    parser.add_argument("--reps", type=int, help="repetitions for A/B (default 3, quick 1)")
    parser.add_argument("--polls", type=int, default=20, help="K: polls before SUCCESS (default 20)")
    parser.add_argument("--sleep", type=float, default=0.5, help="wait_sleep / delay in seconds (default 0.5)")
    parser.add_argument("--counts", type=int, nargs="*", help="concurrency sizes (default 1 10 50 100; quick 1 10)")
    parser.add_argument("--detect-runs", type=int, help="detection runs per wait_sleep (default 20, quick 8)")
    parser.add_argument(
        "--detect-sleeps", type=float, nargs="*", help="wait_sleep values for detection (default 0.5 2.0; quick 0.5)"
    )
    parser.add_argument(
        "--progress-seconds", type=float, help="length of the progress section's waits (default 60, quick 30)"
    )
    parser.add_argument(
        "--sections",
        nargs="*",
        default=["start", "ab", "detection", "concurrency", "progress"],
        choices=["start", "ab", "detection", "concurrency", "progress"],
    )
    parser.add_argument(
        "--output",
        default=str(ROOT / "docs" / "performance.md"),
        help="where to write the report ('-' for stdout only)",
    )
    args = parser.parse_args(argv)
    if args.counts and 1 not in args.counts:
        args.counts = [1] + args.counts
    started = time.monotonic()
    bench = Bench(args)
    try:
        bench.setup()
        for section in ("start", "ab", "detection", "concurrency", "progress"):
            if section in args.sections:
                getattr(bench, "section_" + section)()
    finally:
        bench.teardown()
    text = Report(bench.results, bench.notes, bench.polls, bench.sleep, bench.reps).render(
        bench.machine(), time.monotonic() - started
    )
    print(text)
    if args.output != "-":
        Path(args.output).write_text(text, encoding="utf-8")
        print("written to %s" % args.output, file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
