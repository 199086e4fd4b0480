"""Huawei's own SDK clients drive the emulator's instance routes, so the emulator cannot drift from the SDK's models.

Every field the emulator puts in an instance detail must be a field of that engine's `ShowInstanceResponse`
with the SDK's type; the change calls are sent with the SDK's own request models (`UpdateInstanceReq`,
`ModifyKafkaPublicIPAccessSwitchReq`), signed by the SDK's signer.
"""

from __future__ import annotations

import json
import time

import pytest

pytest.importorskip("huaweicloudsdkcore")

import huaweicloudsdkkafka.v2 as kafka  # noqa: E402
import huaweicloudsdkrabbitmq.v2 as rabbitmq  # noqa: E402
import huaweicloudsdkrocketmq.v2 as rocketmq  # noqa: E402
from huaweicloudsdkcore.auth.credentials import BasicCredentials  # noqa: E402
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException  # noqa: E402
from huaweicloudsdkcore.http.http_config import HttpConfig  # noqa: E402
from huaweicloudsdkkafka.v2 import KafkaClient  # noqa: E402
from huaweicloudsdkrabbitmq.v2 import RabbitMQClient  # noqa: E402
from huaweicloudsdkrocketmq.v2 import RocketMQClient  # noqa: E402

ENGINES = {
    "kafka": (KafkaClient, kafka),
    "rabbitmq": (RabbitMQClient, rabbitmq),
    "rocketmq": (RocketMQClient, rocketmq),
}
INSTANCE = "6e3a3b1c-2222-4a4a-9b9b-0000000000bb"
EIPS = [
    "1aea7aed-e7d8-40ea-b3de-6f3ee9d5db9f",
    "2bfb8bfe-f8e9-41fb-c4ef-7f4ff0e6ec0a",
    "3c0c9c0f-09fa-42ac-d5f0-8a5001f7fd1b",
]
FAST = {"bind_seconds": 0, "unbind_seconds": 0}
_PY_TYPES = {"str": str, "int": int, "bool": bool}


def _client(engine, emu):
    config = HttpConfig.get_default_config()
    config.timeout = (5, 10)
    creds = BasicCredentials(emu.access_key, emu.secret_key, emu.project_id)
    return (
        ENGINES[engine][0]
        .new_builder()
        .with_http_config(config)
        .with_credentials(creds)
        .with_endpoints([emu.url])
        .build()
    )


def _assert_sdk_shape(engine, detail, model_name="ShowInstanceResponse"):
    """Each key is a field of that engine's ShowInstanceResponse (or nested model), with the SDK's type."""
    models = ENGINES[engine][1]
    model = getattr(models, model_name)
    types = model.openapi_types
    wire_to_attr = {wire: attr for attr, wire in model.attribute_map.items()}
    unknown = sorted(set(detail) - set(wire_to_attr))
    assert unknown == [], "fields the %s SDK does not know: %s" % (engine, unknown)
    for key, value in detail.items():
        declared = types[wire_to_attr[key]]
        if hasattr(getattr(models, declared, None), "openapi_types"):
            # A nested model (Kafka's port_protocols is a PortProtocolsEntity): an object of that model's fields.
            assert isinstance(value, dict), (key, declared, value)
            _assert_sdk_shape(engine, value, declared)
        elif declared in _PY_TYPES:
            # bool is an int to isinstance(); the SDK's int fields must not carry true/false.
            assert isinstance(value, _PY_TYPES[declared]) and (declared == "bool" or not isinstance(value, bool)), (
                key,
                declared,
                value,
            )
        elif declared == "list[str]":
            assert isinstance(value, list) and all(isinstance(item, str) for item in value), (key, value)
        else:
            assert declared.startswith("list[") and isinstance(value, list), (key, declared, value)


def _wait_task(client, models, name, deadline=10.0):
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        tasks = client.list_background_tasks(models.ListBackgroundTasksRequest(instance_id=INSTANCE)).tasks or []
        named = [task for task in tasks if task.name == name]
        if named and named[0].status in ("SUCCESS", "FAILED"):
            return named[0]
        time.sleep(0.1)
    raise AssertionError("task %s did not finish" % name)


@pytest.mark.parametrize("engine", sorted(ENGINES))
@pytest.mark.parametrize("enabled", [False, True])
def test_detail_has_the_sdk_field_names_and_types(engine, enabled, emulator):
    brokers = {"kafka": 3, "rabbitmq": 1, "rocketmq": 2}[engine]
    created = emulator.admin.create_instance(
        INSTANCE, engine, broker_num=brokers, publicip_ids=EIPS[:brokers] if enabled else []
    )
    _assert_sdk_shape(engine, created["detail"])
    shown = _client(engine, emulator).show_instance(ENGINES[engine][1].ShowInstanceRequest(instance_id=INSTANCE))
    assert json.loads(shown.raw_content) == created["detail"]
    assert shown.instance_id == INSTANCE and shown.enable_publicip is enabled and shown.broker_num == brokers
    assert shown.engine == {"kafka": "kafka", "rabbitmq": "rabbitmq", "rocketmq": "reliability"}[engine]
    if enabled and engine == "kafka":
        assert shown.public_connect_address and shown.kafka_public_status == "true"
    elif enabled:
        assert shown.publicip_id == ",".join(EIPS[:brokers]) and shown.publicip_address


@pytest.mark.parametrize("engine", ["rabbitmq", "rocketmq"])
def test_sdk_update_instance_binds_and_unbinds(engine, emulator):
    models = ENGINES[engine][1]
    emulator.admin.create_instance(INSTANCE, engine, **FAST)
    client = _client(engine, emulator)
    answer = client.update_instance(
        models.UpdateInstanceRequest(
            instance_id=INSTANCE, body=models.UpdateInstanceReq(enable_publicip=True, publicip_id=EIPS[0])
        )
    )
    assert answer.status_code == 204
    assert _wait_task(client, models, "bindInstancePublicIp").status == "SUCCESS"
    shown = client.show_instance(models.ShowInstanceRequest(instance_id=INSTANCE))
    assert shown.enable_publicip is True and shown.publicip_id == EIPS[0]
    _assert_sdk_shape(engine, json.loads(shown.raw_content))
    answer = client.update_instance(
        models.UpdateInstanceRequest(instance_id=INSTANCE, body=models.UpdateInstanceReq(enable_publicip=False))
    )
    assert answer.status_code == 204
    assert _wait_task(client, models, "unbindInstancePublicIp").status == "SUCCESS"
    assert client.show_instance(models.ShowInstanceRequest(instance_id=INSTANCE)).enable_publicip is False
    stats = emulator.admin.stats()
    assert stats["signature_failures"] == 0 and stats["auth_failures"] == 0


def test_sdk_kafka_public_access_switch(emulator):
    emulator.admin.create_instance(INSTANCE, "kafka", broker_num=3, **FAST)
    client = _client("kafka", emulator)
    answer = client.modify_kafka_public_ip_access_switch(
        kafka.ModifyKafkaPublicIpAccessSwitchRequest(
            instance_id=INSTANCE, body=kafka.ModifyKafkaPublicIPAccessSwitchReq(publicip_id=",".join(EIPS))
        )
    )
    assert answer.status_code == 204
    _wait_task(client, kafka, "bindInstancePublicIp")
    shown = client.show_instance(kafka.ShowInstanceRequest(instance_id=INSTANCE))
    _assert_sdk_shape("kafka", json.loads(shown.raw_content))
    assert shown.enable_publicip is True and shown.public_access_enabled == "true"
    assert len(shown.public_connect_address.split(",")) == 3
    # An empty switch turns public access off (TF's documented rule).
    client.modify_kafka_public_ip_access_switch(
        kafka.ModifyKafkaPublicIpAccessSwitchRequest(
            instance_id=INSTANCE, body=kafka.ModifyKafkaPublicIPAccessSwitchReq()
        )
    )
    end = time.monotonic() + 10
    while client.show_instance(kafka.ShowInstanceRequest(instance_id=INSTANCE)).enable_publicip:
        assert time.monotonic() < end
        time.sleep(0.1)
    shown = client.show_instance(kafka.ShowInstanceRequest(instance_id=INSTANCE))
    assert shown.kafka_public_status == "closed" and shown.public_connect_address is None


def test_sdk_kafka_update_instance_cannot_enable_public_access(emulator):
    # Kafka's UpdateInstanceReq has no public fields at all: the SDK cannot even express the call our old docs gave.
    assert "enable_publicip" not in kafka.UpdateInstanceReq.openapi_types
    emulator.admin.create_instance(INSTANCE, "kafka", **FAST)
    client = _client("kafka", emulator)
    answer = client.update_instance(
        kafka.UpdateInstanceRequest(
            instance_id=INSTANCE, body=kafka.UpdateInstanceReq(description="renamed by the SDK")
        )
    )
    assert answer.status_code == 204
    shown = client.show_instance(kafka.ShowInstanceRequest(instance_id=INSTANCE))
    assert shown.description == "renamed by the SDK" and shown.enable_publicip is False


@pytest.mark.parametrize("engine", sorted(ENGINES))
def test_sdk_sees_busy_and_not_found(engine, emulator):
    models = ENGINES[engine][1]
    emulator.admin.create_instance(INSTANCE, engine, busy_changes=1, broker_num=1)
    client = _client(engine, emulator)
    with pytest.raises(ClientRequestException) as err:
        if engine == "kafka":
            client.modify_kafka_public_ip_access_switch(
                kafka.ModifyKafkaPublicIpAccessSwitchRequest(
                    instance_id=INSTANCE, body=kafka.ModifyKafkaPublicIPAccessSwitchReq(publicip_id=EIPS[0])
                )
            )
        else:
            client.update_instance(
                models.UpdateInstanceRequest(
                    instance_id=INSTANCE, body=models.UpdateInstanceReq(enable_publicip=True, publicip_id=EIPS[0])
                )
            )
    assert err.value.status_code == 400 and err.value.error_code == "DMS.00400026"
    with pytest.raises(ClientRequestException) as err:
        client.show_instance(models.ShowInstanceRequest(instance_id="no-such-instance"))
    assert err.value.status_code == 404 and err.value.error_code == "DMS.00404022"
    assert err.value.error_msg == "This DMS instance does not exist."
