# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""dms_public_access in real playbooks against the emulator, for each engine: bind, rerun, switch, check mode, diff,
unbind, and the busy, failed-task and timeout cases."""

from __future__ import annotations

import re

import pytest

EIPS = [
    "1aea7aed-e7d8-40ea-b3de-6f3ee9d5db9f",
    "2bfb8bfe-f8e9-41fb-c4ef-7f4ff0e6ec0a",
    "3c0c9c0f-09fa-42ac-d5f0-8a5001f7fd1b",
]
OTHER = [
    "4d1da1a0-1a0b-43bd-e6a1-9b6112a80e2c",
    "5e2eb2b1-2b1c-44ce-f7b2-ac7223b91f3d",
    "6f3fc3c2-3c2d-45df-08c3-bd8334ca2a4e",
]
BROKERS = {"kafka": 3, "rabbitmq": 1, "rocketmq": 2}
ADDRESS_FIELD = {
    "kafka": "public_connect_address",
    "rabbitmq": "public_connect_address",
    "rocketmq": "public_namesrv_address",
}


def _instance(emulator, instance_id, engine, **spec):
    emulator.admin.create_instance(instance_id, engine, broker_num=BROKERS[engine], **spec)
    return EIPS[: BROKERS[engine]], OTHER[: BROKERS[engine]]


@pytest.mark.parametrize("engine", sorted(BROKERS))
def test_bind_rerun_switch_check_mode_unbind(engine, emulator, playbook, instance_id):
    eips, other = _instance(emulator, instance_id, engine)
    run = playbook("public_access.yml", {"eips": eips, "other_eips": other})
    assert run.returncode == 0, run
    saved = run.results["public_access"]

    bind = saved["bind"]
    assert bind["changed"] is True and bind["actions"] == ["bind"]
    assert bind["instance"]["enable_publicip"] is True and bind["instance"][ADDRESS_FIELD[engine]]
    assert bind["diff"] == {
        "before": {"enable_publicip": False, "public_ip_ids": []},
        "after": {"enable_publicip": True, "public_ip_ids": sorted(eips)},
    }
    if engine == "kafka":
        assert bind["task"] is None and bind["instance"]["kafka_public_status"] == "true"
    else:
        assert bind["task"]["name"] == "bindInstancePublicIp" and bind["task"]["status"] == "SUCCESS"
        assert bind["instance"]["publicip_id"] == ",".join(eips)
    assert saved["again"]["changed"] is False and saved["again"]["task"] is None

    switched = saved["switched"]
    if engine == "kafka":
        # Kafka's detail does not name the bound EIPs: left alone, with a warning.
        assert switched["changed"] is False and "does not list the bound EIP ids" in run.stdout + run.stderr
    else:
        assert switched["changed"] is True and switched["actions"] == ["unbind", "bind"]
        assert switched["instance"]["publicip_id"] == ",".join(other)
        assert switched["diff"]["after"] == {"enable_publicip": True, "public_ip_ids": sorted(other)}

    check = saved["check_unbind"]
    assert check["changed"] is True and check["actions"] == ["unbind"] and check["instance"]["enable_publicip"] is True
    assert check["diff"]["after"] == {"enable_publicip": False, "public_ip_ids": []}

    unbind = saved["unbind"]
    assert unbind["changed"] is True and unbind["instance"]["enable_publicip"] is False
    assert ADDRESS_FIELD[engine] not in unbind["instance"]
    if engine != "kafka":
        assert unbind["task"]["name"] == "unbindInstancePublicIp"
    assert saved["unbind_again"]["changed"] is False

    # Calls sent: bind, (switch: unbind + bind), unbind; check mode sent nothing, the Kafka switch was skipped.
    routes = emulator.admin.stats()["requests_by_route"]
    route = "instances.kafka_public_switch" if engine == "kafka" else "instances.update"
    assert routes[route] == (2 if engine == "kafka" else 4)
    changes = 4 if engine == "kafka" else 5  # changed tasks: bind, (switch), check-mode unbind, unbind, the copy
    assert "-enable_publicip: false" not in run.stdout  # the diff is shown as before/after keys
    assert re.search(r"\+\s*\"?enable_publicip\"?: true", run.stdout), run.stdout
    assert re.search(r"localhost\s+: ok=7\s+changed=%d\s" % changes, run.stdout), run.stdout


@pytest.mark.parametrize("engine", sorted(BROKERS))
def test_busy_instance_is_retried_until_dms_accepts(engine, emulator, playbook, instance_id):
    eips, dummy = _instance(emulator, instance_id, engine, busy_changes=3)
    run = playbook("public_access_once.yml", {"eips": eips})
    assert run.returncode == 0, run
    change = run.results["change"]
    assert change["failed"] is False and change["changed"] is True and change["instance"]["enable_publicip"] is True
    stats = emulator.admin.stats()
    route = "instances.kafka_public_switch" if engine == "kafka" else "instances.update"
    assert stats["requests_by_route"][route] == 4 and stats["responses_by_status"]["400"] == 3


def test_busy_until_the_deadline_fails_with_dms_00400026(emulator, playbook, instance_id):
    eips, dummy = _instance(emulator, instance_id, "rocketmq", status="RESTARTING")
    run = playbook("public_access_once.yml", {"eips": eips, "wait_timeout": 2, "wait_sleep": 0.5})
    change = run.results["change"]
    assert change["failed"] is True and "DMS.00400026" in change["msg"] and change["changed"] is False
    # The module's own clock, not the playbook's wall time (which a loaded machine stretches): wait_timeout 2 s, plus
    # 1 s for the request in flight at the deadline.
    assert change["instance"]["status"] == "RESTARTING" and change["elapsed"] <= 2 + 1.0, change


@pytest.mark.parametrize("engine", ["rabbitmq", "kafka"])
def test_busy_retries_keep_the_poll_floor_and_say_why(engine, emulator, playbook, instance_id):
    # Before: wait_sleep 0.001 sent 494-885 PUTs (Kafka: 1 295 POSTs) in 3 s, then "deadline passed before the
    # request could be sent". Now at most one try per 0.5 s, and the message explains DMS.00400026.
    eips, dummy = _instance(emulator, instance_id, engine, status="RESTARTING")
    run = playbook("public_access_once.yml", {"eips": eips, "wait_timeout": 3, "wait_sleep": 0.001})
    change = run.results["change"]
    route = "instances.kafka_public_switch" if engine == "kafka" else "instances.update"
    tries = emulator.admin.stats()["requests_by_route"][route]
    assert change["failed"] is True and change["changed"] is False and tries <= 3 / 0.5 + 1
    assert change["msg"].startswith("Timed out after wait_timeout=3 s: DMS answered DMS.00400026")
    assert "%d tries" % tries in change["msg"] and "status RESTARTING" in change["msg"]
    assert "below the 0.5 s floor" in run.stdout + run.stderr


@pytest.mark.parametrize("engine", ["rabbitmq", "rocketmq"])
def test_failed_task_fails_the_module_with_the_task(engine, emulator, playbook, instance_id):
    eips, dummy = _instance(emulator, instance_id, engine, fail_bind=True)
    run = playbook("public_access_once.yml", {"eips": eips})
    change = run.results["change"]
    assert change["failed"] is True and "ended with status FAILED" in change["msg"]
    assert change["changed"] is True and change["task"]["name"] == "bindInstancePublicIp"
    assert change["task"]["status"] == "FAILED" and change["instance"]["enable_publicip"] is False
    assert change["elapsed"] > 0


@pytest.mark.parametrize("engine, spec", [("rabbitmq", {"bind_seconds": 60}), ("kafka", {"fail_bind": True})])
def test_timeout_fails_with_what_was_seen(engine, spec, emulator, playbook, instance_id):
    # Kafka records no task the module knows, so a failed Kafka switch shows as a timeout on the instance fields.
    eips, dummy = _instance(emulator, instance_id, engine, **spec)
    run = playbook("public_access_once.yml", {"eips": eips, "wait_timeout": 3, "wait_sleep": 0.5})
    change = run.results["change"]
    assert change["failed"] is True and change["msg"].startswith("Timed out after wait_timeout=3 s")
    assert "enable_publicip=false" in change["msg"] and change["changed"] is True
    if engine == "rabbitmq":
        assert "last status EXECUTING" in change["msg"] and change["task"]["status"] == "EXECUTING"
    assert 3 <= change["elapsed"] < 10
