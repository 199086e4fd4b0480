# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
""" "Still waiting" lines of the action plugins, read from ansible-playbook's output.

Line counts are bounded by what the module measured (``elapsed``), never by the wall clock. A line is due every
``progress_interval`` seconds of the controller's clock from the module's launch, plus one per status change; the
controller's clock runs ahead of the module's by the module's start-up (interpreter, AnsiballZ) and the poll that
notices the end (at most 1 s), so upper bounds allow ``START_MARGIN`` seconds more than ``elapsed``.
"""

from __future__ import annotations

import json
import re

import pytest
import requests

# Seconds the controller's count may run ahead of the module's elapsed (start-up under load, the end's detection).
START_MARGIN = 10
LINE = re.compile(
    r"^\[(?P<host>[^\]]+)\] (?P<module>\S+): (?P<what>.*?),? ?still waiting \[(?P<elapsed>\w+) of (?P<limit>\w+)\]$"
)


def _lines(output: str) -> list[re.Match]:
    return [match for match in (LINE.match(line) for line in output.splitlines()) if match]


def _seconds(text: str) -> int:
    total = 0
    for number, unit in re.findall(r"(\d+)([hms])", text):
        total += int(number) * {"h": 3600, "m": 60, "s": 1}[unit]
    return total


def _task(emulator, instance_id, polls=10, end="SUCCESS", name="bindInstancePublicIp"):
    """A task that ends at its (polls + 3)-th read: with wait_sleep 0.5 the module waits at least (polls + 2) x 0.5 s
    however late it starts (a time-based timeline could end before a slow module's first read)."""
    return emulator.admin.create_task(
        instance_id=instance_id,
        name=name,
        timeline=[{"status": "CREATED", "polls": 2}, {"status": "EXECUTING", "polls": polls}, {"status": end}],
    )["id"]


def test_lines_name_host_module_task_status_and_time(emulator, playbook, instance_id):
    task_id = _task(emulator, instance_id)
    run = playbook("progress_lines.yml", {"task_id": task_id, "progress_interval": 2})
    assert run.returncode == 0, run
    waited = run.results["localhost"]
    assert waited["task"]["status"] == "SUCCESS"
    lines = _lines(run.stdout)
    elapsed = waited["elapsed"]
    # 13 reads 0.5 s apart: the module waits well over one interval (2 s) plus a poll's 1 s tick.
    assert elapsed >= 6, waited
    # At most one line per interval and one per status change (CREATED, EXECUTING), START_MARGIN for start-up.
    assert 1 <= len(lines) <= (elapsed + START_MARGIN) / 2 + 2, run
    kinds = []
    for line in lines:
        assert line["host"] == "localhost" and line["module"] == "hwcloud.dms.dms_task_info"
        # Before the module's first read (a slow start on a loaded machine) a line can only say it is starting.
        if line["what"] == "instance %s: starting" % instance_id:
            kinds.append("starting")
        else:
            assert re.fullmatch(
                r"instance %s: task bindInstancePublicIp %s (CREATED|EXECUTING)" % (instance_id, task_id), line["what"]
            ), line.group(0)
            kinds.append("task")
        assert line["limit"] == "1m"
        assert 2 <= _seconds(line["elapsed"]) <= elapsed + START_MARGIN
    assert kinds == sorted(kinds, key=["starting", "task"].index), kinds
    shown = [_seconds(line["elapsed"]) for line in lines]
    assert shown == sorted(shown)


def test_short_wait_and_zero_interval_print_nothing(emulator, playbook, instance_id):
    task_id = _task(emulator, instance_id, polls=4)
    quiet = playbook("progress_lines.yml", {"task_id": task_id, "progress_interval": 0})
    short = playbook("progress_lines.yml", {"task_id": task_id, "progress_interval": 600})
    for run in (quiet, short):
        assert run.returncode == 0, run
        assert run.results["localhost"]["task"]["status"] == "SUCCESS"
        assert "still waiting" not in run.stdout, run


def test_failed_wait_gives_the_same_result_with_and_without_lines(emulator, playbook, instance_id):
    ids = {key: _task(emulator, instance_id, polls=4, end="FAILED") for key in ("with_lines_id", "without_lines_id")}
    run = playbook("progress_same_result.yml", ids)
    assert run.returncode == 0, run
    saved = run.results["same_result"]
    with_lines, without = saved["with_lines"], saved["without_lines"]
    assert _lines(run.stdout), run
    assert with_lines["failed"] is True and without["failed"] is True
    assert sorted(with_lines) == sorted(without)

    def same(result, task_id):
        text = json.dumps(result, sort_keys=True).replace(task_id, "<task>")
        # Timing differs between two runs: elapsed, read counts, the server clock's estimate, the task's timestamps.
        text = re.sub(r'"(elapsed|attempts|server_offset|created_at|updated_at)": [^,}]+', r'"\1": _', text)
        text = re.sub(r"after \d+\.\d s", "after _ s", text)
        return re.sub(r'"progress_interval": \d+', '"progress_interval": _', text)

    assert same(with_lines, ids["with_lines_id"]) == same(without, ids["without_lines_id"])


def test_secret_in_a_task_name_stays_hidden_at_vvv(emulator, playbook, instance_id):
    # A server that echoes a secret (here the task's name is the secret key itself) must not get it printed.
    task_id = _task(emulator, instance_id, name=emulator.secret_key)
    run = playbook("progress_lines.yml", {"task_id": task_id, "progress_interval": 2}, args=["-vvv"])
    assert run.returncode == 0, run
    assert _lines(run.stdout), run
    assert emulator.secret_key not in run.stdout + run.stderr


def test_no_log_lines_say_only_the_time(emulator, playbook, instance_id):
    task_id = _task(emulator, instance_id)
    run = playbook("progress_lines.yml", {"task_id": task_id, "progress_interval": 2, "hide": True}, args=["-vvv"])
    assert run.returncode == 0, run
    lines = _lines(run.stdout)
    assert lines, run
    assert all(line["what"] == "" for line in lines), run
    assert task_id not in run.stdout


def test_async_task_runs_as_before_without_lines(emulator, playbook, instance_id):
    task_id = _task(emulator, instance_id)
    run = playbook("progress_lines.yml", {"task_id": task_id, "progress_interval": 1, "async_seconds": 60})
    # str(): pytest cuts an assertion message that is an object to ~240 characters, the failed task's lines included.
    assert run.returncode == 0, str(run)
    assert run.results["localhost"]["task"]["status"] == "SUCCESS"
    assert "still waiting" not in run.stdout, run


def _inventory(playbook, tmp_path, count, host_vars=()):
    extra = list(host_vars) or [""] * count
    lines = ["[dms_hosts]"] + [
        "h%02d ansible_connection=local ansible_python_interpreter=%s %s"
        % (index, playbook.managed_python, extra[index - 1])
        for index in range(1, count + 1)
    ]
    path = tmp_path / "hosts.ini"
    path.write_text("\n".join(lines) + "\n")
    return str(path)


def test_delegate_to_names_host_and_delegate(emulator, playbook, instance_id, tmp_path):
    task_id = _task(emulator, instance_id)
    run = playbook(
        "progress_lines.yml",
        {"task_id": task_id, "progress_interval": 2, "target_hosts": "h01", "delegate_host": "localhost"},
        args=["-i", _inventory(playbook, tmp_path, 1)],
    )
    assert run.returncode == 0, run
    assert run.results["h01"]["task"]["status"] == "SUCCESS"
    lines = _lines(run.stdout)
    assert lines and all(line["host"] == "h01 -> localhost" for line in lines), run


@pytest.mark.long
def test_twenty_hosts_forked_each_line_names_its_host(emulator, playbook, instance_id, tmp_path):
    # One task per host (a task's reads are counted over every host that reads it): 17 reads 1 s apart each.
    ids = ["task_id=%s" % _task(emulator, instance_id, polls=14) for _host in range(20)]
    run = playbook(
        "progress_lines.yml",
        {"progress_interval": 3, "target_hosts": "dms_hosts", "wait_sleep": 1, "wait_timeout": 120},
        args=["-i", _inventory(playbook, tmp_path, 20, ids), "-f", "20"],
        timeout=600,
    )
    assert run.returncode == 0, run
    hosts = {"h%02d" % index for index in range(1, 21)}
    assert set(run.results) == hosts
    lines = _lines(run.stdout)
    assert {line["host"] for line in lines} <= hosts
    for host in hosts:
        waited = run.results[host]
        assert waited["task"]["status"] == "SUCCESS"
        mine = [line for line in lines if line["host"] == host]
        assert len(mine) <= (waited["elapsed"] + START_MARGIN) / 3 + 2, run
        if waited["elapsed"] >= 3 + START_MARGIN:
            # Waited past the first line's time by more than the start-up margin: its line must be there.
            assert mine, (host, waited["elapsed"], run)


@pytest.mark.long
def test_module_defaults_group_sets_the_interval_over_a_loop(emulator, playbook, instance_id):
    loop_ids = [_task(emulator, instance_id), _task(emulator, instance_id)]
    quiet_id = _task(emulator, instance_id)
    run = playbook("progress_defaults.yml", {"loop_ids": loop_ids, "quiet_id": quiet_id})
    assert run.returncode == 0, run
    saved = run.results["defaults"]
    assert [item["task"]["status"] for item in saved["looped"]["results"]] == ["SUCCESS", "SUCCESS"]
    assert saved["quiet"]["task"]["status"] == "SUCCESS"
    lines = _lines(run.stdout)
    shown = {task_id for task_id in loop_ids + [quiet_id] if any(task_id in line["what"] for line in lines)}
    # Both loop items waited over 3 s (their tasks run 7 s); the quiet task's lines are off.
    assert shown == set(loop_ids), run


def test_public_access_lines_name_the_change_and_its_task(emulator, playbook, instance_id):
    eip = "1aea7aed-e7d8-40ea-b3de-6f3ee9d5db9f"
    # dms_public_access checks the EIPs through the EIP API before any change: the EIP exists in the emulated VPC.
    assert requests.post(emulator.url + "/_emulator/eips", json={"eips": [{"id": eip}]}, timeout=10).status_code == 201
    emulator.admin.create_instance(instance_id, "rabbitmq", broker_num=1, bind_seconds=8)
    run = playbook("progress_public_access.yml", {"eips": [eip]})
    assert run.returncode == 0, run
    saved = run.results["public_access"]
    bind = saved["bind"]
    assert bind["changed"] is True and bind["task"]["status"] == "SUCCESS"
    lines = _lines(run.stdout)
    # The task stays EXECUTING 8 s after the change call: a line at 2 s and later ones fit in any module start-up.
    assert 1 <= len(lines) <= (bind["elapsed"] + START_MARGIN) / 2 + 3, run
    subject = "bind public IPs of RabbitMQ instance %s" % instance_id
    for number, line in enumerate(lines, 1):
        assert line["host"] == "localhost" and line["module"] == "hwcloud.dms.dms_public_access"
        assert line["limit"] == "1m"
        # The task's SUCCESS is a status change, so a line is due; the module then still reads the instance and its
        # EIPs, and a loaded controller can print that line before it notices the job's end: only as the last line.
        statuses = "CREATED|EXECUTING|SUCCESS" if number == len(lines) else "CREATED|EXECUTING"
        assert line["what"] in ("instance %s: starting" % instance_id, subject) or re.fullmatch(
            r"%s: task bindInstancePublicIp [0-9a-f]+ (%s)" % (re.escape(subject), statuses), line["what"]
        ), line.group(0)
    refused = saved["refused"]
    assert refused["failed"] is True and "progress_interval" in refused["msg"] and "-1" in refused["msg"]
    # Refused by the action plugin before the module ran (a module run reports its invocation).
    assert "invocation" not in refused and "instance" not in refused
