# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""dms_instance_info and each engine's SDK list call (Kafka ``ListInstances``, RabbitMQ ``ListInstancesDetails``,
RocketMQ ``ListInstances``), against the same emulator: the module returns exactly the instances the SDK lists, every
field as the SDK received it, plus ``public_access``; a lookup by name finds what the SDK's exact-name call finds."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("huaweicloudsdkcore")

import huaweicloudsdkkafka.v2 as kafka  # noqa: E402
import huaweicloudsdkrabbitmq.v2 as rabbitmq  # noqa: E402
import huaweicloudsdkrocketmq.v2 as rocketmq  # noqa: E402
from huaweicloudsdkcore.auth.credentials import BasicCredentials  # noqa: E402
from huaweicloudsdkcore.http.http_config import HttpConfig  # noqa: E402

PLAYBOOK = Path(__file__).parent / "playbooks" / "instance_info_list.yml"
# client class, models, list call, request model, what the engine filter says (RocketMQ: its alias)
CALLS = {
    "kafka": (kafka.KafkaClient, kafka, "list_instances", "ListInstancesRequest", "kafka"),
    "rabbitmq": (
        rabbitmq.RabbitMQClient,
        rabbitmq,
        "list_instances_details",
        "ListInstancesDetailsRequest",
        "rabbitmq",
    ),
    "rocketmq": (rocketmq.RocketMQClient, rocketmq, "list_instances", "ListInstancesRequest", "reliability"),
}
BROKERS = {"kafka": 3, "rabbitmq": 1, "rocketmq": 2}
EIPS = [
    "1aea7aed-e7d8-40ea-b3de-6f3ee9d5db9f",
    "2bfb8bfe-f8e9-41fb-c4ef-7f4ff0e6ec0a",
    "3c0c9c0f-09fa-42ac-d5f0-8a5001f7fd1b",
]


def _sdk_client(client_class, emu):
    config = HttpConfig.get_default_config()
    config.timeout = (5, 10)
    creds = BasicCredentials(emu.access_key, emu.secret_key, emu.project_id)
    return client_class.new_builder().with_http_config(config).with_credentials(creds).with_endpoints([emu.url]).build()


def _run_module(emu, tmp_path, engine, name):
    env = {key: value for key, value in os.environ.items() if not key.startswith(("HW_", "HUAWEICLOUD_SDK_"))}
    env.update(
        ANSIBLE_NOCOLOR="1",
        ANSIBLE_LOCALHOST_WARNING="0",
        ANSIBLE_INVENTORY_UNPARSED_WARNING="0",
        ANSIBLE_PYTHON_INTERPRETER=sys.executable,
        HW_DMS_ENDPOINT=emu.url,
        HW_ACCESS_KEY=emu.access_key,
        HW_SECRET_KEY=emu.secret_key,
        HW_PROJECT_ID=emu.project_id,
        HW_MAX_RETRIES="0",
    )
    variables = dict(out_dir=str(tmp_path), engine=engine, name=name)
    done = subprocess.run(
        [str(Path(sys.executable).parent / "ansible-playbook"), "-i", "localhost,", "-c", "local"]
        + ["-e", json.dumps(variables), str(PLAYBOOK)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    return json.loads((tmp_path / "result.json").read_text())


@pytest.mark.parametrize("engine", sorted(CALLS))
def test_module_lists_what_the_sdk_lists(engine, emulator, tmp_path):
    client_class, models, call, request, engine_param = CALLS[engine]
    ids = ["8c000000-0000-4000-8000-00000000000%d" % n for n in range(3)]
    emulator.admin.create_instance(
        ids[0], engine, name="pay-" + engine, broker_num=BROKERS[engine], publicip_ids=EIPS[: BROKERS[engine]]
    )
    emulator.admin.create_instance(ids[1], engine, name="pay-%s-2" % engine)
    emulator.admin.create_instance(ids[2], engine, name="other-" + engine)
    other = "kafka" if engine != "kafka" else "rabbitmq"
    emulator.admin.create_instance("8c000000-0000-4000-8000-000000000009", other, name="pay-" + engine)

    client = _sdk_client(client_class, emulator)
    sdk_all = json.loads(getattr(client, call)(getattr(models, request)(engine=engine_param)).raw_content)
    sdk_named = getattr(client, call)(
        getattr(models, request)(engine=engine_param, name="pay-" + engine, exact_match_name="true")
    )
    saved = _run_module(emulator, tmp_path, engine, "pay-" + engine)

    listed = saved["listed"]["instances"]
    assert sorted(each["instance_id"] for each in listed) == sorted(ids)
    assert sdk_all["instance_num"] == 3
    by_id = {each["instance_id"]: each for each in sdk_all["instances"]}
    for each in listed:
        public_access = each.pop("public_access")
        assert each == by_id[each["instance_id"]]  # every field as the SDK received it
        assert set(public_access) == {"enabled", "public_ip_ids", "public_ip_addresses", "connect_addresses", "status"}
    named = saved["named"]["instances"]
    assert [each["instance_id"] for each in named] == [each.instance_id for each in sdk_named.instances] == [ids[0]]
    assert named[0]["public_access"]["enabled"] is True
    assert named[0]["public_access"]["public_ip_ids"] == EIPS[: BROKERS[engine]]
    stats = emulator.admin.stats()
    assert stats["signature_failures"] == 0 and stats["auth_failures"] == 0
