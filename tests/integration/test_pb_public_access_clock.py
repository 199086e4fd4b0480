# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""issue 17: dms_public_access with the server's clock 30 s behind or ahead finds its own change's task.

The change's time comes from the Date of the change call's answer (server's clock), so finished tasks of the same
name from earlier changes (a minute and 20 s before, on the server's clock) never end the wait.
"""

from __future__ import annotations

import pytest
import requests

BROKERS = {"rabbitmq": 1, "rocketmq": 2}
EIPS = ["1aea7aed-e7d8-40ea-b3de-6f3ee9d5db9f", "2bfb8bfe-f8e9-41fb-c4ef-7f4ff0e6ec0a"]


@pytest.mark.parametrize("skew", [-30, 30], ids=["server-30s-behind", "server-30s-ahead"])
@pytest.mark.parametrize("engine", sorted(BROKERS))
def test_public_access_waits_for_its_own_task_on_a_skewed_server(engine, skew, emulator, playbook, instance_id):
    emulator.admin.set_clock_skew(skew)
    eips = {"eips": [{"id": eip} for eip in EIPS]}  # the EIPs exist in the emulated VPC service
    assert requests.post(emulator.url + "/_emulator/eips", json=eips, timeout=10).status_code == 201
    emulator.admin.create_instance(instance_id, engine, broker_num=BROKERS[engine], bind_seconds=2)
    older = {
        emulator.admin.create_task(
            instance_id=instance_id, name="bindInstancePublicIp", timeline="SUCCESS", created_ago=ago
        )["id"]
        for ago in (60, 20)
    }
    run = playbook("public_access_once.yml", {"eips": EIPS[: BROKERS[engine]], "wait_sleep": 0.5})
    assert run.returncode == 0, run
    change = run.results["change"]
    assert change["failed"] is False and change["changed"] is True, change
    assert change["instance"]["enable_publicip"] is True
    task = change["task"]
    assert task["name"] == "bindInstancePublicIp" and task["status"] == "SUCCESS" and task["id"] not in older
    # The wait lasted until the new task's EXECUTING phase (2 s) was over: an older SUCCESS did not end it.
    assert change["elapsed"] >= 2
    listed = {t["id"]: t for t in emulator.admin.tasks()}
    assert listed[task["id"]]["created_at"] > max(listed[old]["created_at"] for old in older)
    clock_warnings = [w for w in change.get("warnings", []) if "The DMS API's clock is about" in w]
    assert len(clock_warnings) == 1 and ("behind" if skew < 0 else "ahead of") in clock_warnings[0]
