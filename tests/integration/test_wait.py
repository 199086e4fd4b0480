# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Waiting through ansible-playbook: a task flipping CREATED -> EXECUTING -> SUCCESS."""

from __future__ import annotations

from datetime import datetime, timezone


def test_wait_returns_the_task_after_it_flips_to_success(emulator, playbook, instance_id):
    begin = datetime.now(timezone.utc).strftime("%Y%m%d%H%M%S")
    emulator.admin.create_task(
        instance_id=instance_id,
        name="bindInstancePublicIp",
        params={"public_ip_address": "100.93.2.18"},
        timeline=[{"status": "CREATED", "polls": 1}, {"status": "EXECUTING", "polls": 2}, {"status": "SUCCESS"}],
    )
    run = playbook("wait_bind_public_ip.yml", {"begin_time": begin})
    assert run.returncode == 0, run
    bind = run.results["bind"]
    assert bind["task"]["status"] == "SUCCESS"
    assert bind["attempts"] == 4
    stats = emulator.admin.stats()
    assert stats["signature_failures"] == 0
    assert stats["requests_by_route"]["dms.list_tasks"] == 4
