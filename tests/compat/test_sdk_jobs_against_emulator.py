"""Huawei's SDK clients start the emulator's job-returning calls and read the job's task back.

The SDK builds the request (path, body serialisation) and signs it; the emulator verifies the signature with the
body hash and answers in the shape the SDK's response models parse (job_id where the SDK expects it).
"""

from __future__ import annotations

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

INSTANCE = "6e3a3b1c-2222-4a4a-9b9b-0000000000bb"
FAST = [{"status": "EXECUTING", "polls": 1}, {"status": "SUCCESS"}]


def _client(client_cls, emu):
    config = HttpConfig.get_default_config()
    config.timeout = (5, 10)
    creds = BasicCredentials(emu.access_key, emu.secret_key, emu.project_id)
    return client_cls.new_builder().with_http_config(config).with_credentials(creds).with_endpoints([emu.url]).build()


def _instance(emu, engine, **capacity):
    emu.admin.create_instance(INSTANCE, engine=engine)
    emu.admin.configure_jobs(instance_id=INSTANCE, timeline=FAST, **capacity)


def _run_task(client, models, job_id):
    first = client.show_background_task(models.ShowBackgroundTaskRequest(instance_id=INSTANCE, task_id=job_id))
    second = client.show_background_task(models.ShowBackgroundTaskRequest(instance_id=INSTANCE, task_id=job_id))
    return first.tasks[0], second.tasks[0]


def _state(emu):
    return next(item for item in emu.admin.jobs()["instances"] if item["instance_id"] == INSTANCE)


def _no_signature_failures(emu):
    stats = emu.admin.stats()
    assert stats["signature_failures"] == 0 and stats["auth_failures"] == 0


def test_sdk_kafka_scale_out(emulator):
    _instance(emulator, "kafka", broker_num=3, storage_space=300)
    client = _client(KafkaClient, emulator)
    body = kafka.ResizeEngineInstanceReq(oper_type="horizontal", new_broker_num=4, publicip_id="eip-1")
    answer = client.resize_kafka_instance(kafka.ResizeKafkaInstanceRequest(instance_id=INSTANCE, body=body))
    assert answer.status_code == 200 and answer.job_id
    executing, done = _run_task(client, kafka, answer.job_id)
    assert (executing.id, executing.status, done.status) == (answer.job_id, "EXECUTING", "SUCCESS")
    assert executing.name == "kafkaInstanceExtend"
    assert _state(emulator)["broker_num"] == 4
    _no_signature_failures(emulator)


def test_sdk_kafka_storage_extend_refused_with_the_apis_error(emulator):
    _instance(emulator, "kafka")
    client = _client(KafkaClient, emulator)
    body = kafka.ResizeEngineInstanceReq(oper_type="storage", new_storage_space=350)
    with pytest.raises(ClientRequestException) as raised:
        client.resize_kafka_instance(kafka.ResizeKafkaInstanceRequest(instance_id=INSTANCE, body=body))
    assert raised.value.status_code == 400 and raised.value.error_code == "DMS.00400062"


def test_sdk_kafka_plain_ssl_switch_and_configs(emulator):
    _instance(emulator, "kafka")
    client = _client(KafkaClient, emulator)
    switch = kafka.PlainSslEnableRequest(
        protocol="private_sasl_ssl_enable",
        enable=True,
        user_name="admin",
        pass_word="Example-Passw0rd",
        sasl_enabled_mechanisms=["SCRAM-SHA-512"],
    )
    request = kafka.UpdateKafkaPortProtocolRequest(engine="kafka", instance_id=INSTANCE, body=switch)
    answer = client.update_kafka_port_protocol(request)
    assert answer.job_id and answer.protocol == "private_sasl_ssl_enable" and answer.enable is True
    _run_task(client, kafka, answer.job_id)
    assert _state(emulator)["port_protocols"]["private_sasl_ssl_enable"] is True

    configs = kafka.ModifyInstanceConfigsReq(
        kafka_configs=[kafka.ModifyInstanceConfig(name="log.retention.hours", value="48")]
    )
    answer = client.modify_instance_configs(kafka.ModifyInstanceConfigsRequest(instance_id=INSTANCE, body=configs))
    assert answer.job_id and (answer.static_config, answer.dynamic_config) == (1, 0)
    _run_task(client, kafka, answer.job_id)
    assert _state(emulator)["configs"] == {"log.retention.hours": "48"}
    _no_signature_failures(emulator)


def test_sdk_kafka_topic_creation_has_no_job(emulator):
    _instance(emulator, "kafka")
    client = _client(KafkaClient, emulator)
    answer = client.create_instance_topic(
        kafka.CreateInstanceTopicRequest(
            instance_id=INSTANCE, body=kafka.CreateInstanceTopicReq(id="orders", partition=3)
        )
    )
    assert answer.name == "orders"
    assert emulator.admin.jobs()["jobs"] == []


def test_sdk_rabbitmq_plugins(emulator):
    _instance(emulator, "rabbitmq")
    client = _client(RabbitMQClient, emulator)
    answer = client.update_plugins(
        rabbitmq.UpdatePluginsRequest(
            instance_id=INSTANCE, body=rabbitmq.UpdatePluginsReq(enable=True, plugins="rabbitmq_shovel")
        )
    )
    assert answer.job_id
    executing, done = _run_task(client, rabbitmq, answer.job_id)
    assert done.status == "SUCCESS"
    assert _state(emulator)["plugins"] == ["rabbitmq_shovel"]
    _no_signature_failures(emulator)


def test_sdk_rocketmq_topic_and_group(emulator):
    _instance(emulator, "rocketmq")
    client = _client(RocketMQClient, emulator)
    topic_body = rocketmq.CreateTopicOrBatchDeleteTopicReq(name="orders", queue_num=8, message_type="NORMAL")
    topic = client.create_topic_or_batch_delete_topic(
        rocketmq.CreateTopicOrBatchDeleteTopicRequest(instance_id=INSTANCE, body=topic_body)
    )
    assert topic.id == "orders" and topic.job_id
    _run_task(client, rocketmq, topic.job_id)
    group = client.create_consumer_group_or_batch_delete_consumer_group(
        rocketmq.CreateConsumerGroupOrBatchDeleteConsumerGroupRequest(
            instance_id=INSTANCE,
            body=rocketmq.CreateConsumerGroupOrBatchDeleteConsumerGroupReq(
                name="billing", retry_max_time=16, enabled=True, broadcast=False
            ),
        )
    )
    assert group.name == "billing" and group.job_id
    _run_task(client, rocketmq, group.job_id)
    state = _state(emulator)
    assert state["topics"] == ["orders"] and state["groups"] == ["billing"]
    _no_signature_failures(emulator)


def test_sdk_sees_apigw_0101_for_an_unknown_api(emulator):
    _instance(emulator, "rabbitmq")
    client = _client(RabbitMQClient, emulator)
    # RabbitMQ's extend path exists in the SDK but is not emulated: the gateway's 404 comes back.
    with pytest.raises(ClientRequestException) as raised:
        client.resize_engine_instance(
            rabbitmq.ResizeEngineInstanceRequest(
                engine="rabbitmq", instance_id=INSTANCE, body=rabbitmq.ResizeEngineInstanceReq(new_spec_code="x")
            )
        )
    assert raised.value.status_code == 404 and raised.value.error_code == "APIGW.0101"


def test_sdk_scale_out_then_show_instance_has_the_new_broker_num(emulator):
    # The job and the instance detail are one instance model: what the job applied is what ShowInstance reads.
    emulator.admin.create_instance(INSTANCE, engine="kafka", broker_num=3)
    # Time-based: a poll-based phase would end at the very next look, the instance read included.
    emulator.admin.configure_jobs(instance_id=INSTANCE, timeline=[{"status": "EXECUTING", "seconds": 1.5}, "SUCCESS"])
    client = _client(KafkaClient, emulator)
    before = client.show_instance(kafka.ShowInstanceRequest(instance_id=INSTANCE))
    assert (before.broker_num, before.storage_space) == (3, 300)
    body = kafka.ResizeEngineInstanceReq(
        oper_type="horizontal", new_broker_num=5, new_storage_space=500, publicip_id="eip-4,eip-5"
    )
    answer = client.resize_kafka_instance(kafka.ResizeKafkaInstanceRequest(instance_id=INSTANCE, body=body))
    executing = client.show_background_task(
        kafka.ShowBackgroundTaskRequest(instance_id=INSTANCE, task_id=answer.job_id)
    )
    assert executing.tasks[0].status == "EXECUTING"
    assert client.show_instance(kafka.ShowInstanceRequest(instance_id=INSTANCE)).broker_num == 3
    # A public-access switch while the scale-out runs is refused as the real service refuses it.
    with pytest.raises(ClientRequestException) as raised:
        client.modify_kafka_public_ip_access_switch(
            kafka.ModifyKafkaPublicIpAccessSwitchRequest(
                instance_id=INSTANCE, body=kafka.ModifyKafkaPublicIPAccessSwitchReq(publicip_id="eip-1,eip-2,eip-3")
            )
        )
    assert raised.value.status_code == 400 and raised.value.error_code == "DMS.00400026"
    end = time.monotonic() + 10
    while (
        client.show_background_task(kafka.ShowBackgroundTaskRequest(instance_id=INSTANCE, task_id=answer.job_id))
        .tasks[0]
        .status
        != "SUCCESS"
    ):
        assert time.monotonic() < end, "the scale-out job did not succeed"
        time.sleep(0.1)
    after = client.show_instance(kafka.ShowInstanceRequest(instance_id=INSTANCE))
    assert (after.broker_num, after.node_num, after.storage_space, after.total_storage_space) == (5, 5, 500, 500)
    _no_signature_failures(emulator)
