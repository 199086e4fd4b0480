# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""dms_public_access in real playbooks against the emulator, for each engine: bind, rerun, switch, check mode, diff,
unbind, and the busy, failed-task and timeout cases; the EIPs exist in the emulated VPC service."""

from __future__ import annotations

import re

import pytest
import requests

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
    rows = [{"id": eip} for eip in EIPS + OTHER]
    assert requests.post(emulator.url + "/_emulator/eips", json={"eips": rows}, timeout=10).status_code == 201
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
    # Every engine's change task is followed, Kafka's too; the bound EIPs come from the EIP API.
    assert bind["task"]["name"] == "bindInstancePublicIp" and bind["task"]["status"] == "SUCCESS"
    assert sorted(bind["public_ip_ids"]) == sorted(eips) and len(bind["public_ip_addresses"]) == len(eips)
    if engine == "kafka":
        assert bind["instance"]["kafka_public_status"] == "true"
    else:
        assert bind["instance"]["publicip_id"] == ",".join(eips)
    assert saved["again"]["changed"] is False and saved["again"]["task"] is None

    switched = saved["switched"]
    # Kafka too is moved to other EIPs (before: left alone with a warning, its detail names no EIP).
    assert switched["changed"] is True and switched["actions"] == ["unbind", "bind"]
    assert sorted(switched["public_ip_ids"]) == sorted(other)
    assert switched["diff"]["after"] == {"enable_publicip": True, "public_ip_ids": sorted(other)}
    assert "does not list the bound EIP ids" not in run.stdout + run.stderr

    check = saved["check_unbind"]
    assert check["changed"] is True and check["actions"] == ["unbind"] and check["instance"]["enable_publicip"] is True
    assert check["diff"]["after"] == {"enable_publicip": False, "public_ip_ids": []}

    unbind = saved["unbind"]
    assert unbind["changed"] is True and unbind["instance"]["enable_publicip"] is False
    assert ADDRESS_FIELD[engine] not in unbind["instance"] and unbind["public_ip_ids"] == []
    assert unbind["task"]["name"] == "unbindInstancePublicIp"
    assert saved["unbind_again"]["changed"] is False

    # Calls sent: bind, switch (unbind + bind), unbind; check mode sent nothing.
    routes = emulator.admin.stats()["requests_by_route"]
    route = "instances.kafka_public_switch" if engine == "kafka" else "instances.update"
    assert routes[route] == 4
    changes = 5  # changed tasks: bind, switch, check-mode unbind, unbind, the copy
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


def test_a_passing_state_past_the_deadline_fails_naming_it_with_nothing_sent(emulator, playbook, instance_id):
    # Before: the change was sent and refused (DMS.00400026) until the deadline; now the state is read first.
    eips, dummy = _instance(emulator, instance_id, "rocketmq", status="RESTARTING")
    run = playbook("public_access_once.yml", {"eips": eips, "wait_timeout": 2, "wait_sleep": 0.5})
    change = run.results["change"]
    assert change["failed"] is True and "status RESTARTING. Nothing was sent" in change["msg"]
    # The module's own clock, not the playbook's wall time (which a loaded machine stretches): wait_timeout 2 s, plus
    # 1 s for the request in flight at the deadline.
    assert change["changed"] is False and change["instance"]["status"] == "RESTARTING" and change["elapsed"] <= 2 + 1.0
    assert "instances.update" not in emulator.admin.stats()["requests_by_route"]


@pytest.mark.parametrize("engine", sorted(BROKERS))
def test_a_frozen_instance_fails_within_two_reads_naming_frozen(engine, emulator, playbook, instance_id):
    eips, dummy = _instance(emulator, instance_id, engine, status="FROZEN")
    run = playbook("public_access_once.yml", {"eips": eips})
    change = run.results["change"]
    assert change["failed"] is True and "is FROZEN, which does not pass by itself" in change["msg"]
    assert change["changed"] is False and emulator.admin.stats()["requests_by_route"]["instances.show"] <= 2


@pytest.mark.parametrize("engine", sorted(BROKERS))
def test_an_unknown_or_taken_eip_is_refused_with_nothing_sent(engine, emulator, playbook, instance_id):
    eips, dummy = _instance(emulator, instance_id, engine)
    taken = {"port_id": "9e1f5b3a-0c1d-4e2f-8a3b-4c5d6e7f8091", "status": "ACTIVE", "project_id": emulator.project_id}
    assert requests.post(emulator.url + "/_emulator/eips/" + eips[0], json=taken, timeout=10).status_code == 200
    unknown = "0f0f0f0f-0000-4000-8000-000000000000"
    run = playbook("public_access_once.yml", {"eips": [unknown] + eips[1:] if len(eips) > 1 else [eips[0]]})
    change = run.results["change"]
    assert change["failed"] is True and change["changed"] is False and "nothing was sent" in change["msg"]
    assert "bound to another resource" in change["msg"] or unknown in change["msg"]
    routes = emulator.admin.stats()["requests_by_route"]
    assert "instances.update" not in routes and "instances.kafka_public_switch" not in routes


@pytest.mark.parametrize("engine", ["rabbitmq", "kafka"])
def test_busy_retries_keep_the_poll_floor_and_say_why(engine, emulator, playbook, instance_id):
    # Before: wait_sleep 0.001 sent 494-885 PUTs (Kafka: 1 295 POSTs) in 3 s, then "deadline passed before the
    # request could be sent". Now at most one try per 0.5 s, and the message explains DMS.00400026.
    eips, dummy = _instance(emulator, instance_id, engine, busy_changes=1000)
    run = playbook("public_access_once.yml", {"eips": eips, "wait_timeout": 3, "wait_sleep": 0.001})
    change = run.results["change"]
    route = "instances.kafka_public_switch" if engine == "kafka" else "instances.update"
    tries = emulator.admin.stats()["requests_by_route"][route]
    assert change["failed"] is True and change["changed"] is False and tries <= 3 / 0.5 + 1
    assert change["msg"].startswith("Timed out after wait_timeout=3 s: DMS answered DMS.00400026")
    assert "%d tries" % tries in change["msg"] and "status RUNNING" in change["msg"]
    assert "below the 0.5 s floor" in run.stdout + run.stderr


@pytest.mark.parametrize("engine", sorted(BROKERS))
def test_failed_task_fails_the_module_with_the_task(engine, emulator, playbook, instance_id):
    # Kafka too: before, a failed Kafka switch ran into the timeout; now its task ends the run at once.
    eips, dummy = _instance(emulator, instance_id, engine, fail_bind=True)
    run = playbook("public_access_once.yml", {"eips": eips})
    change = run.results["change"]
    assert change["failed"] is True and "ended with status FAILED" in change["msg"]
    assert change["changed"] is True and change["task"]["name"] == "bindInstancePublicIp"
    assert change["task"]["status"] == "FAILED" and change["instance"]["enable_publicip"] is False
    assert 0 < change["elapsed"] < 30  # the default wait_timeout is 900 s


@pytest.mark.parametrize("engine, spec", [("rabbitmq", {"bind_seconds": 60}), ("kafka", {"bind_seconds": 60})])
def test_timeout_fails_with_what_was_seen(engine, spec, emulator, playbook, instance_id):
    eips, dummy = _instance(emulator, instance_id, engine, **spec)
    run = playbook("public_access_once.yml", {"eips": eips, "wait_timeout": 3, "wait_sleep": 0.5})
    change = run.results["change"]
    assert change["failed"] is True and change["msg"].startswith("Timed out after wait_timeout=3 s")
    assert "enable_publicip=false" in change["msg"] and change["changed"] is True
    assert "last status EXECUTING" in change["msg"] and change["task"]["status"] == "EXECUTING"
    assert 3 <= change["elapsed"] < 10
