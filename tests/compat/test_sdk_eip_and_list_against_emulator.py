"""Huawei's own SDK drives the emulator's EIP routes and instance list, so neither can drift from the SDK's models.

huaweicloudsdkeip v2 `ListPublicips`/`ShowPublicip` and v3 `ListPublicips`, and each DMS engine's instance list
(Kafka `ListInstances`, RabbitMQ `ListInstancesDetails`, RocketMQ `ListInstances`) are sent by the SDK clients over
HTTP, signed by the SDK's signer; the emulator checks every signature (no signature or auth failure may be counted).
Every field the emulator answers must be a field of the SDK's response model, with the model's type.
"""

from __future__ import annotations

import datetime
import json

import pytest

pytest.importorskip("huaweicloudsdkcore")

import huaweicloudsdkeip.v2 as eip2  # noqa: E402
import huaweicloudsdkeip.v3 as eip3  # noqa: E402
import huaweicloudsdkkafka.v2 as kafka  # noqa: E402
import huaweicloudsdkrabbitmq.v2 as rabbitmq  # noqa: E402
import huaweicloudsdkrocketmq.v2 as rocketmq  # noqa: E402
from huaweicloudsdkcore.auth.credentials import BasicCredentials  # noqa: E402
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException  # noqa: E402
from huaweicloudsdkcore.http.http_config import HttpConfig  # noqa: E402

EIP_A = "1aea7aed-e7d8-40ea-b3de-6f3ee9d5db9f"
EIP_B = "2bfb8bfe-f8e9-41fb-c4ef-7f4ff0e6ec0a"
EIP_C = "3c0c9c0f-09fa-42ac-d5f0-8a5001f7fd1b"
TAKEN_PORT = "9e1f0000-0000-4000-8000-000000000001"
_PY_TYPES = {"str": str, "int": int, "bool": bool}


def _client(client_class, emu):
    config = HttpConfig.get_default_config()
    config.timeout = (5, 10)
    creds = BasicCredentials(emu.access_key, emu.secret_key, emu.project_id)
    return client_class.new_builder().with_http_config(config).with_credentials(creds).with_endpoints([emu.url]).build()


def _assert_shape(models, model_name, row):
    """Each key is a field of the SDK model (nested models recursively), with the model's type; null is allowed."""
    model = getattr(models, model_name)
    wire_to_attr = {wire: attr for attr, wire in model.attribute_map.items()}
    unknown = sorted(set(row) - set(wire_to_attr))
    assert unknown == [], "fields %s does not know: %s" % (model_name, unknown)
    for key, value in row.items():
        declared = model.openapi_types[wire_to_attr[key]]
        if value is None:
            continue
        if hasattr(getattr(models, declared, None), "openapi_types"):
            assert isinstance(value, dict), (key, declared, value)
            _assert_shape(models, declared, value)
        elif declared in _PY_TYPES:
            assert isinstance(value, _PY_TYPES[declared]) and (declared == "bool" or not isinstance(value, bool)), (
                key,
                declared,
                value,
            )
        elif declared == "datetime":
            assert isinstance(value, str) and value.endswith("Z"), (key, value)
        else:
            assert declared.startswith("list[") and isinstance(value, list), (key, declared, value)


def _admin(emu, method, path, payload=None):
    return emu.admin._call(method, path, payload)


def _no_auth_failures(emu, *routes):
    stats = emu.admin.stats()
    assert stats["signature_failures"] == 0 and stats["auth_failures"] == 0
    for route in routes:
        assert stats["requests_by_route"].get(route, 0) >= 1, (route, stats["requests_by_route"])


@pytest.fixture
def eips(emulator):
    _admin(emulator, "POST", "/_emulator/eips", {"eips": [{"id": EIP_A}, {"id": EIP_B, "status": "FREEZED"}]})
    _admin(emulator, "POST", "/_emulator/eips", {"id": EIP_C, "port_id": TAKEN_PORT, "public_ip_address": "100.64.7.7"})
    return emulator


def test_sdk_v2_list_publicips_with_repeated_filters_and_paging(eips):
    client = _client(eip2.EipClient, eips)
    answer = client.list_publicips(eip2.ListPublicipsRequest(id=[EIP_A, EIP_C], limit=10))
    rows = json.loads(answer.raw_content)["publicips"]
    for row in rows:
        _assert_shape(eip2, "PublicipShowResp", row)
    assert [(ip.id, ip.status, ip.port_id) for ip in answer.publicips] == [
        (EIP_A, "DOWN", None),
        (EIP_C, "ACTIVE", TAKEN_PORT),
    ]
    by_address = client.list_publicips(eip2.ListPublicipsRequest(public_ip_address=["100.64.7.7"]))
    assert [ip.id for ip in by_address.publicips] == [EIP_C]
    first = client.list_publicips(eip2.ListPublicipsRequest(limit=2)).publicips
    rest = client.list_publicips(eip2.ListPublicipsRequest(limit=2, marker=first[-1].id)).publicips
    assert [ip.id for ip in first + rest] == [EIP_A, EIP_B, EIP_C]
    _no_auth_failures(eips, "eip.list_v1")


def test_sdk_v2_show_publicip_and_its_404(eips):
    client = _client(eip2.EipClient, eips)
    shown = client.show_publicip(eip2.ShowPublicipRequest(publicip_id=EIP_B))
    _assert_shape(eip2, "PublicipShowResp", json.loads(shown.raw_content)["publicip"])
    assert (shown.publicip.id, shown.publicip.status) == (EIP_B, "FREEZED")
    with pytest.raises(ClientRequestException) as raised:
        client.show_publicip(eip2.ShowPublicipRequest(publicip_id="00000000-0000-4000-8000-00000000dead"))
    assert raised.value.status_code == 404 and raised.value.error_code == "VPC.0504"
    _no_auth_failures(eips, "eip.show_v1")


def test_sdk_v3_list_publicips_filters_pages_and_binding(eips):
    instance = "6e3a3b1c-3333-4a4a-9b9b-0000000000cc"
    eips.admin.create_instance(instance, "rabbitmq", publicip_ids=[EIP_A])
    client = _client(eip3.EipClient, eips)
    answer = client.list_publicips(eip3.ListPublicipsRequest(limit=2))
    body = json.loads(answer.raw_content)
    for row in body["publicips"]:
        _assert_shape(eip3, "PublicipSingleShowResp", row)
    _assert_shape(eip3, "PageInfoOption", body["page_info"])
    assert answer.total_count == 3 and answer.page_info.next_marker == EIP_B
    bound = answer.publicips[0]
    assert (bound.id, bound.status, bound.vnic.instance_id) == (EIP_A, "ACTIVE", instance)
    # The SDK turns it into a datetime with python-dateutil when installed, else keeps the string it received.
    created = bound.created_at if isinstance(bound.created_at, str) else bound.created_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert datetime.datetime.strptime(created, "%Y-%m-%dT%H:%M:%SZ")
    rest = client.list_publicips(eip3.ListPublicipsRequest(marker=answer.page_info.next_marker))
    assert [ip.id for ip in rest.publicips] == [EIP_C]
    frozen = client.list_publicips(eip3.ListPublicipsRequest(status=["FREEZED", "ERROR"], id=[EIP_A, EIP_B]))
    assert [ip.id for ip in frozen.publicips] == [EIP_B]
    _no_auth_failures(eips, "eip.list_v3")


LIST_CALLS = {
    "kafka": (kafka.KafkaClient, kafka, "list_instances", "ListInstancesRequest", "ShowInstanceResp", "kafka"),
    "rabbitmq": (
        rabbitmq.RabbitMQClient,
        rabbitmq,
        "list_instances_details",
        "ListInstancesDetailsRequest",
        "ShowInstanceResp",
        "rabbitmq",
    ),
    "rocketmq": (
        rocketmq.RocketMQClient,
        rocketmq,
        "list_instances",
        "ListInstancesRequest",
        "InstanceDetail",
        "reliability",
    ),
}


@pytest.mark.parametrize("engine", sorted(LIST_CALLS))
def test_sdk_list_instances_of_each_engine(engine, emulator):
    client_class, models, call, request, item_model, engine_param = LIST_CALLS[engine]
    for n, each in enumerate(("kafka", "rabbitmq", "rocketmq", engine)):
        emulator.admin.create_instance("6e3a3b1c-4444-4a4a-9b9b-00000000000%d" % n, each)
    _admin(
        emulator,
        "POST",
        "/_emulator/instances",
        {"instance_id": "6e3a3b1c-4444-4a4a-9b9b-000000000009", "engine": engine, "name": "orders-prod"},
    )
    client = _client(client_class, emulator)
    # Kafka's and RabbitMQ's models declare offset/limit as strings, RocketMQ's as integers.
    paging = {"offset": 0, "limit": 1} if engine == "rocketmq" else {"offset": "0", "limit": "1"}
    answer = getattr(client, call)(getattr(models, request)(engine=engine_param, **paging))
    assert answer.instance_num == 3 and len(answer.instances) == 1
    _assert_shape(models, item_model, json.loads(answer.raw_content)["instances"][0])
    named = getattr(client, call)(
        getattr(models, request)(engine=engine_param, name="orders-prod", exact_match_name="true")
    )
    assert [each.instance_id for each in named.instances] == ["6e3a3b1c-4444-4a4a-9b9b-000000000009"]
    assert named.instances[0].engine == engine_param and named.instances[0].name == "orders-prod"
    _no_auth_failures(emulator, "instances.list")
