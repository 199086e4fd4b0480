# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A thin pytest-ansible smoke test: hwcloud.dms.dms_task_info run ad hoc on localhost against the emulator."""

from __future__ import annotations

import pytest

# pytest-ansible marks its host manager deprecated, and Ansible notes that its collection finder was set up
# before (pytest-ansible does it too when pytest starts in a collection root): neither is this test's concern.
pytestmark = [
    pytest.mark.filterwarnings("ignore:Host management is deprecated:DeprecationWarning"),
    pytest.mark.filterwarnings("ignore:AnsibleCollectionFinder has already been configured:UserWarning"),
]

INSTANCE = "6e3a3b1c-1111-4a4a-9b9b-0000000000aa"


def test_adhoc_module_waits_for_a_task(ansible_adhoc, localhost_inventory, emulator_env):
    task = emulator_env.admin.create_task(
        instance_id=INSTANCE,
        name="bindInstancePublicIp",
        params={"public_ip_address": "100.93.2.18"},
        timeline=[{"status": "EXECUTING", "polls": 2}, {"status": "SUCCESS"}],
    )
    hosts = ansible_adhoc(inventory=localhost_inventory, host_pattern="localhost")
    module = getattr(hosts.localhost, "hwcloud.dms.dms_task_info")
    result = module(instance_id=INSTANCE, task_id=task["id"], wait_for=True, wait_sleep=0.1, wait_timeout=30)[
        "localhost"
    ]
    assert not result.is_failed, result
    assert result["task"]["status"] == "SUCCESS"
    assert result["task"]["params"]["public_ip_address"] == "100.93.2.18"
    assert result["attempts"] == 3
    assert result["changed"] is False
    assert emulator_env.admin.stats()["signature_failures"] == 0


def test_adhoc_module_reports_a_failed_task(ansible_adhoc, localhost_inventory, emulator_env):
    task = emulator_env.admin.create_task(instance_id=INSTANCE, name="modifyInstance", timeline="FAILED")
    hosts = ansible_adhoc(inventory=localhost_inventory, host_pattern="localhost")
    module = getattr(hosts.localhost, "hwcloud.dms.dms_task_info")
    result = module(instance_id=INSTANCE, task_id=task["id"], wait_for=True, wait_sleep=0.1, wait_timeout=30)[
        "localhost"
    ]
    assert result.is_failed
    assert "ended with status FAILED" in result["msg"]
    assert result["tasks"][0]["status"] == "FAILED"
