# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""dms_public_access.main() in-process against an emulator process (the option errors and the fake-transport runs are
in tests/unit/plugins/modules/test_dms_public_access.py)."""

from __future__ import annotations

import pytest
import requests

from ansible_collections.hwcloud.dms.plugins.modules import dms_public_access

INSTANCE = "11111111-2222-3333-4444-555555555555"
# One name per line: ansible's doc parser (run by ansible-lint over tests/unit/plugins/modules) warns on tuple targets.
A = "1aea7aed-e7d8-40ea-b3de-6f3ee9d5db9f"
B = "2bfb8bfe-f8e9-41fb-c4ef-7f4ff0e6ec0a"
C = "3c0c9c0f-09fa-42ac-d5f0-8a5001f7fd1b"
FAST = {"bind_seconds": 0, "unbind_seconds": 0}


def _eips(emulator, *specs):
    """EIPs of the emulated VPC service: ids (free, DOWN) or dicts with status/port_id/public_ip_address."""
    rows = [spec if isinstance(spec, dict) else {"id": spec} for spec in specs]
    answer = requests.post(emulator.url + "/_emulator/eips", json={"eips": rows}, timeout=10)
    assert answer.status_code == 201, answer.text


def _args(emulator_args, **extra):
    args = dict(emulator_args, instance_id=INSTANCE, wait_sleep=0.2, wait_timeout=30)
    args.update(extra)
    return args


def test_rabbitmq_bind_then_rerun_then_unbind(run_module, emulator, emulator_args):
    _eips(emulator, A)
    emulator.admin.create_instance(INSTANCE, "rabbitmq", **FAST)
    result = run_module(dms_public_access.main, _args(emulator_args, public_ip_ids=[A], _ansible_diff=True))
    assert result["rc"] == 0 and result["changed"] is True and result["actions"] == ["bind"]
    assert result["instance"]["enable_publicip"] is True and result["instance"]["publicip_id"] == A
    assert result["instance"]["public_connect_address"].endswith(":5672")
    assert result["task"]["name"] == "bindInstancePublicIp" and result["task"]["status"] == "SUCCESS"
    assert result["task"]["params"]["public_ip_id"] == A  # decoded from the API's JSON string
    assert result["diff"] == {
        "before": {"enable_publicip": False, "public_ip_ids": []},
        "after": {"enable_publicip": True, "public_ip_ids": [A]},
    }
    again = run_module(dms_public_access.main, _args(emulator_args, public_ip_ids=[A]))
    assert again["changed"] is False and again["task"] is None
    gone = run_module(dms_public_access.main, _args(emulator_args, state="absent"))
    assert gone["changed"] is True and gone["task"]["name"] == "unbindInstancePublicIp"
    assert gone["instance"]["enable_publicip"] is False
    routes = emulator.admin.stats()["requests_by_route"]
    assert routes["instances.update"] == 2


def test_kafka_bind_uses_the_switch_and_follows_its_task(run_module, emulator, emulator_args):
    _eips(emulator, A, B, C)
    emulator.admin.create_instance(INSTANCE, "kafka", broker_num=3, **FAST)
    result = run_module(dms_public_access.main, _args(emulator_args, public_ip_ids=[A, B, C]))
    assert result["rc"] == 0 and result["changed"] is True
    assert result["task"]["name"] == "bindInstancePublicIp" and result["task"]["status"] == "SUCCESS"
    assert sorted(result["public_ip_ids"]) == sorted([A, B, C]) and len(result["public_ip_addresses"]) == 3
    assert result["instance"]["public_access_enabled"] == "true" and result["instance"]["public_connect_address"]
    routes = emulator.admin.stats()["requests_by_route"]
    assert routes["instances.kafka_public_switch"] == 1 and "instances.update" not in routes


def test_check_mode_sends_nothing(run_module, emulator, emulator_args):
    _eips(emulator, A, B, C)
    emulator.admin.create_instance(INSTANCE, "rocketmq", publicip_ids=[A])
    result = run_module(
        dms_public_access.main, _args(emulator_args, public_ip_ids=[B, C], _ansible_check_mode=True, _ansible_diff=True)
    )
    assert result["changed"] is True and result["actions"] == ["unbind", "bind"]
    assert result["diff"]["after"] == {"enable_publicip": True, "public_ip_ids": [B, C]}
    routes = emulator.admin.stats()["requests_by_route"]
    assert not any(route.startswith("instances.") and route != "instances.show" for route in routes), routes


def test_failed_task_fails_with_the_result(run_module, emulator, emulator_args):
    _eips(emulator, A)
    emulator.admin.create_instance(INSTANCE, "rabbitmq", fail_bind=True, bind_seconds=0)
    result = run_module(dms_public_access.main, _args(emulator_args, public_ip_ids=[A]))
    assert result["failed"] is True and "ended with status FAILED" in result["msg"]
    assert result["changed"] is True and result["task"]["status"] == "FAILED"
    assert result["instance"]["enable_publicip"] is False and result["elapsed"] > 0


def test_unknown_instance(run_module, emulator, emulator_args):
    result = run_module(dms_public_access.main, _args(emulator_args, public_ip_ids=[A]))
    assert result["failed"] is True and "does not exist" in result["msg"] and "DMS.00404022" in result["msg"]
    assert result["changed"] is False and result["instance"] == {}


def test_kafka_on_other_eips_is_switched(run_module, emulator, emulator_args, module_warnings):
    # Before: only a warning ("does not list the bound EIP ids"), on every run; the EIP API knows the bound EIPs.
    _eips(emulator, A, B)
    emulator.admin.create_instance(INSTANCE, "kafka", broker_num=1, publicip_ids=[A], **FAST)
    result = run_module(dms_public_access.main, _args(emulator_args, public_ip_ids=[B], wait_sleep=0.5))
    assert result["rc"] == 0 and result["changed"] is True and result["actions"] == ["unbind", "bind"]
    assert result["public_ip_ids"] == [B] and module_warnings == []
    again = run_module(dms_public_access.main, _args(emulator_args, public_ip_ids=[B]))
    assert again["changed"] is False and again["public_ip_ids"] == [B]
    routes = emulator.admin.stats()["requests_by_route"]
    assert routes["instances.kafka_public_switch"] == 2


def test_rocketmq_rerun_without_publicip_id_in_the_detail_sends_nothing(run_module, emulator, emulator_args):
    # Before: unbind + bind, then a timeout waiting for publicip_id: public access cut by a run that changes nothing.
    _eips(emulator, A, B, C)
    emulator.admin.create_instance(INSTANCE, "rocketmq", publicip_ids=[A, B, C], publicip_id_in_detail="null")
    result = run_module(dms_public_access.main, _args(emulator_args, public_ip_ids=[C, A, B]))
    assert result["rc"] == 0 and result["changed"] is False and sorted(result["public_ip_ids"]) == sorted([A, B, C])
    routes = emulator.admin.stats()["requests_by_route"]
    assert "instances.update" not in routes


@pytest.mark.parametrize("engine, ids", [("rabbitmq", [A]), ("rocketmq", [A, B, C]), ("kafka", [A, B, C])])
def test_a_frozen_instance_fails_at_once_naming_frozen(run_module, emulator, emulator_args, engine, ids):
    _eips(emulator, A, B, C)
    emulator.admin.create_instance(INSTANCE, engine, status="FROZEN")
    result = run_module(dms_public_access.main, _args(emulator_args, public_ip_ids=ids))
    assert result["failed"] is True and "FROZEN" in result["msg"] and "arrears" in result["msg"]
    assert result["changed"] is False
    routes = emulator.admin.stats()["requests_by_route"]
    assert routes["instances.show"] <= 2 and "instances.update" not in routes


@pytest.mark.parametrize("engine, count", [("rabbitmq", 1), ("rocketmq", 3), ("kafka", 3)])
def test_an_unknown_or_taken_eip_is_refused_before_anything_is_sent(run_module, emulator, emulator_args, engine, count):
    taken = {"id": B, "port_id": "9e1f5b3a-0c1d-4e2f-8a3b-4c5d6e7f8091", "status": "ACTIVE"}
    _eips(emulator, taken, {"id": C, "status": "FREEZED"})
    emulator.admin.create_instance(INSTANCE, engine)
    ids = [A, B, C][:count] if count > 1 else [A]
    result = run_module(dms_public_access.main, _args(emulator_args, public_ip_ids=ids))
    assert result["failed"] is True and result["changed"] is False and "nothing was sent" in result["msg"]
    assert "%s does not exist" % A in result["msg"]
    if count > 1:
        assert B in result["msg"] and "bound to another resource" in result["msg"]
        assert "%s is FREEZED" % C in result["msg"]
    routes = emulator.admin.stats()["requests_by_route"]
    assert "instances.update" not in routes and "instances.kafka_public_switch" not in routes


def test_a_kafka_switch_whose_task_fails_ends_at_once(run_module, emulator, emulator_args):
    _eips(emulator, A, B, C)
    emulator.admin.create_instance(INSTANCE, "kafka", fail_bind=True, bind_seconds=0)
    result = run_module(dms_public_access.main, _args(emulator_args, public_ip_ids=[A, B, C], wait_timeout=60))
    assert result["failed"] is True and "ended with status FAILED" in result["msg"]
    assert result["task"]["name"] == "bindInstancePublicIp" and result["elapsed"] < 30  # far below wait_timeout


# --- on the injected transport (FakeDms): the real client, no process ------------------------------------------------
