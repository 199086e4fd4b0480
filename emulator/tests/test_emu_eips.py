"""The emulated EIP service (v1 list/show, v3 list) and how DMS binds change the EIPs it shows."""

from __future__ import annotations

import json

import pytest
from emu_harness import INSTANCE

from dms_emulator import DEFAULT_PROJECT_ID
from dms_emulator.app import Emulator
from dms_emulator.clock import FakeClock
from dms_emulator.eips import eip_address, port_id_for

V1 = "/v1/%s/publicips" % DEFAULT_PROJECT_ID
V3 = "/v3/%s/eip/publicips" % DEFAULT_PROJECT_ID
EIP_A = "1aea7aed-e7d8-40ea-b3de-6f3ee9d5db9f"
EIP_B = "2bfb8bfe-f8e9-41fb-c4ef-7f4ff0e6ec0a"
EIP_C = "3c0c9c0f-09fa-42ac-d5f0-8a5001f7fd1b"
FAST = {"bind_seconds": 0, "unbind_seconds": 0}


def _eip(harness, **spec):
    status, body = harness.admin("POST", "/_emulator/eips", spec)
    assert status == 201, body
    return body


def _instance(harness, **spec):
    spec.setdefault("instance_id", INSTANCE)
    status, body = harness.admin("POST", "/_emulator/instances", dict(FAST, **spec))
    assert status == 201, body


def _list(harness, query="", path=V1):
    reply, body = harness.call("GET", path, query=query)
    assert reply.status == 200, body
    return body


def _by_id(harness, eip_id):
    return {row["id"]: row for row in _list(harness)["publicips"]}[eip_id]


def _put(harness, payload):
    return harness.call(
        "PUT", "/v2/%s/instances/%s" % (DEFAULT_PROJECT_ID, INSTANCE), body=json.dumps(payload).encode()
    )


def _tasks(harness):
    return harness.call("GET", harness.task_path())[1]["tasks"]


def test_v1_list_and_show_answer_the_v2_sdk_shape(harness):
    _eip(harness, id=EIP_A, public_ip_address="100.64.1.1")
    body = _list(harness)
    assert list(body) == ["publicips"]
    row = body["publicips"][0]
    assert (row["id"], row["public_ip_address"], row["status"]) == (EIP_A, "100.64.1.1", "DOWN")
    assert "port_id" not in row and row["ip_version"] == 4 and isinstance(row["bandwidth_size"], int)
    reply, shown = harness.call("GET", V1 + "/" + EIP_A)
    assert reply.status == 200 and shown == {"publicip": row}


def test_v1_show_of_a_missing_eip_is_404_vpc_0504(harness):
    reply, body = harness.call("GET", V1 + "/" + EIP_A)
    assert reply.status == 404
    assert body == {"code": "VPC.0504", "message": "Floating IP could not be found."}


def test_eip_calls_are_signed_like_dms_calls(harness):
    reply, body = harness.call("GET", V1, sign=False)
    assert reply.status == 401 and body["error_code"] == "APIGW.0301"
    reply, body = harness.call("GET", V3, sk="wrong-secret")
    assert reply.status == 401 and "verify aksk signature fail" in body["error_msg"]
    assert harness.emu.stats.snapshot()["requests_by_route"]["eip.list_v3"] == 1


def test_v1_repeated_filters_or_within_and_across_names(harness):
    for eip_id in (EIP_A, EIP_B, EIP_C):
        _eip(harness, id=eip_id)
    ids = [row["id"] for row in _list(harness, "id=%s&id=%s" % (EIP_A, EIP_C))["publicips"]]
    assert ids == [EIP_A, EIP_C]
    query = "id=%s&id=%s&public_ip_address=%s" % (EIP_A, EIP_C, eip_address(EIP_C))
    assert [row["id"] for row in _list(harness, query)["publicips"]] == [EIP_C]
    # An id that does not exist is simply left out of a filtered list.
    assert _list(harness, "id=nope")["publicips"] == []


def test_v1_pages_with_marker_and_limit(harness):
    for eip_id in (EIP_C, EIP_A, EIP_B):
        _eip(harness, id=eip_id)
    first = [row["id"] for row in _list(harness, "limit=2")["publicips"]]
    assert first == [EIP_A, EIP_B]
    second = [row["id"] for row in _list(harness, "limit=2&marker=%s" % EIP_B)["publicips"]]
    assert second == [EIP_C]
    reply, body = harness.call("GET", V1, query="marker=unknown")
    assert reply.status == 400 and body["code"].startswith("EMU.")
    reply, body = harness.call("GET", V1, query="limit=x")
    assert reply.status == 400


def test_v3_list_total_count_page_info_and_status_filter(harness):
    _eip(harness, id=EIP_A)
    _eip(harness, id=EIP_B, status="FREEZED")
    _eip(harness, id=EIP_C, port_id="9e1f0000-0000-4000-8000-000000000001")
    body = _list(harness, "limit=2", path=V3)
    assert body["total_count"] == 3 and [row["id"] for row in body["publicips"]] == [EIP_A, EIP_B]
    assert body["page_info"] == {"current_count": 2, "previous_marker": EIP_A, "next_marker": EIP_B}
    rest = _list(harness, "marker=%s" % EIP_B, path=V3)
    assert [row["id"] for row in rest["publicips"]] == [EIP_C] and "next_marker" not in rest["page_info"]
    taken = rest["publicips"][0]
    assert taken["status"] == "ACTIVE" and taken["vnic"]["port_id"] == "9e1f0000-0000-4000-8000-000000000001"
    frozen = _list(harness, "status=FREEZED&status=ERROR", path=V3)
    assert [row["id"] for row in frozen["publicips"]] == [EIP_B] and frozen["total_count"] == 1


def test_rabbitmq_bind_marks_the_eip_active_with_a_port_and_unbind_frees_it(harness, clock):
    _eip(harness, id=EIP_A, public_ip_address="100.64.9.9")
    _instance(harness, engine="rabbitmq")
    assert _put(harness, {"enable_publicip": True, "publicip_id": EIP_A})[0].status == 204
    clock.advance(1)
    detail = harness.call("GET", "/v2/%s/instances/%s" % (DEFAULT_PROJECT_ID, INSTANCE))[1]
    assert detail["publicip_address"] == "100.64.9.9" and detail["public_connect_address"] == "100.64.9.9:5672"
    bound = _by_id(harness, EIP_A)
    assert (bound["status"], bound["port_id"]) == ("ACTIVE", port_id_for(INSTANCE, 0))
    v3 = _list(harness, path=V3)["publicips"][0]
    assert v3["vnic"]["instance_id"] == INSTANCE and v3["associate_instance_id"] == port_id_for(INSTANCE, 0)
    assert _put(harness, {"enable_publicip": False})[0].status == 204
    clock.advance(1)
    freed = _by_id(harness, EIP_A)
    assert freed["status"] == "DOWN" and "port_id" not in freed


def test_kafka_switch_binds_one_port_per_broker(harness, clock):
    _instance(harness, engine="kafka", broker_num=3)
    path = "/v1/%s/instances/%s/public-boundwidth" % (DEFAULT_PROJECT_ID, INSTANCE)
    body = json.dumps({"publicip_id": ",".join([EIP_A, EIP_B, EIP_C])}).encode()
    assert harness.call("POST", path, body=body)[0].status == 204
    clock.advance(1)
    ports = {row["id"]: row.get("port_id") for row in _list(harness)["publicips"]}
    assert ports == {EIP_A: port_id_for(INSTANCE, 0), EIP_B: port_id_for(INSTANCE, 1), EIP_C: port_id_for(INSTANCE, 2)}


@pytest.mark.parametrize(
    "spec",
    [
        {"status": "ACTIVE", "port_id": "9e1f0000-0000-4000-8000-000000000001"},
        {"status": "FREEZED"},
        {"status": "ERROR"},
        {"status": "BIND_ERROR"},
        {"status": "PENDING_CREATE"},
    ],
)
def test_a_bind_of_an_unusable_eip_ends_its_task_failed_and_changes_nothing(harness, clock, spec):
    _eip(harness, id=EIP_A, **spec)
    _instance(harness, engine="rabbitmq")
    assert _put(harness, {"enable_publicip": True, "publicip_id": EIP_A})[0].status == 204
    clock.advance(5)
    task = _tasks(harness)[0]
    assert (task["name"], task["status"]) == ("bindInstancePublicIp", "FAILED")
    detail = harness.call("GET", "/v2/%s/instances/%s" % (DEFAULT_PROJECT_ID, INSTANCE))[1]
    assert detail["enable_publicip"] is False and "publicip_id" not in detail
    assert _by_id(harness, EIP_A)["status"] == spec["status"]


def test_an_eip_bound_to_another_instance_makes_the_bind_fail(harness, clock):
    _instance(harness, instance_id="other-instance", engine="rabbitmq", publicip_ids=[EIP_A])
    _instance(harness, engine="rabbitmq")
    assert _put(harness, {"enable_publicip": True, "publicip_id": EIP_A})[0].status == 204
    clock.advance(5)
    assert _tasks(harness)[0]["status"] == "FAILED"
    assert _by_id(harness, EIP_A)["port_id"] == port_id_for("other-instance", 0)


def test_unknown_eips_bind_by_default_and_fail_once_auto_create_is_off(harness, clock):
    _instance(harness, engine="rabbitmq")
    assert _list(harness)["publicips"] == []
    assert _put(harness, {"enable_publicip": True, "publicip_id": EIP_A})[0].status == 204
    clock.advance(1)
    assert _by_id(harness, EIP_A)["status"] == "ACTIVE"
    status, body = harness.admin("POST", "/_emulator/eip-settings", {"auto_create": False})
    assert (status, body) == (200, {"auto_create": False})
    _instance(harness, engine="rabbitmq")  # re-created: public access off again
    assert _put(harness, {"enable_publicip": True, "publicip_id": EIP_B})[0].status == 204
    clock.advance(5)
    assert [task["status"] for task in _tasks(harness)][:1] == ["FAILED"]
    assert EIP_B not in {row["id"] for row in _list(harness)["publicips"]}


def test_instances_seeded_with_publicip_ids_show_their_eips_bound(harness):
    _instance(harness, engine="rocketmq", publicip_ids=[EIP_A, EIP_B, EIP_C])
    rows = _list(harness)["publicips"]
    assert [(row["id"], row["status"]) for row in rows] == [(EIP_A, "ACTIVE"), (EIP_B, "ACTIVE"), (EIP_C, "ACTIVE")]
    assert [row["public_ip_address"] for row in rows] == [eip_address(i) for i in (EIP_A, EIP_B, EIP_C)]


def test_admin_eip_rules(harness):
    _eip(harness, id=EIP_A, public_ip_address="100.64.1.1")
    status, body = harness.admin("POST", "/_emulator/eips", {"id": EIP_B, "public_ip_address": "100.64.1.1"})
    assert status == 400 and "one address per EIP" in body["error"]
    assert harness.admin("POST", "/_emulator/eips", {"id": EIP_B, "status": "GONE"})[0] == 400
    assert harness.admin("POST", "/_emulator/eips", {"id": EIP_B, "colour": "red"})[0] == 400
    status, body = harness.admin("POST", "/_emulator/eips", {"eips": [{"id": EIP_B}, {"id": EIP_C, "status": "ERROR"}]})
    assert status == 201 and [row["status"] for row in body["eips"]] == ["DOWN", "ERROR"]
    status, body = harness.admin("POST", "/_emulator/eips/" + EIP_A, {"status": "FREEZED"})
    assert status == 200 and body["status"] == "FREEZED"
    assert harness.admin("POST", "/_emulator/eips/nope", {"status": "DOWN"})[0] == 404
    status, body = harness.admin("GET", "/_emulator/eips")
    assert status == 200 and [row["id"] for row in body["eips"]] == [EIP_A, EIP_B, EIP_C]


def test_seed_eips_and_auto_create_survive_a_reset():
    seed = {
        "eip_auto_create": False,
        "eips": [{"id": EIP_A, "public_ip_address": "100.64.3.3", "status": "FREEZED"}],
        "instances": [{"id": INSTANCE, "engine": "rabbitmq"}],
    }
    emu = Emulator(clock=FakeClock(), seed=seed)
    emu.eips.auto_create = True
    emu.eips.update(DEFAULT_PROJECT_ID, EIP_A, {"status": "DOWN"})
    emu.reset()
    view = emu.eips.view(DEFAULT_PROJECT_ID, EIP_A)
    assert view is not None and (view.status, view.eip.public_ip_address) == ("FREEZED", "100.64.3.3")
    assert emu.eips.auto_create is False
    with pytest.raises(ValueError, match="eip_auto_create"):
        Emulator(clock=FakeClock(), seed={"eip_auto_create": "no"})


def test_an_iam_token_works_for_its_project_and_is_refused_for_another(harness):
    _eip(harness, id=EIP_A)
    status, issued = harness.admin("POST", "/_emulator/tokens", {})
    assert status == 201
    token = {"x-auth-token": issued["token"]}
    reply, body = harness.call("GET", V1, headers=token, sign=False)
    assert reply.status == 200 and [row["id"] for row in body["publicips"]] == [EIP_A]
    reply, body = harness.call("GET", "/v3/%s/eip/publicips" % ("f" * 32), headers=token, sign=False)
    assert reply.status == 400 and body == {"code": "VPC.0007", "message": "urlTenantId is not equal tokenTenantId"}


def test_a_kafka_scale_out_with_eips_binds_them_to_the_new_brokers(harness, clock):
    _instance(harness, engine="kafka", broker_num=3, publicip_ids=[EIP_A, EIP_B, EIP_C])
    extra = ["4d1dad10-1a0b-43bd-e6f1-9b6112080e2c"]
    body = {"oper_type": "horizontal", "new_broker_num": 4, "publicip_id": ",".join(extra)}
    path = "/v2/%s/kafka/instances/%s/extend" % (DEFAULT_PROJECT_ID, INSTANCE)
    reply, answer = harness.call("POST", path, body=json.dumps(body).encode())
    assert reply.status == 200, answer
    clock.advance(60)
    row = _by_id(harness, extra[0])
    assert (row["status"], row["port_id"]) == ("ACTIVE", port_id_for(INSTANCE, 3))
