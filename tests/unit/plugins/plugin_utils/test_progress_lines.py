# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The pacing and text of the "still waiting" lines, and the shell command one poll costs (run in a real sh)."""

from __future__ import annotations

import json
import subprocess

import pytest

from ansible_collections.hwcloud.dms.plugins.plugin_utils._progress_lines import (
    MAX_POLL_SECONDS,
    ProgressPacer,
    cleanup_command,
    ending,
    format_duration,
    job_finished,
    parse_observation,
    poll_command,
    poll_tick,
    progress_line,
    split_poll_output,
    status_key,
)


@pytest.mark.parametrize(
    "seconds, text",
    [(0, "0s"), (0.9, "0s"), (45, "45s"), (60, "1m"), (90, "1m30s"), (900, "15m"), (3600, "1h"), (3725, "1h2m5s")],
)
def test_format_duration_like_terraform(seconds, text):
    assert format_duration(seconds) == text


def _printed(pacer, polls):
    """Which (elapsed, key) polls print a line."""
    return [elapsed for elapsed, key in polls if pacer.due(elapsed, key)]


def test_nothing_before_the_threshold_even_on_status_changes():
    pacer = ProgressPacer(30)
    assert _printed(pacer, [(1, "CREATED"), (5, "EXECUTING"), (29.9, "EXECUTING")]) == []
    assert pacer.lines == 0


def test_first_line_at_the_threshold_then_every_interval_on_a_fixed_schedule():
    pacer = ProgressPacer(10)
    polls = [(t, "EXECUTING") for t in (5, 10, 15, 20.5, 25, 31, 35, 40, 45)]
    # 20.5 and 31 are late polls: the schedule stays at 10, 20, 30, 40 rather than drifting with them.
    assert _printed(pacer, polls) == [10, 20.5, 31, 40]


def test_a_status_change_prints_at_once_and_restarts_the_schedule():
    pacer = ProgressPacer(10)
    polls = [(10, "CREATED"), (14, "EXECUTING"), (20, "EXECUTING"), (24, "EXECUTING"), (25, "SUCCESS")]
    assert _printed(pacer, polls) == [10, 14, 24, 25]


def test_a_long_gap_gives_one_line_not_a_burst():
    pacer = ProgressPacer(5)
    assert _printed(pacer, [(5, "A"), (31, "A"), (33, "A"), (35, "A")]) == [5, 31, 35]


def test_poll_waits_until_the_next_line_within_one_and_the_cap():
    pacer = ProgressPacer(30)
    assert pacer.poll_seconds(0) == MAX_POLL_SECONDS == 10
    assert pacer.poll_seconds(28.2) == 2
    assert pacer.poll_seconds(29.99) == 1
    assert pacer.poll_seconds(31) == 1  # overdue: poll at once (a second, the loop's tick)
    assert ProgressPacer(2).poll_seconds(0) == 2


def test_interval_must_be_positive():
    with pytest.raises(ValueError):
        ProgressPacer(0)


def test_status_key_ignores_percentages_and_names():
    one = {"tasks": [{"id": "t1", "status": "EXECUTING", "percent": 10, "name": "a"}], "task_count": 1}
    two = {"tasks": [{"id": "t1", "status": "EXECUTING", "percent": 60, "name": "a"}], "task_count": 1}
    three = {"tasks": [{"id": "t1", "status": "SUCCESS", "percent": 100, "name": "a"}], "task_count": 1}
    assert status_key(one) == status_key(two) != status_key(three)
    assert status_key(None) is None


def test_line_with_one_task_and_progress():
    observed = {
        "instance_id": "i-1",
        "tasks": [{"id": "t1", "name": "bindInstancePublicIp", "status": "EXECUTING", "percent": 40}],
        "task_count": 1,
        "waiting_for": None,
        "timeout": 900,
    }
    line = progress_line("localhost", "hwcloud.dms.dms_public_access", 90.4, 600, observed)
    assert line == (
        "[localhost] hwcloud.dms.dms_public_access: instance i-1: task bindInstancePublicIp t1 EXECUTING 40%,"
        " still waiting [1m30s of 15m]"
    )


def test_line_with_several_tasks_a_change_and_no_details():
    observed = {
        "instance_id": "i-1",
        "tasks": [{"id": "t%d" % n, "name": None, "status": "EXECUTING", "percent": None} for n in range(5)],
        "task_count": 7,
        "waiting_for": "bind public IPs of RabbitMQ instance i-1",
        "timeout": 900,
    }
    line = progress_line("h1 -> localhost", "m", 61, None, observed)
    assert line.startswith("[h1 -> localhost] m: bind public IPs of RabbitMQ instance i-1: 7 tasks: t0 EXECUTING, ")
    assert line.endswith("t4 EXECUTING, and 2 more, still waiting [1m1s of 15m]")
    assert progress_line("h", "m", 61, 600, observed, details=False) == "[h] m: still waiting [1m1s of 15m]"


def test_line_before_the_module_reported_anything():
    assert progress_line("h", "m", 30, 600, None, "i-9") == "[h] m: instance i-9: starting, still waiting [30s of 10m]"
    no_task = {"instance_id": "i-9", "tasks": [], "task_count": 0, "waiting_for": None, "timeout": 600}
    assert (
        progress_line("h", "m", 30, 600, no_task)
        == "[h] m: instance i-9: no task listed yet, still waiting [30s of 10m]"
    )


@pytest.mark.parametrize("text", ["", "{", "[1, 2]", "null", '{"tasks": '])
def test_parse_observation_never_raises(text):
    assert parse_observation(text) is None


def test_job_finished_reads_the_wrapper_record():
    assert not job_finished("")
    assert not job_finished('{"started": true, "finished": false, "ansible_job_id": "j1.2"}')
    assert not job_finished('{"started": 1, "finished": 0, "ansible_job_id": "j1.2"}')  # ansible-core < 2.19
    assert job_finished('{"changed": false, "tasks": []}')
    assert job_finished('{"msg": "Timeout exceeded", "failed": true, "child_pid": 3}')


def _sh(command):
    return subprocess.run(["/bin/sh", "-c", command], capture_output=True, text=True, check=True, timeout=30)


def test_poll_command_prints_both_files_once_the_job_ended(tmp_path):
    job, progress = tmp_path / "j1.2", tmp_path / "p it's.progress"
    job.write_text(json.dumps({"changed": False, "msg": "done\nnext"}))
    progress.write_text('{"tasks": []}')
    done = _sh(poll_command(str(job), str(progress), 5))
    job_text, progress_text, removed = split_poll_output(done.stdout)
    assert json.loads(job_text) == {"changed": False, "msg": "done\nnext"}
    assert progress_text == '{"tasks": []}'
    assert done.stderr == ""
    assert removed and not job.exists() and not progress.exists()


@pytest.mark.parametrize("started, finished", [(True, False), (1, 0)])
def test_poll_command_waits_while_the_job_runs_and_tolerates_missing_files(tmp_path, started, finished):
    job = tmp_path / "j1.2"
    running = json.dumps({"started": started, "finished": finished, "ansible_job_id": "j1.2"})
    job.write_text(running)
    for tick in (1.0, 0.25):
        output = _sh(poll_command(str(job), str(tmp_path / "none"), 1, tick)).stdout
        job_text, progress_text, removed = split_poll_output(output)
        assert job_text == running and not job_finished(job_text)
        assert progress_text == "" and not removed
    assert job.exists()


def test_poll_command_returns_soon_after_the_job_ends(tmp_path):
    job = tmp_path / "j1.2"
    job.write_text(json.dumps({"started": True, "finished": False, "ansible_job_id": "j1.2"}))
    # The job "ends" a moment after the poll started: the poll sees it at its next tick, long before its 30 s.
    command = "(sleep 0.5; printf '{\"changed\": true}' > %s.x; mv %s.x %s) & %s" % (
        job,
        job,
        job,
        poll_command(str(job), "/nonexistent", 30, 0.25),
    )
    job_text, _progress, removed = split_poll_output(_sh(command).stdout)
    assert job_text == '{"changed": true}' and removed


def test_poll_tick_is_fine_early_and_a_second_later():
    assert poll_tick(0) == 0.25 and poll_tick(9.9) == 0.25 and poll_tick(10) == 1.0


def test_cleanup_command_quotes_paths(tmp_path):
    target = tmp_path / "a b;c"
    target.write_text("x")
    _sh(cleanup_command(str(target), str(tmp_path / "missing")))
    assert not target.exists()


def test_a_home_relative_path_is_expanded_by_the_shell(tmp_path):
    home = tmp_path / "home"
    (home / ".ansible_async").mkdir(parents=True)
    job = home / ".ansible_async" / "j1 2"
    job.write_text('{"changed": false}')
    command = poll_command("~/.ansible_async/j1 2", "~/.ansible_async/p", 1)
    done = subprocess.run(
        ["/bin/sh", "-c", command], capture_output=True, text=True, check=True, timeout=30, env={"HOME": str(home)}
    )
    assert split_poll_output(done.stdout) == ('{"changed": false}', "", True)
    assert not job.exists()


def test_a_read_that_saw_every_task_end_is_the_module_returning():
    def seen(*statuses, count=None, waiting_for=None):
        tasks = [{"id": "t%d" % n, "status": status} for n, status in enumerate(statuses)]
        return {"tasks": tasks, "task_count": len(tasks) if count is None else count, "waiting_for": waiting_for}

    assert ending(seen("SUCCESS")) and ending(seen("FAILED", "SUCCESS"))
    assert not ending(seen("SUCCESS", "EXECUTING"))
    assert not ending(seen("SUCCESS", count=7))  # more tasks than the five reported
    assert not ending(seen("SUCCESS", waiting_for="bind public IPs of RabbitMQ instance i"))  # the instance too
    assert not ending(seen()) and not ending(None)
