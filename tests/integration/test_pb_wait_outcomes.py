# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Waits through ansible-playbook that end in SUCCESS, FAILED (failing or not), a timeout, and on a task that appears late."""

from __future__ import annotations

import re

LATE_INSTANCE = "33333333-4444-5555-6666-777777777777"
TIMEOUT = 2
APPEAR_AFTER = 3


def test_wait_outcomes(emulator, playbook, instance_id):
    create = emulator.admin.create_task
    success = create(
        instance_id=instance_id,
        name="bindInstancePublicIp",
        params={"public_ip_address": "100.93.2.18"},
        timeline=[{"status": "CREATED", "polls": 1}, {"status": "EXECUTING", "seconds": 0.8}, {"status": "SUCCESS"}],
    )
    failing = create(
        instance_id=instance_id,
        name="kafkaConfigModify",
        timeline=[{"status": "EXECUTING", "polls": 2}, {"status": "FAILED"}],
    )
    failing_too = create(
        instance_id=instance_id,
        name="unbindInstancePublicIp",
        timeline=[{"status": "EXECUTING", "polls": 1}, {"status": "FAILED"}],
    )
    stuck = create(instance_id=instance_id, name="restartInstance", timeline="EXECUTING")
    run = playbook(
        "wait_outcomes.yml",
        {
            "success_id": success["id"],
            "failing_id": failing["id"],
            "failing_too_id": failing_too["id"],
            "stuck_id": stuck["id"],
            "timeout": TIMEOUT,
            "late_instance_id": LATE_INSTANCE,
            "appear_after": APPEAR_AFTER,
        },
    )
    assert run.returncode == 0, run
    saved = run.results["waits"]

    succeeded = saved["succeeded"]
    assert succeeded["task"]["status"] == "SUCCESS" and succeeded["task"]["id"] == success["id"]
    assert succeeded["attempts"] >= 3  # saw CREATED, then EXECUTING, then SUCCESS
    assert 0.8 <= succeeded["elapsed"] < 30 and succeeded["transient_errors"] == 0 and not succeeded["changed"]

    failed = saved["failed_wait"]
    assert failed["failed"] is True
    assert failed["task"]["status"] == "FAILED" and failed["task"]["id"] == failing["id"]
    assert failed["tasks"] == [failed["task"]] and failed["attempts"] == 3 and failed["elapsed"] > 0
    for part in (failing["id"], "kafkaConfigModify", instance_id, "FAILED", "fail_on_task_failure"):
        assert part in failed["msg"], (part, failed["msg"])

    tolerated = saved["tolerated"]
    assert "failed" not in tolerated or tolerated["failed"] is False
    assert (
        tolerated["task"]["status"] == "FAILED"
        and tolerated["task"]["id"] == failing_too["id"]
        and tolerated["attempts"] == 2
    )

    assert saved["baseline"]["task"]["status"] == "EXECUTING"
    timed_out = saved["timed_out"]
    assert timed_out["failed"] is True
    # The bound: the module gives up within wait_timeout + 1 s, measured by itself ...
    assert TIMEOUT <= timed_out["elapsed"] <= TIMEOUT + 1, timed_out["elapsed"]
    # ... and by the controller around the task, minus what any module run costs (the plain read just before).
    # float(): ansible-core before 2.19 renders templated values nested in a fact as strings.
    timeout_seconds, baseline_seconds = float(saved["timeout_seconds"]), float(saved["baseline_seconds"])
    assert timeout_seconds - baseline_seconds <= TIMEOUT + 1, (timeout_seconds, baseline_seconds)
    assert timed_out["task"]["status"] == "EXECUTING" and timed_out["tasks"] == [timed_out["task"]]
    assert timed_out["attempts"] >= 3 and timed_out["transient_errors"] == 0
    message = timed_out["msg"]
    for part in (
        stuck["id"],
        "restartInstance",
        instance_id,
        "wait_timeout=%d" % TIMEOUT,
        "last status EXECUTING",
        "raise wait_timeout",
    ):
        assert part in message, (part, message)

    late = saved["late"]
    assert late["task"]["id"] == saved["late_task"]["id"] and late["task"]["status"] == "SUCCESS"
    assert late["task"]["params"] == {"public_ip_address": "100.93.2.20"}
    # The task was invisible for APPEAR_AFTER s after the uri call; the wait started well within that (a module run
    # costs about 0.5 s; 2 s of margin for a loaded machine) and kept polling empty lists every 0.5 s until it came.
    assert late["elapsed"] >= APPEAR_AFTER - 2 and late["attempts"] >= 3, late

    stats = emulator.admin.stats()
    assert stats["signature_failures"] == 0 and stats["auth_failures"] == 0
    assert stats["responses_by_status"].get("404", 0) == 0
    assert stats["requests_by_route"]["dms.show_task"] == (
        succeeded["attempts"] + failed["attempts"] + tolerated["attempts"] + 1 + timed_out["attempts"]
    )
    assert stats["requests_by_route"]["dms.list_tasks"] == late["attempts"]
    assert re.fullmatch(r"[0-9a-f]{32}", saved["late_task"]["id"])
