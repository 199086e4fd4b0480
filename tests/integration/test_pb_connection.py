# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Connection settings through ansible-playbook: environment variables, options, module_defaults; 404 answers."""

from __future__ import annotations

import re

WRONG_SK = "not-the-secret-key-of-this-access-key"


def test_credentials_from_env_options_and_module_defaults(emulator, playbook, instance_id):
    task = emulator.admin.create_task(instance_id=instance_id, name="bindInstancePublicIp", timeline="SUCCESS")
    run = playbook(
        "connection.yml",
        {
            "task_id": task["id"],
            "ak": emulator.access_key,
            "sk": emulator.secret_key,
            "wrong_sk": WRONG_SK,
            "project_id": emulator.project_id,
        },
        env=playbook.env(credentials=False),
    )
    assert run.returncode == 0, run
    saved = run.results["connection"]

    for name in ("env_hw", "env_sdk", "options", "option_over_env", "group_defaults"):
        assert saved[name].get("failed") is not True, (name, saved[name])
        assert saved[name]["task"]["id"] == task["id"], name

    wrong = saved["wrong_option"]
    assert wrong["failed"] is True and wrong["tasks"] == []
    assert "HTTP 401" in wrong["msg"] and "APIGW.0301" in wrong["msg"] and "X-Request-Id" in wrong["msg"], wrong["msg"]

    missing = saved["no_credentials"]
    assert missing["failed"] is True
    assert missing["msg"].startswith("Missing credentials: access_key and secret_key"), missing["msg"]
    assert "HW_ACCESS_KEY" in missing["msg"] and "HUAWEICLOUD_SDK_AK" in missing["msg"]

    unknown_task = saved["unknown_task"]
    assert unknown_task["failed"] is True and unknown_task["tasks"] == []
    assert re.search(
        r"Task 0{32} was not found on instance %s: .*HTTP 404: DMS\.00404023 .*\(X-Request-Id: [0-9a-f]{32}\)"
        % instance_id,
        unknown_task["msg"],
    ), unknown_task["msg"]
    unknown_instance = saved["unknown_instance"]
    assert unknown_instance["failed"] is True
    assert re.search(
        r"Instance 9{8}-0{4}-0{4}-0{4}-0{12} was not found: it does not exist in project .*"
        r"HTTP 404: DMS\.00404022 This DMS instance does not exist\."
        r" \(X-Request-Id: [0-9a-f]{32}\)",
        unknown_instance["msg"],
    ), unknown_instance["msg"]

    stats = emulator.admin.stats()
    # Exactly one bad signature (the wrong option); the missing-credentials run never sent a request.
    assert stats["signature_failures"] == 1 and stats["auth_failures_by_reason"] == {"signature_mismatch": 1}
    assert stats["requests_by_route"] == {"dms.show_task": 7, "dms.list_tasks": 1}
    assert stats["responses_by_status"]["404"] == 2
    # The secret key is no_log: never printed, whether it came from an option or the environment.
    assert emulator.secret_key not in run.stdout + run.stderr and WRONG_SK not in run.stdout + run.stderr
