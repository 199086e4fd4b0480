# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""dms_public_access, run by ansible-playbook, against a stand-in that checks every request with Huawei's own Signer.

Per engine: the instance GET, the bind and the unbind (RabbitMQ/RocketMQ: PUT /v2/{project_id}/instances/{instance_id}
with enable_publicip; Kafka: POST /v1/{project_id}/instances/{instance_id}/public-boundwidth), the task list read while
waiting. Every Authorization (body hash included) must be the one huaweicloudsdkcore's Signer computes; with a token,
X-Auth-Token is sent and nothing is signed. Huawei's RabbitMQClient sends the same bind, canonical part by part.
The EIP lookups (GET /v1/{project_id}/publicips with repeated id / public_ip_address filters) go to the same stand-in
(the endpoint given serves the VPC API too) and are checked by the same Signer.
"""

from __future__ import annotations

import json
import re
import time
from typing import Any

import pytest

pytest.importorskip("huaweicloudsdkcore")

import huaweicloudsdkrabbitmq.v2 as rabbitmq  # noqa: E402
from huaweicloudsdkcore.auth.credentials import BasicCredentials  # noqa: E402
from huaweicloudsdkcore.http.http_config import HttpConfig  # noqa: E402
from huaweicloudsdkrabbitmq.v2 import RabbitMQClient  # noqa: E402

# The stand-in, its signer check and the playbook runner are shared with dms_request's test.
from test_request_vs_sdk_signer import (  # noqa: E402  pylint: disable=import-error
    AK,
    INSTANCE,
    PROJECT,
    SK,
    StandIn,
    StandInHandler,
    canonical_parts,
    run_playbook,
    stand_in_thread,
)

EIPS = {
    "kafka": [
        "1aea7aed-e7d8-40ea-b3de-6f3ee9d5db9f",
        "2bfb8bfe-f8e9-41fb-c4ef-7f4ff0e6ec0a",
        "3c0c9c0f-09fa-42ac-d5f0-8a5001f7fd1b",
    ],
    "rabbitmq": ["1aea7aed-e7d8-40ea-b3de-6f3ee9d5db9f"],
    "rocketmq": ["1aea7aed-e7d8-40ea-b3de-6f3ee9d5db9f", "2bfb8bfe-f8e9-41fb-c4ef-7f4ff0e6ec0a"],
}
INSTANCE_PATH = "/v2/%s/instances/%s" % (PROJECT, INSTANCE)
KAFKA_SWITCH = "/v1/%s/instances/%s/public-boundwidth" % (PROJECT, INSTANCE)
PUBLICIPS = "/v1/%s/publicips" % PROJECT


class PublicStandIn(StandIn):
    """A DMS instance of one engine whose public access the module turns on and off."""

    def __init__(self, auth: str, engine: str) -> None:
        super().__init__(auth)
        self.RequestHandlerClass = PublicHandler
        self.engine = engine
        self.enabled = False
        self.ids = ""
        self.tasks: list[dict[str, Any]] = []

    def detail(self) -> dict[str, Any]:
        detail: dict[str, Any] = {
            "instance_id": INSTANCE,
            "engine": self.engine,
            "status": "RUNNING",
            "broker_num": len(EIPS[self.engine]),
            "enable_publicip": self.enabled,
        }
        if self.enabled:
            if self.engine == "kafka":
                detail.update(
                    public_access_enabled="true",
                    kafka_public_status="true",
                    public_connect_address="100.93.2.18:9094,100.93.2.19:9094,100.93.2.20:9094",
                )
            else:
                detail.update(publicip_id=self.ids, publicip_address="100.93.2.18")
                detail["public_connect_address" if self.engine == "rabbitmq" else "public_namesrv_address"] = (
                    "100.93.2.18:5672"
                )
        elif self.engine == "kafka":
            detail.update(public_access_enabled="false", kafka_public_status="closed")
        return detail

    def eips(self, query: list[tuple[str, str]]) -> list[dict[str, Any]]:
        """The engine's EIPs (100.93.2.18 and up), ACTIVE on a port while bound, filtered as the EIP API does."""
        rows = [
            {
                "id": eip_id,
                "public_ip_address": "100.93.2.%d" % (18 + n),
                "status": "ACTIVE" if self.enabled else "DOWN",
                "port_id": "port-%d" % n if self.enabled else None,
            }
            for n, eip_id in enumerate(EIPS[self.engine])
        ]
        for key in ("id", "public_ip_address"):
            wanted = {value for name, value in query if name == key}
            if wanted:
                rows = [row for row in rows if row[key] in wanted]
        return rows

    def change(self, enable: bool, ids: str) -> None:
        self.enabled, self.ids = enable, ids if enable else ""
        now = time.time()
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(now)) + ".%03dZ" % int(now % 1 * 1000)
        name = "bindInstancePublicIp" if enable else "unbindInstancePublicIp"
        self.tasks.append(
            {
                "id": "%032x" % (0x8ABFA7B272ADC5B40172B73130065000 + len(self.tasks)),
                "name": name,
                "user_name": "paas_dms",
                "user_id": "u",
                "params": "{}",
                "status": "SUCCESS",
                "created_at": stamp,
                "updated_at": stamp,
            }
        )


class PublicHandler(StandInHandler):
    server: PublicStandIn

    def _route(self, received) -> None:  # pylint: disable=too-many-return-statements
        server = self.server
        if received.path == INSTANCE_PATH and self.command == "GET":
            self.answer(200, server.detail())
        elif received.path == INSTANCE_PATH + "/tasks" and self.command == "GET":
            self.answer(200, {"task_count": str(len(server.tasks)), "tasks": list(reversed(server.tasks))})
        elif received.path == INSTANCE_PATH and self.command == "PUT" and server.engine != "kafka":
            body = received.json
            server.change(body.get("enable_publicip") is True, body.get("publicip_id", ""))
            self.answer(204, None)
        elif received.path == PUBLICIPS and self.command == "GET":
            self.answer(200, {"publicips": server.eips(received.query)})
        elif received.path == KAFKA_SWITCH and self.command == "POST" and server.engine == "kafka":
            ids = (received.json or {}).get("publicip_id", "")
            server.change(bool(ids), ids)
            self.answer(200, {})
        else:
            self.answer(404, {"error_code": "APIGW.0101", "error_msg": "The API does not exist"})


@pytest.fixture
def public_servers():
    started: list[PublicStandIn] = []

    def start(auth: str, engine: str) -> PublicStandIn:
        started.append(stand_in_thread(PublicStandIn(auth, engine)))
        return started[-1]

    yield start
    for httpd in started:
        httpd.shutdown()
        httpd.server_close()


@pytest.mark.parametrize("auth", ["aksk", "aksk-token", "token"])
@pytest.mark.parametrize("engine", ["kafka", "rabbitmq", "rocketmq"])
def test_bind_and_unbind_pass_huaweis_signer(public_servers, tmp_path, engine, auth):
    server = public_servers(auth, engine)
    done, saved = run_playbook(server, "public_access_signed.yml", tmp_path, dict(eips=EIPS[engine]))
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-3000:]
    assert server.problems() == []
    assert saved["bind"]["changed"] is True and saved["bind"]["instance"]["enable_publicip"] is True
    assert saved["unbind"]["changed"] is True and saved["unbind"]["instance"]["enable_publicip"] is False

    changes = [(item.method, item.path, item.json) for item in server.received if item.method != "GET"]
    if engine == "kafka":
        assert changes == [("POST", KAFKA_SWITCH, {"publicip_id": ",".join(EIPS[engine])}), ("POST", KAFKA_SWITCH, {})]
    else:
        assert changes == [
            ("PUT", INSTANCE_PATH, {"enable_publicip": True, "publicip_id": ",".join(EIPS[engine])}),
            ("PUT", INSTANCE_PATH, {"enable_publicip": False}),
        ]
        assert saved["bind"]["task"]["name"] == "bindInstancePublicIp"
        # The task list was read (signed, with its begin_time query) while waiting.
        assert any(
            item.path == INSTANCE_PATH + "/tasks" and dict(item.query).get("begin_time") for item in server.received
        )
    assert any(item.method == "GET" and item.path == INSTANCE_PATH for item in server.received)
    # The EIP API was asked (requested ids before the bind, the bound addresses after it), every call signed right.
    lookups = [dict(item.query) for item in server.received if item.path == PUBLICIPS]
    assert any("id" in query for query in lookups) and any("public_ip_address" in query for query in lookups)
    assert saved["bind"]["public_ip_ids"][0] == EIPS[engine][0]


def test_sdk_and_module_build_the_same_canonical_rabbitmq_bind(public_servers, tmp_path):
    server = public_servers("aksk", "rabbitmq")
    client = (
        RabbitMQClient.new_builder()
        .with_http_config(HttpConfig.get_default_config())
        .with_credentials(BasicCredentials(AK, SK, PROJECT))
        .with_endpoints([server.url])
        .build()
    )
    body = rabbitmq.UpdateInstanceReq(enable_publicip=True, publicip_id=EIPS["rabbitmq"][0])
    client.update_instance(rabbitmq.UpdateInstanceRequest(instance_id=INSTANCE, body=body))
    sdk = server.received[-1]
    assert sdk.problem is None and sdk.method == "PUT"
    server.enabled = False  # back to unbound, so the module binds too
    done, _saved = run_playbook(server, "public_access_signed.yml", tmp_path, dict(eips=EIPS["rabbitmq"]))
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-3000:]
    module = next(item for item in server.received[1:] if item.method == "PUT")
    assert module.problem is None
    assert canonical_parts(module.method, module.raw_path, module.body) == canonical_parts(
        sdk.method, sdk.raw_path, sdk.body
    )
    signed = [re.search(r"SignedHeaders=([^,]+)", item.headers["authorization"]).group(1) for item in (module, sdk)]
    assert signed[0] == signed[1]
    assert json.loads(module.body) == json.loads(sdk.body)
