"""GET /v2/{project_id}/instances: filters, paging and answers of the SDKs' ListInstances calls."""

from __future__ import annotations

import pytest

from dms_emulator import DEFAULT_PROJECT_ID

LIST = "/v2/%s/instances" % DEFAULT_PROJECT_ID


def _instance(harness, clock, instance_id, **spec):
    status, body = harness.admin("POST", "/_emulator/instances", dict(spec, instance_id=instance_id))
    assert status == 201, body
    clock.advance(1)  # distinct creation times: the list is newest first


@pytest.fixture
def fleet(harness, clock):
    _instance(harness, clock, "k-1", engine="kafka", name="orders-kafka-prod")
    _instance(harness, clock, "k-2", engine="kafka", name="orders-kafka-test", status="FROZEN")
    _instance(harness, clock, "r-1", engine="rabbitmq", name="billing-rabbit")
    _instance(harness, clock, "m-1", engine="rocketmq", name="orders-rocket")
    _instance(harness, clock, "m-2", engine="rocketmq", name="broken-rocket", status="CREATEFAILED")
    return harness


def _ids(harness, query=""):
    reply, body = harness.call("GET", LIST, query=query)
    assert reply.status == 200, body
    assert set(body) == {"instances", "instance_num"}
    return [row["instance_id"] for row in body["instances"]], body["instance_num"]


def test_without_filters_every_engine_newest_first_failures_left_out(fleet):
    assert _ids(fleet) == (["m-1", "r-1", "k-2", "k-1"], 4)
    assert _ids(fleet, "include_failure=true") == (["m-2", "m-1", "r-1", "k-2", "k-1"], 5)


@pytest.mark.parametrize(
    "engine, expected",
    [("kafka", ["k-2", "k-1"]), ("rabbitmq", ["r-1"]), ("rocketmq", ["m-1"]), ("reliability", ["m-1"])],
)
def test_engine_filter_accepts_reliability_for_rocketmq(fleet, engine, expected):
    assert _ids(fleet, "engine=" + engine) == (expected, len(expected))


def test_each_instance_is_its_engines_detail(fleet):
    reply, body = fleet.call("GET", LIST, query="engine=reliability")
    detail = fleet.call("GET", LIST + "/m-1")[1]
    assert body["instances"] == [detail] and detail["engine"] == "reliability"


def test_name_is_fuzzy_unless_exact_match_name(fleet):
    assert _ids(fleet, "name=orders") == (["m-1", "k-2", "k-1"], 3)
    assert _ids(fleet, "name=orders-kafka&exact_match_name=true") == ([], 0)
    assert _ids(fleet, "name=orders-kafka-prod&exact_match_name=true") == (["k-1"], 1)


def test_status_and_instance_id_filters(fleet):
    assert _ids(fleet, "status=FROZEN") == (["k-2"], 1)
    assert _ids(fleet, "status=CREATEFAILED") == (["m-2"], 1)
    assert _ids(fleet, "instance_id=r-1") == (["r-1"], 1)


def test_offset_and_limit_page_while_instance_num_counts_all(fleet):
    assert _ids(fleet, "limit=2") == (["m-1", "r-1"], 4)
    assert _ids(fleet, "offset=2&limit=2") == (["k-2", "k-1"], 4)
    assert _ids(fleet, "offset=4") == ([], 4)


def test_a_project_sees_only_its_instances(fleet):
    reply, body = fleet.call("GET", "/v2/%s/instances" % ("f" * 32))
    assert reply.status == 200 and body == {"instances": [], "instance_num": 0}


@pytest.mark.parametrize(
    "query",
    ["limit=0", "limit=51", "limit=x", "offset=-1", "engine=redis", "exact_match_name=yes", "include_failure=1"],
)
def test_bad_parameters_are_400_dms_00400062_naming_the_parameter(fleet, query):
    reply, body = fleet.call("GET", LIST, query=query)
    name = query.split("=")[0]
    assert reply.status == 400
    assert body == {"error_code": "DMS.00400062", "error_msg": "Invalid %s parameter in the request." % name}


def test_the_list_is_signed_like_every_call(fleet):
    reply, body = fleet.call("GET", LIST, sign=False)
    assert reply.status == 401 and body["error_code"] == "APIGW.0301"
