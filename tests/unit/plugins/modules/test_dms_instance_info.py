# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""dms_instance_info's main() end to end on the injected transport (FakeDms): the list query as sent, every page read
and bounded, the filters checked again on the answer, and each engine's public_access from the EIP API (or, without
it, one warning and the addresses)."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

import pytest

from ansible_collections.hwcloud.dms.plugins.module_utils import _instance_info
from ansible_collections.hwcloud.dms.plugins.modules import dms_instance_info
from ansible_collections.hwcloud.dms.tests.unit.plugins.modules.fake_dms import CONNECTION, PROJECT, FakeDms

LIST = "/v2/%s/instances" % PROJECT
EIPS = "/v1/%s/publicips" % PROJECT
KAFKA_ID = "aaaaaaaa-0000-4000-8000-000000000001"
RABBIT_ID = "aaaaaaaa-0000-4000-8000-000000000002"
ROCKET_ID = "aaaaaaaa-0000-4000-8000-000000000003"
EIP_1 = "1aea7aed-e7d8-40ea-b3de-6f3ee9d5db9f"
EIP_2 = "2bfb8bfe-f8e9-41fb-c4ef-7f4ff0e6ec0a"

KAFKA = dict(
    instance_id=KAFKA_ID,
    name="orders-kafka-prod",
    engine="kafka",
    status="RUNNING",
    enable_publicip=True,
    public_access_enabled="true",
    kafka_public_status="actived",
    public_connect_address="100.64.1.1:9094,100.64.1.2:9094",
)
RABBIT = dict(
    instance_id=RABBIT_ID,
    name="orders-rabbit",
    engine="rabbitmq",
    status="RUNNING",
    enable_publicip=True,
    publicip_id=EIP_1,
    public_connect_address="100.64.2.1:5671",
)
ROCKET = dict(
    instance_id=ROCKET_ID,
    name="orders-rocket",
    engine="reliability",
    status="RUNNING",
    enable_publicip=False,
    public_namesrv_address="",
)


def _eip(eip_id: str, address: str) -> dict[str, Any]:
    return {"id": eip_id, "status": "ACTIVE", "public_ip_address": address, "port_id": "port-" + eip_id[:8]}


def _queries(dms: FakeDms, path: str = LIST) -> list[dict[str, str]]:
    return [dict(parse_qsl(sent["query"])) for sent in dms.sent if sent["path"] == path]


def test_finds_one_kafka_instance_by_exact_name_with_its_eips(run_module, dms, module_warnings):
    dms.answer("GET", LIST, (200, {"instances": [KAFKA], "instance_num": 1}))
    dms.answer("GET", EIPS, (200, {"publicips": [_eip(EIP_2, "100.64.1.2"), _eip(EIP_1, "100.64.1.1")]}))
    result = run_module(dms_instance_info.main, dict(CONNECTION, name="orders-kafka-prod", engine="kafka"))
    assert result["rc"] == 0, result
    assert result["changed"] is False and len(result["instances"]) == 1
    found = result["instances"][0]
    assert found["instance_id"] == KAFKA_ID and found["kafka_public_status"] == "actived"  # as DMS sent it
    assert found["public_access"] == {
        "enabled": True,
        "public_ip_ids": [EIP_1, EIP_2],  # in the order of the addresses, not of the EIP answer
        "public_ip_addresses": ["100.64.1.1", "100.64.1.2"],
        "connect_addresses": ["100.64.1.1:9094", "100.64.1.2:9094"],
        "status": "actived",
    }
    assert _queries(dms) == [
        {"engine": "kafka", "name": "orders-kafka-prod", "exact_match_name": "true", "offset": "0", "limit": "50"}
    ]
    assert module_warnings == []
    assert all(sent["headers"]["Authorization"].startswith("SDK-HMAC-SHA256 ") for sent in dms.sent)


def test_each_engine_gets_the_same_public_access_shape(run_module, dms):
    dms.answer("GET", LIST, (200, {"instances": [KAFKA, RABBIT, ROCKET], "instance_num": 3}))
    dms.answer(
        "GET",
        EIPS,
        (200, {"publicips": [_eip(EIP_1, "100.64.1.1"), _eip(EIP_2, "100.64.1.2")]}),
        (200, {"publicips": [_eip(EIP_1, "100.64.2.1")]}),
    )
    result = run_module(dms_instance_info.main, dict(CONNECTION))
    assert result["rc"] == 0, result
    access = {each["instance_id"]: each["public_access"] for each in result["instances"]}
    assert set(access[KAFKA_ID]) == set(access[RABBIT_ID]) == set(access[ROCKET_ID])
    assert access[RABBIT_ID]["public_ip_ids"] == [EIP_1] and access[RABBIT_ID]["status"] == "on"
    assert access[ROCKET_ID] == {
        "enabled": False,
        "public_ip_ids": [],
        "public_ip_addresses": [],
        "connect_addresses": [],
        "status": "off",
    }
    # No engine filter sent; an instance with public access off costs no EIP lookup.
    assert "engine" not in _queries(dms)[0] and len(_queries(dms, EIPS)) == 2


def test_reads_every_page_until_instance_num(run_module, dms, monkeypatch):
    monkeypatch.setattr(_instance_info, "PAGE_LIMIT", 2)
    page = [dict(ROCKET, instance_id="bbbbbbbb-0000-4000-8000-00000000000%d" % n) for n in range(5)]
    dms.answer(
        "GET",
        LIST,
        (200, {"instances": page[0:2], "instance_num": 5}),
        (200, {"instances": page[2:4], "instance_num": 5}),
        (200, {"instances": page[4:], "instance_num": 5}),
    )
    result = run_module(dms_instance_info.main, dict(CONNECTION, engine="rocketmq", public_access=False))
    assert result["rc"] == 0, result
    assert [each["instance_id"] for each in result["instances"]] == [each["instance_id"] for each in page]
    assert all("public_access" not in each for each in result["instances"])
    assert [(q["engine"], q["offset"], q["limit"]) for q in _queries(dms)] == [
        ("reliability", "0", "2"),
        ("reliability", "2", "2"),
        ("reliability", "4", "2"),
    ]


def test_a_server_that_never_stops_paging_is_stopped_with_a_message(run_module, dms, monkeypatch):
    monkeypatch.setattr(_instance_info, "PAGE_LIMIT", 1)
    monkeypatch.setattr(_instance_info, "MAX_PAGES", 3)
    pages = [
        (200, {"instances": [dict(ROCKET, instance_id="cccccccc-0000-4000-8000-00000000000%d" % n)]}) for n in range(5)
    ]
    dms.answer("GET", LIST, *pages)
    result = run_module(dms_instance_info.main, dict(CONNECTION, public_access=False))
    assert result["rc"] == 1 and result["failed"] is True
    assert "kept returning full pages after 3 pages" in result["msg"] and "Narrow the list" in result["msg"]
    assert result["instances"] == [] and len(_queries(dms)) == 3


def test_a_repeated_page_ends_the_reading_and_is_kept_once(run_module, dms, monkeypatch):
    monkeypatch.setattr(_instance_info, "PAGE_LIMIT", 1)
    dms.answer("GET", LIST, (200, {"instances": [ROCKET]}))  # the same full page again and again, no instance_num
    result = run_module(dms_instance_info.main, dict(CONNECTION, public_access=False))
    assert result["rc"] == 0, result
    assert [each["instance_id"] for each in result["instances"]] == [ROCKET_ID] and len(_queries(dms)) == 2


def test_exact_name_is_checked_again_on_the_answer(run_module, dms):
    # A server that ignored exact_match_name answers the fuzzy match: the longer name must not be returned.
    longer = dict(KAFKA, instance_id="dddddddd-0000-4000-8000-000000000001", name="orders-kafka-prod-old")
    dms.answer("GET", LIST, (200, {"instances": [longer, KAFKA], "instance_num": 2}))
    dms.answer("GET", EIPS, (200, {"publicips": []}))
    result = run_module(dms_instance_info.main, dict(CONNECTION, name="orders-kafka-prod"))
    assert [each["name"] for each in result["instances"]] == ["orders-kafka-prod"]


def test_contains_sends_the_fuzzy_match_and_keeps_what_the_api_answers(run_module, dms):
    dms.answer("GET", LIST, (200, {"instances": [RABBIT, dict(RABBIT, instance_id=KAFKA_ID, name="orders-x")]}))
    result = run_module(
        dms_instance_info.main, dict(CONNECTION, name="orders", name_match="contains", public_access=False)
    )
    assert result["rc"] == 0, result
    assert _queries(dms)[0]["exact_match_name"] == "false" and len(result["instances"]) == 2


def test_instance_id_status_and_include_failure_are_sent_and_rechecked(run_module, dms):
    other = dict(RABBIT, instance_id=KAFKA_ID)
    dms.answer("GET", LIST, (200, {"instances": [other, dict(RABBIT, status="CREATEFAILED"), RABBIT]}))
    args = dict(CONNECTION, instance_id=RABBIT_ID, status="RUNNING", include_failure=True, public_access=False)
    result = run_module(dms_instance_info.main, args)
    assert [(each["instance_id"], each["status"]) for each in result["instances"]] == [(RABBIT_ID, "RUNNING")]
    query = _queries(dms)[0]
    assert (query["instance_id"], query["status"], query["include_failure"]) == (RABBIT_ID, "RUNNING", "true")


def test_nothing_found_is_an_empty_list(run_module, dms):
    dms.answer("GET", LIST, (200, {"instances": [], "instance_num": 0}))
    result = run_module(dms_instance_info.main, dict(CONNECTION, name="nope"))
    assert result["rc"] == 0 and result["instances"] == [] and result["changed"] is False


def test_without_eip_permission_one_warning_and_the_addresses(run_module, dms, module_warnings):
    second = dict(KAFKA, instance_id="eeeeeeee-0000-4000-8000-000000000001", public_connect_address="100.64.9.9:9094")
    dms.answer("GET", LIST, (200, {"instances": [KAFKA, second, RABBIT]}))
    dms.answer("GET", EIPS, (403, {"error_code": "VPC.0002", "error_msg": "Policy doesn't allow vpc:publicIps:list"}))
    result = run_module(dms_instance_info.main, dict(CONNECTION))
    assert result["rc"] == 0, result
    access = [each["public_access"] for each in result["instances"]]
    assert access[0]["public_ip_addresses"] == ["100.64.1.1", "100.64.1.2"] and access[0]["public_ip_ids"] is None
    assert access[1]["public_ip_addresses"] == ["100.64.9.9"]
    assert access[2]["public_ip_ids"] == [EIP_1]  # RabbitMQ's detail lists its EIP itself
    assert len(module_warnings) == 1 and "vpc:publicIps:list" in module_warnings[0]
    assert len(_queries(dms, EIPS)) == 1  # the EIP API is not asked again after it refused


def test_an_unknown_engine_gets_null_public_access_and_one_warning(run_module, dms, module_warnings):
    dms.answer("GET", LIST, (200, {"instances": [dict(ROCKET, engine="redis"), dict(RABBIT, engine="memcached")]}))
    result = run_module(dms_instance_info.main, dict(CONNECTION))
    assert [each["public_access"] for each in result["instances"]] == [None, None]
    assert len(module_warnings) == 1 and "memcached, redis" in module_warnings[0]


@pytest.mark.parametrize(
    "answer, words",
    [
        ((200, {"items": []}), "without an 'instances' list"),
        ((200, {"instances": ["x"]}), "not an object"),
        ((403, {"error_code": "DMS.00400001", "error_msg": "forbidden"}), "dms:instance:list"),
    ],
)
def test_a_bad_answer_is_a_clear_error(run_module, dms, answer, words):
    dms.answer("GET", LIST, answer)
    result = run_module(dms_instance_info.main, dict(CONNECTION))
    assert result["rc"] == 1 and words in result["msg"] and "Traceback" not in result["msg"]
    assert result["instances"] == []


@pytest.mark.parametrize(
    "args, words",
    [
        (dict(instance_id="../x"), "Option 'instance_id'"),
        (dict(name=" orders"), "Option 'name' has a leading or trailing space"),
        (dict(name=""), "Option 'name' is empty"),
        (dict(status=""), "Option 'status' is empty"),
    ],
)
def test_bad_options_fail_before_any_request(run_module, dms, args, words):
    result = run_module(dms_instance_info.main, dict(CONNECTION, **args))
    assert result["rc"] == 1 and words in result["msg"] and dms.sent == []


def test_check_mode_reads_the_same(run_module, dms):
    dms.answer("GET", LIST, (200, {"instances": [RABBIT]}))
    dms.answer("GET", EIPS, (200, {"publicips": [_eip(EIP_1, "100.64.2.1")]}))
    result = run_module(dms_instance_info.main, dict(CONNECTION, _ansible_check_mode=True))
    assert result["rc"] == 0 and result["changed"] is False
    assert result["instances"][0]["public_access"]["public_ip_ids"] == [EIP_1]
    assert {sent["method"] for sent in dms.sent} == {"GET"}
