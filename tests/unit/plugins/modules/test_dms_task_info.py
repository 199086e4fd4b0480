# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""dms_task_info's limits as a user meets them: a name wait for a task never created ends at appear_timeout with why,
and every failed result carries the real attempts and elapsed time."""

from __future__ import annotations

from ansible_collections.hwcloud.dms.plugins.modules import dms_task_info
from ansible_collections.hwcloud.dms.tests.unit.plugins.modules.fake_dms import CONNECTION, INSTANCE, PROJECT

TASKS = "/v2/%s/instances/%s/tasks" % (PROJECT, INSTANCE)
NAME_WAIT = dict(
    CONNECTION,
    instance_id=INSTANCE,
    name="bindInstancePublicIp",
    begin_time="2024-01-15T08:30:00Z",
    latest=True,
    wait_for=True,
    wait_sleep=0.5,
)


def test_a_name_wait_for_a_task_never_created_ends_at_appear_timeout_saying_why(run_module, dms):
    # Before: silent until wait_timeout (600 s by default), then "The task may still finish".
    dms.answer("GET", TASKS, (200, {"task_count": 0, "tasks": []}))
    result = run_module(dms_task_info.main, dict(NAME_WAIT, appear_timeout=1, wait_timeout=60))
    assert result["failed"] is True and result["changed"] is False, result
    message = result["msg"]
    assert "No task named 'bindInstancePublicIp' was created on instance %s since begin_time" % INSTANCE in message
    assert "appear_timeout=1 s" in message and "may not have been made" in message
    assert "when: result is changed" in message
    # Measured by the module: ended at the appearance limit (1 s), far before wait_timeout; 3 s of margin for load.
    assert 1.0 <= result["elapsed"] < 4.0
    assert result["attempts"] == len(dms.sent) >= 2


def test_a_task_that_appears_in_time_is_waited_for_past_appear_timeout(run_module, dms):
    running = {"id": "t1", "name": "bindInstancePublicIp", "status": "EXECUTING", "created_at": "2024-01-15T08:30:01Z"}
    done = dict(running, status="SUCCESS")
    listed = [(200, {"task_count": 1, "tasks": [task]}) for task in (running, running, running, running, done)]
    dms.answer("GET", TASKS, *listed)
    result = run_module(dms_task_info.main, dict(NAME_WAIT, appear_timeout=1, wait_timeout=30))
    assert result["rc"] == 0 and result["task"]["status"] == "SUCCESS", result


def test_appear_timeout_is_checked(run_module, dms):
    result = run_module(dms_task_info.main, dict(NAME_WAIT, appear_timeout=0))
    assert result["failed"] is True and "appear_timeout" in result["msg"] and dms.sent == []


def test_a_failed_read_reports_the_real_attempts_and_elapsed(run_module, dms):
    # Before: "attempts": 1, "elapsed": 0.0 whatever the retries took.
    dms.answer("GET", TASKS + "/t1", (503, {"error_code": "APIGW.0503", "error_msg": "busy"}))
    result = run_module(dms_task_info.main, dict(CONNECTION, instance_id=INSTANCE, task_id="t1", retries=2))
    assert result["failed"] is True and "HTTP 503" in result["msg"], result
    assert result["attempts"] == len(dms.sent) == 3
    assert result["elapsed"] > 0  # two retry pauses of at least 0.5 s each were taken
