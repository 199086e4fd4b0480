"""Huawei's own SDK clients against the emulator: proof that the emulator speaks the real protocol.

If the SDK signs, sends and parses everything without one signature failure, the emulator's
verifier and response shapes agree with Huawei's code, independently of the collection's signer.
"""

from __future__ import annotations

import time
import uuid

import pytest

pytest.importorskip("huaweicloudsdkcore")

import huaweicloudsdkkafka.v2 as kafka  # noqa: E402
import huaweicloudsdkrabbitmq.v2 as rabbitmq  # noqa: E402
import huaweicloudsdkrocketmq.v2 as rocketmq  # noqa: E402
from huaweicloudsdkcore.auth.credentials import BasicCredentials  # noqa: E402
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException, SdkException  # noqa: E402
from huaweicloudsdkcore.http.http_config import HttpConfig  # noqa: E402
from huaweicloudsdkcore.region.region import Region  # noqa: E402
from huaweicloudsdkkafka.v2 import KafkaClient  # noqa: E402
from huaweicloudsdkrabbitmq.v2 import RabbitMQClient  # noqa: E402
from huaweicloudsdkrocketmq.v2 import RocketMQClient  # noqa: E402

ENGINES = {
    "kafka": (KafkaClient, kafka, True),
    "rabbitmq": (RabbitMQClient, rabbitmq, False),
    "rocketmq": (RocketMQClient, rocketmq, True),
}
INSTANCE = "6e3a3b1c-1111-4a4a-9b9b-0000000000aa"
PARAMS = {"public_ip_id": "1aea7aed-e7d8-40ea-b3de-6f3ee9d5db9f", "enable_public_ip": True}


def _client(engine, emu, sk=None, project_id=None, credentials=None, tls=False):
    client_cls = ENGINES[engine][0]
    config = HttpConfig.get_default_config()
    config.timeout = (5, 10)
    if tls:
        config.ssl_ca_cert = emu.ca_path
    creds = credentials or BasicCredentials(emu.access_key, sk or emu.secret_key, project_id or emu.project_id)
    return client_cls.new_builder().with_http_config(config).with_credentials(creds).with_endpoints([emu.url]).build()


def _compact(epoch):
    return time.strftime("%Y%m%d%H%M%S", time.gmtime(epoch))


def _exercise(engine, emu, tls=False):
    dummy, models, has_progress = ENGINES[engine]
    admin = emu.admin
    now = time.time()
    admin.create_task(
        instance_id=INSTANCE,
        engine=engine,
        id="a" * 32,
        name="bindInstancePublicIp",
        params=PARAMS,
        timeline=[{"status": "EXECUTING", "polls": 1}, {"status": "SUCCESS"}],
    )
    admin.create_task(instance_id=INSTANCE, id="b" * 32, name="modifyAutoTopic", created_at="2020-06-15T08:55:53.606Z")
    client = _client(engine, emu, tls=tls)

    shown = client.show_background_task(models.ShowBackgroundTaskRequest(instance_id=INSTANCE, task_id="a" * 32))
    assert shown.task_count == "1"
    task = shown.tasks[0]
    assert (task.id, task.name, task.status) == ("a" * 32, "bindInstancePublicIp", "EXECUTING")
    assert task.params == '{"public_ip_id":"1aea7aed-e7d8-40ea-b3de-6f3ee9d5db9f","enable_public_ip":true}'
    assert task.created_at.endswith("Z") and task.updated_at.endswith("Z") and task.user_name == "paas_dms"

    listed = client.list_background_tasks(
        models.ListBackgroundTasksRequest(
            instance_id=INSTANCE, start=1, limit=10, begin_time=_compact(now - 3600), end_time=_compact(now + 3600)
        )
    )
    assert listed.task_count == "1"
    assert [t.id for t in listed.tasks] == ["a" * 32] and listed.tasks[0].status == "SUCCESS"
    everything = client.list_background_tasks(models.ListBackgroundTasksRequest(instance_id=INSTANCE))
    assert [t.id for t in everything.tasks] == ["a" * 32, "b" * 32]

    if has_progress:
        # Kafka documents progress only for capacity expansion (issue 16): ask it of a scale-out task there.
        progress_task = "a" * 32
        if engine == "kafka":
            progress_task = "c" * 32
            admin.create_task(
                instance_id=INSTANCE,
                id=progress_task,
                name="kafkaScaleOut",
                status="SUCCESS",
                created_at="2020-06-15T08:55:53.606Z",
            )
        progress = client.show_background_task_progress(
            models.ShowBackgroundTaskProgressRequest(instance_id=INSTANCE, task_id=progress_task)
        )
        assert progress.progress_percentage == 100 and progress.remain_time == 0
        assert [s.statue for s in progress.step_list] == ["COMPLETED"] * len(progress.step_list)

    deleted = client.delete_background_task(models.DeleteBackgroundTaskRequest(instance_id=INSTANCE, task_id="b" * 32))
    assert deleted.status_code == 204
    with pytest.raises(ClientRequestException) as err:
        client.show_background_task(models.ShowBackgroundTaskRequest(instance_id=INSTANCE, task_id="b" * 32))
    assert err.value.status_code == 404 and err.value.error_code == "DMS.00404023"
    assert err.value.request_id  # taken from X-Request-Id

    with pytest.raises(ClientRequestException) as err:
        client.show_background_task(models.ShowBackgroundTaskRequest(instance_id="no-such-instance", task_id="x"))
    assert err.value.status_code == 404 and err.value.error_code == "DMS.00404022"
    assert err.value.error_msg == "This DMS instance does not exist."

    stats = admin.stats()
    assert stats["signature_failures"] == 0
    assert stats["auth_failures"] == 0
    # The SDK signs exactly the header set dms-api.md §4.1 describes.
    assert set(stats["signed_header_sets"]) == {"content-type;host;user-agent;x-project-id;x-sdk-date"}


@pytest.mark.parametrize("engine", sorted(ENGINES))
def test_sdk_over_http(engine, emulator):
    _exercise(engine, emulator)


@pytest.mark.parametrize("engine", sorted(ENGINES))
def test_sdk_over_https_with_emulator_ca(engine, emulator_tls):
    assert emulator_tls.url.startswith("https://")
    _exercise(engine, emulator_tls, tls=True)


@pytest.mark.parametrize("engine", sorted(ENGINES))
def test_sdk_wrong_secret_is_apigw_0301(engine, emulator):
    emulator.admin.create_task(instance_id=INSTANCE, engine=engine, id="c" * 32)
    client = _client(engine, emulator, sk="definitely-not-the-secret")
    models = ENGINES[engine][1]
    with pytest.raises(ClientRequestException) as err:
        client.show_background_task(models.ShowBackgroundTaskRequest(instance_id=INSTANCE, task_id="c" * 32))
    assert err.value.status_code == 401
    assert err.value.error_code == "APIGW.0301"
    assert "verify aksk signature fail" in err.value.error_msg
    assert emulator.admin.stats()["signature_failures"] == 1


def test_sdk_progress_on_rabbitmq_instance_is_404(emulator):
    # The RabbitMQ SDK has no progress call; a Kafka client pointed at a RabbitMQ instance gets 404.
    emulator.admin.create_task(instance_id=INSTANCE, engine="rabbitmq", id="d" * 32)
    client = _client("kafka", emulator)
    with pytest.raises(ClientRequestException) as err:
        client.show_background_task_progress(
            kafka.ShowBackgroundTaskProgressRequest(instance_id=INSTANCE, task_id="d" * 32)
        )
    assert err.value.status_code == 404


def _region_client(emu, ak, sk, region):
    creds = BasicCredentials(ak, sk).with_iam_endpoint(emu.url)
    config = HttpConfig.get_default_config()
    config.timeout = (5, 10)
    return (
        KafkaClient.new_builder()
        .with_http_config(config)
        .with_credentials(creds)
        .with_region(Region(region, emu.url))
        .build()
    )


def test_sdk_resolves_project_id_through_emulated_iam(emulator):
    # A fresh AK per test: the SDK caches project ids per AK+region for the life of the process.
    ak, sk = "IAMAK" + uuid.uuid4().hex[:15].upper(), "iam-sk-" + uuid.uuid4().hex
    emulator.admin.add_credentials(access_keys=[{"access_key": ak, "secret_key": sk}])
    emulator.admin.create_task(instance_id=INSTANCE, id="e" * 32)
    client = _region_client(emulator, ak, sk, "cn-north-4")
    shown = client.show_background_task(kafka.ShowBackgroundTaskRequest(instance_id=INSTANCE, task_id="e" * 32))
    assert shown.tasks[0].id == "e" * 32
    stats = emulator.admin.stats()
    assert stats["requests_by_route"]["iam.list_projects"] == 1 and stats["signature_failures"] == 0


@pytest.mark.parametrize(
    "extra, message",
    [([], "Failed to get project id"), ([{"id": "f" * 32, "name": "cn-north-4"}], "Multiple project ids")],
)
def test_sdk_project_lookup_failures(emulator, extra, message):
    ak, sk = "IAMAK" + uuid.uuid4().hex[:15].upper(), "iam-sk-" + uuid.uuid4().hex
    emulator.admin.add_credentials(access_keys=[{"access_key": ak, "secret_key": sk}], projects=extra)
    region = "cn-north-4" if extra else "la-south-2"
    with pytest.raises(SdkException) as err:
        _region_client(emulator, ak, sk, region)
    assert message in str(err.value)
