# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""dms_request, run by ansible-playbook, against a stand-in server that checks every request with Huawei's own Signer.

The stand-in rebuilds an SdkRequest from what arrived on the wire (method, raw path, query string, the headers named in
SignedHeaders, the body bytes) and signs it with huaweicloudsdkcore's Signer: the Authorization received must be the one
the SDK computes, byte for byte, so the body hash is checked too. It answers like DMS (a job_id, then the task GET walking
CREATED, EXECUTING, SUCCESS), so wait_for is covered. With a token it checks X-Auth-Token and that nothing is signed.
Last, Huawei's KafkaClient makes the same scale-out call and the two canonical requests are compared.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Optional
from urllib.parse import parse_qsl, urlsplit

import pytest

pytest.importorskip("huaweicloudsdkcore")

import huaweicloudsdkkafka.v2 as kafka  # noqa: E402
from huaweicloudsdkcore.auth.credentials import BasicCredentials  # noqa: E402
from huaweicloudsdkcore.http.http_config import HttpConfig  # noqa: E402
from huaweicloudsdkcore.sdk_request import SdkRequest  # noqa: E402
from huaweicloudsdkcore.signer.signer import Signer  # noqa: E402
from huaweicloudsdkkafka.v2 import KafkaClient  # noqa: E402

AK = "HPUAEXAMPLEAK0000001"
SK = "exampleSecretKey0123456789abcdefghijABCD"
SECURITY_TOKEN = "EXAMPLE-SECURITY-TOKEN/with+odd=chars"
IAM_TOKEN = "MIIEXAMPLE-iam-token+/="
PROJECT = "0123456789abcdef0123456789abcdef"
INSTANCE = "11111111-2222-3333-4444-555555555555"
OTHER_INSTANCE = "99999999-2222-3333-4444-555555555555"
PLAYBOOKS = Path(__file__).parent / "playbooks"
BIN = Path(sys.executable).parent
TASK_PATH = re.compile(r"^/v2/(?P<project>[^/]+)/instances/(?P<instance>[^/]+)/tasks/(?P<task>[^/?]+)$")


def sdk_sign(method: str, raw_path: str, headers: dict[str, str], body: bytes, signed: list[str]) -> SdkRequest:
    """The received request as an SdkRequest, signed by Huawei's Signer over the headers the client signed."""
    parts = urlsplit(raw_path)
    request = SdkRequest(
        method=method,
        schema="http",
        host=headers["host"],
        resource_path=parts.path,
        query_params=parse_qsl(parts.query, keep_blank_values=True),
        header_params={name: headers[name] for name in signed},
        body=body,
    )
    return Signer(BasicCredentials(AK, SK, PROJECT)).sign(request)


def canonical_parts(method: str, raw_path: str, body: bytes) -> tuple[str, str, str, str]:
    """Method, canonical URI, canonical query and body hash, as Huawei's Signer computes them."""
    parts = urlsplit(raw_path)
    request = SdkRequest(
        method=method,
        resource_path=parts.path,
        header_params={},
        query_params=parse_qsl(parts.query, keep_blank_values=True),
        body=body,
    )
    signer = Signer(BasicCredentials(AK, SK, PROJECT))
    # pylint: disable=protected-access
    return (
        method,
        signer._process_canonical_uri(request),
        Signer.process_canonical_query_string(request),
        signer._process_hash_payload(request),
    )


class Received:
    """One request as it arrived, with the verdict of Huawei's signer (or of the token check)."""

    def __init__(self, method: str, raw_path: str, headers: dict[str, str], body: bytes, auth: str) -> None:
        self.method, self.raw_path, self.headers, self.body = method, raw_path, headers, body
        self.path = urlsplit(raw_path).path
        self.query = parse_qsl(urlsplit(raw_path).query, keep_blank_values=True)
        self.problem = self._check(auth)

    def _check(self, auth: str) -> Optional[str]:
        authorization = self.headers.get("authorization")
        if auth == "token":
            if authorization or "x-sdk-date" in self.headers:
                return "token request carries a signature"
            return None if self.headers.get("x-auth-token") == IAM_TOKEN else "X-Auth-Token missing or wrong"
        if "x-auth-token" in self.headers:
            return "AK/SK request carries X-Auth-Token"
        match = re.match(
            r"^SDK-HMAC-SHA256 Access=(?P<ak>[^,]+), SignedHeaders=(?P<sh>[^,]+), Signature=[0-9a-f]{64}$",
            authorization or "",
        )
        if not match or match.group("ak") != AK:
            return "malformed Authorization %r" % authorization
        signed = match.group("sh").split(";")
        for required in ("host", "x-sdk-date", "content-type", "x-project-id"):
            if required not in signed:
                return "%s is not signed" % required
        if auth == "aksk-token":
            if "x-security-token" not in signed or self.headers.get("x-security-token") != SECURITY_TOKEN:
                return "X-Security-Token missing, wrong or unsigned"
        elif "x-security-token" in self.headers:
            return "unexpected X-Security-Token"
        expected = sdk_sign(self.method, self.raw_path, self.headers, self.body, signed).header_params["Authorization"]
        return None if expected == authorization else "signature differs from Huawei's Signer: %s" % expected

    @property
    def json(self) -> Any:
        return json.loads(self.body.decode("utf-8")) if self.body else None


class StandIn(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, auth: str) -> None:
        super().__init__(("127.0.0.1", 0), StandInHandler)
        self.auth = auth
        self.received: list[Received] = []
        self.polls: dict[str, int] = {}
        self.jobs = 0
        self.lock = threading.Lock()

    @property
    def url(self) -> str:
        return "http://127.0.0.1:%d" % self.server_address[1]

    def new_job(self) -> str:
        with self.lock:
            self.jobs += 1
            return "%032x" % (0x8ABFA7B272ADC5B40172B73130060000 + self.jobs)

    def problems(self) -> list[str]:
        return ["%s %s: %s" % (item.method, item.raw_path, item.problem) for item in self.received if item.problem]


class StandInHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: StandIn

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        pass

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {name.lower(): value for name, value in self.headers.items()}
        received = Received(self.command, self.path, headers, body, self.server.auth)
        self.server.received.append(received)
        if received.problem:
            self.answer(
                401, {"error_code": "APIGW.0301", "error_msg": "verify aksk signature fail: " + received.problem}
            )
            return
        self._route(received)

    def _route(self, received: Received) -> None:
        task = TASK_PATH.match(received.path)
        if self.command == "GET" and task:
            self.answer(200, self._task(task.group("task")))
        elif self.command == "GET":
            # An echo of what arrived, so the playbook's result shows the query the server decoded.
            self.answer(200, {"path": received.path, "query": [list(pair) for pair in received.query]})
        elif self.command == "DELETE":
            self.answer(204, None)
        elif received.path.endswith("/recycle/restore"):
            self.answer(
                200,
                {
                    "results": [
                        {"instance_id": INSTANCE, "job_id": self.server.new_job()},
                        {"instance_id": OTHER_INSTANCE, "job_id": self.server.new_job()},
                    ]
                },
            )
        elif received.path.endswith("/no-job"):
            self.answer(200, {"result": "ok"})
        else:
            self.answer(200, {"job_id": self.server.new_job()})

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _handle  # noqa: N815  pylint: disable=invalid-name

    def _task(self, task_id: str) -> dict[str, Any]:
        with self.server.lock:
            polls = self.server.polls.get(task_id, 0)
            self.server.polls[task_id] = polls + 1
        status = ["CREATED", "EXECUTING", "SUCCESS"][min(polls, 2)]
        return {
            "task_count": "1",
            "tasks": [
                {
                    "id": task_id,
                    "name": "kafkaInstanceExtend",
                    "user_name": "paas_dms",
                    "user_id": "u",
                    "params": "{}",
                    "status": status,
                    "created_at": "2020-06-15T08:55:53.606Z",
                    "updated_at": "2020-06-15T08:55:56.600Z",
                }
            ],
        }

    def answer(self, status: int, payload: Any) -> None:
        body = b"" if payload is None else json.dumps(payload).encode()
        self.send_response(status)
        if body:
            self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Request-Id", "stand-in-%d" % len(self.server.received))
        self.end_headers()
        self.wfile.write(body)


def stand_in_thread(httpd: StandIn) -> StandIn:
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    return httpd


@pytest.fixture
def servers():
    started: list[StandIn] = []

    def start(auth: str) -> StandIn:
        started.append(stand_in_thread(StandIn(auth)))
        return started[-1]

    yield start
    for httpd in started:
        httpd.shutdown()
        httpd.server_close()


def auth_env(auth: str) -> dict[str, str]:
    if auth == "token":
        return dict(HW_AUTH_TOKEN=IAM_TOKEN, HW_PROJECT_ID=PROJECT)
    env = dict(HW_ACCESS_KEY=AK, HW_SECRET_KEY=SK, HW_PROJECT_ID=PROJECT)
    if auth == "aksk-token":
        env["HW_SECURITY_TOKEN"] = SECURITY_TOKEN
    return env


def run_playbook(
    server: StandIn,
    name: str,
    tmp_path: Path,
    extra_vars: Optional[dict[str, Any]] = None,
    args: Optional[list[str]] = None,
) -> tuple[subprocess.CompletedProcess, dict[str, Any]]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("HW_", "HUAWEICLOUD_SDK_"))}
    env.update(
        ANSIBLE_NOCOLOR="1",
        ANSIBLE_LOCALHOST_WARNING="0",
        ANSIBLE_INVENTORY_UNPARSED_WARNING="0",
        ANSIBLE_RETRY_FILES_ENABLED="0",
        ANSIBLE_PYTHON_INTERPRETER=sys.executable,
        HW_DMS_ENDPOINT=server.url,
        HW_MAX_RETRIES="0",
        **auth_env(server.auth),
    )
    out = tmp_path / ("out-" + name)
    out.mkdir()
    variables = dict(out_dir=str(out), instance_id=INSTANCE, **(extra_vars or {}))
    done = subprocess.run(
        [
            str(BIN / "ansible-playbook"),
            "-i",
            "localhost,",
            "-c",
            "local",
            "-e",
            json.dumps(variables),
            str(PLAYBOOKS / name),
        ]
        + list(args or []),
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    saved = out / "result.json"
    return done, (json.loads(saved.read_text()) if saved.exists() else {})


QUERY = {
    "engine": "kafka",
    "name": ["b", "a", "a b"],
    "include_failure": True,
    "off": False,
    "limit": 10,
    "ratio": 2.5,
    "reserved": "a b/c~d*e+f=g&h?i#j%k,l;m:n@o$p!q'r(s)t[u]v",
    "text": "caf\u00e9 \u65e5\u672c",
    "blank": "",
    "dropped": None,
}
QUERY_ON_THE_WIRE = sorted(
    [
        ("engine", "kafka"),
        ("name", "b"),
        ("name", "a"),
        ("name", "a b"),
        ("include_failure", "true"),
        ("off", "false"),
        ("limit", "10"),
        ("ratio", "2.5"),
        ("reserved", QUERY["reserved"]),
        ("text", QUERY["text"]),
        ("blank", ""),
    ]
)
NESTED_BODY = {
    "oper_type": "horizontal",
    "new_broker_num": 5,
    "tags": [{"key": "owner", "value": "J\u00fcrgen \u00e9quipe \u65e5\u672c"}],
    "nested": {"deeper": {"flag": True, "none": None, "ratio": 0.5, "text": 'quote" back\\slash /'}},
}
LIST_BODY = ["orders", {"name": "caf\u00e9", "partitions": 3}]


def _calls(server: StandIn, method: Optional[str] = None) -> list[Received]:
    return [item for item in server.received if method is None or item.method == method]


@pytest.mark.long
@pytest.mark.parametrize("auth", ["aksk", "aksk-token", "token"])
def test_every_request_of_dms_request_passes_huaweis_signer(servers, tmp_path, auth):
    server = servers(auth)
    variables = dict(call_query=QUERY, nested_body=NESTED_BODY, list_body=LIST_BODY, other_instance=OTHER_INSTANCE)
    done, saved = run_playbook(server, "request_signed.yml", tmp_path, variables)
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-3000:]
    assert server.problems() == []
    assert len(server.received) >= 14

    # GET with a query: lists repeat the key, booleans lower-case, numbers as text, reserved, spaces and non-ASCII.
    get = saved["get_query"]
    assert get["changed"] is False and get["status"] == 200 and get["request_id"].startswith("stand-in-")
    assert get["json"]["path"] == "/v2/%s/instances/%s/topics" % (PROJECT, INSTANCE)
    assert sorted(tuple(pair) for pair in get["json"]["query"]) == QUERY_ON_THE_WIRE
    raw_query = urlsplit(_calls(server, "GET")[0].raw_path).query
    assert "caf%C3%A9%20%E6%97%A5%E6%9C%AC" in raw_query and "+" not in raw_query

    # POST with a nested, non-ASCII JSON body, waited for: the job's task is read until SUCCESS.
    extend = saved["post_extend"]
    assert extend["changed"] is True and extend["task"]["status"] == "SUCCESS"
    assert extend["task"]["id"] == extend["job_id"] == extend["json"]["job_id"]
    posts = [item for item in _calls(server, "POST") if item.path.endswith("/extend")]
    assert [item.json for item in posts] == [NESTED_BODY]
    assert posts[0].headers["content-type"] == "application/json"
    assert server.polls[extend["job_id"]] == 3

    list_body = saved["post_list"]
    assert list_body["changed"] is True and "task" not in list_body
    assert [item.json for item in _calls(server, "POST") if item.path.endswith("/topics/delete")] == [LIST_BODY]

    put = saved["put_configs"]
    assert put["changed"] is True and put["task"]["status"] == "SUCCESS"
    assert [item.json for item in _calls(server, "PUT")] == [
        {"kafka_configs": [{"name": "log.retention.hours", "value": "72"}]}
    ]

    delete = saved["delete"]
    assert delete["changed"] is True and delete["status"] == 204 and delete["json"] is None
    assert [(item.path, item.body) for item in _calls(server, "DELETE")] == [
        ("/v2/%s/instances/%s/topics/orders" % (PROJECT, INSTANCE), b"")
    ]

    patch = saved["patch"]
    assert patch["changed"] is True and patch["status"] == 200
    assert [item.json for item in _calls(server, "PATCH")] == [{"description": "\u00e9t\u00e9"}]

    # No body at all (nothing sent, the empty hash signed) and an empty dict (the two bytes '{}').
    empties = [item for item in _calls(server, "POST") if item.path.endswith("/restart")]
    assert [item.body for item in empties] == [b"", b"{}"]
    assert saved["post_empty"]["changed"] is True and saved["post_empty_dict"]["changed"] is True

    # results[] with a job per instance: both tasks waited for.
    restore = saved["restore"]
    assert restore["changed"] is True and len(restore["job_ids"]) == 2
    assert [task["status"] for task in restore["tasks"]] == ["SUCCESS", "SUCCESS"]
    task_reads = {item.path for item in _calls(server, "GET") if TASK_PATH.match(item.path)}
    assert "/v2/%s/instances/%s/tasks/%s" % (PROJECT, OTHER_INSTANCE, restore["job_ids"][1]) in task_reads

    # Every placeholder was filled in: no '{' reached the wire.
    assert all("{" not in item.raw_path and "%7B" not in item.raw_path.upper() for item in server.received)


@pytest.mark.parametrize(
    "path",
    [
        "/v2/{project_id}/instances/{instance_id}/topics/my%20topic",
        "/v2/{project_id}/instances/{instance_id}/groups/caf%C3%A9",
        "/v2/{project_id}/instances/{instance_id}/groups/a%2Fb",
        "/v2/{project_id}/instances/{instance_id}/groups/x~y*z",
        "/v2/rabbitmq/{project_id}/instances/{instance_id}/vhosts/%2F/exchanges",
    ],
)
def test_percent_encoded_paths_pass_huaweis_signer(servers, tmp_path, path):
    server = servers("aksk")
    done, saved = run_playbook(server, "request_one.yml", tmp_path, dict(call_method="GET", call_path=path))
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-3000:]
    assert server.problems() == [] and len(server.received) == 1
    assert saved["result"]["status"] == 200


def test_sdk_and_module_build_the_same_canonical_request_for_a_scale_out(servers, tmp_path):
    server = servers("aksk")
    config = HttpConfig.get_default_config()
    config.timeout = (5, 10)
    client = (
        KafkaClient.new_builder()
        .with_http_config(config)
        .with_credentials(BasicCredentials(AK, SK, PROJECT))
        .with_endpoints([server.url])
        .build()
    )
    body = kafka.ResizeEngineInstanceReq(
        oper_type="horizontal", new_broker_num=5, publicip_id="eip-1", tenant_ips=["192.168.0.8", "192.168.0.9"]
    )
    answer = client.resize_kafka_instance(kafka.ResizeKafkaInstanceRequest(instance_id=INSTANCE, body=body))
    assert answer.job_id
    sdk = server.received[-1]
    assert sdk.problem is None

    # The module gets the body the SDK sent, in the SDK's key order, and the path from the SDK's resource path.
    sdk_path = sdk.path.replace(PROJECT, "{project_id}").replace(INSTANCE, "{instance_id}")
    done, saved = run_playbook(
        server,
        "request_one.yml",
        tmp_path,
        dict(call_method="POST", call_path=sdk_path, call_body=json.loads(sdk.body.decode())),
    )
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-3000:]
    module = server.received[-1]
    assert module.problem is None and saved["result"]["job_id"]
    assert canonical_parts(module.method, module.raw_path, module.body) == canonical_parts(
        sdk.method, sdk.raw_path, sdk.body
    )
    assert hashlib.sha256(module.body).hexdigest() == hashlib.sha256(sdk.body).hexdigest()
    assert module.raw_path == sdk.raw_path
    # Both sign the same header names, apart from the SDK's User-Agent value (which is signed by both).
    signed = [re.search(r"SignedHeaders=([^,]+)", item.headers["authorization"]).group(1) for item in (module, sdk)]
    assert signed[0] == signed[1]


def test_sdk_and_module_build_the_same_canonical_query_for_a_task_list(servers, tmp_path):
    server = servers("aksk")
    config = HttpConfig.get_default_config()
    client = (
        KafkaClient.new_builder()
        .with_http_config(config)
        .with_credentials(BasicCredentials(AK, SK, PROJECT))
        .with_endpoints([server.url])
        .build()
    )
    client.list_background_tasks(
        kafka.ListBackgroundTasksRequest(
            instance_id=INSTANCE, start=1, limit=10, begin_time="20240101000000", end_time="20240115235959"
        )
    )
    sdk = server.received[-1]
    assert sdk.problem is None
    done, _saved = run_playbook(
        server,
        "request_one.yml",
        tmp_path,
        dict(
            call_method="GET",
            call_path="/v2/{project_id}/instances/{instance_id}/tasks",
            call_query={"start": 1, "limit": 10, "begin_time": "20240101000000", "end_time": "20240115235959"},
        ),
    )
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-3000:]
    module = server.received[-1]
    assert module.problem is None
    assert canonical_parts(module.method, module.raw_path, module.body) == canonical_parts(
        sdk.method, sdk.raw_path, sdk.body
    )


def test_check_mode_sends_nothing_to_the_stand_in(servers, tmp_path):
    server = servers("aksk")
    done, saved = run_playbook(
        server,
        "request_one.yml",
        tmp_path,
        dict(
            call_method="POST",
            call_path="/v2/{project_id}/kafka/instances/{instance_id}/extend",
            call_body=NESTED_BODY,
            call_wait_for=True,
        ),
        args=["--check"],
    )
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-3000:]
    assert server.received == []
    assert saved["result"]["changed"] is True and saved["result"]["request"]["body"] == NESTED_BODY
