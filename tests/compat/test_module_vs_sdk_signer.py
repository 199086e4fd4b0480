# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The real module, run by Ansible, against a stand-in server that verifies every signature with Huawei's own signer.

The server rebuilds an SdkRequest from what actually arrived on the wire (method, path, query string,
the headers named in SignedHeaders, body) and signs it with huaweicloudsdkcore's Signer; the
Authorization header received must equal the one the SDK computes, byte for byte.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.sdk_request import SdkRequest
from huaweicloudsdkcore.signer.signer import Signer

AK = "HPUAEXAMPLEAK0000001"
SK = "exampleSecretKey0123456789abcdefghijABCD"
PROJECT = "0123456789abcdef0123456789abcdef"
INSTANCE = "11111111-2222-3333-4444-555555555555"
TASK = "8abfa7b272adc5b40172b73130065ae7"
BIN = Path(sys.executable).parent


def sdk_authorization(method: str, raw_path: str, headers: dict, body: bytes) -> str:
    """What Huawei's SDK signer computes for the received request."""
    parts = urlsplit(raw_path)
    fields = dict(part.split("=", 1) for part in headers["Authorization"].split(" ", 1)[1].split(", "))
    signed = fields["SignedHeaders"].split(";")
    header_params = {name: headers[name] for name in signed}
    request = SdkRequest(
        method=method,
        schema="http",
        host=headers["host"],
        resource_path=parts.path,
        query_params=parse_qsl(parts.query, keep_blank_values=True),
        header_params=header_params,
        body=body,
    )
    Signer(BasicCredentials(AK, SK, PROJECT)).sign(request)
    return request.header_params["Authorization"]


class SdkVerifyingServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), SdkVerifyingHandler)
        self.verdicts: list[tuple[str, bool]] = []
        self.polls = 0
        self.statuses = ["CREATED", "EXECUTING", "SUCCESS"]


class SdkVerifyingHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: SdkVerifyingServer

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        pass

    def do_GET(self):  # pylint: disable=invalid-name
        headers = {name.lower(): value for name, value in self.headers.items()}
        headers["Authorization"] = self.headers.get("Authorization", "")
        expected = sdk_authorization("GET", self.path, headers, b"")
        ok = expected == headers["Authorization"]
        self.server.verdicts.append((self.path, ok))
        if not ok:
            self.answer(401, {"error_code": "APIGW.0301", "error_msg": "verify aksk signature fail"})
            return
        status = self.server.statuses[min(self.server.polls, len(self.server.statuses) - 1)]
        self.server.polls += 1
        task = {
            "id": TASK,
            "name": "bindInstancePublicIp",
            "user_name": "paas_dms",
            "user_id": "u",
            "params": '{"public_ip_address":"100.93.2.18"}',
            "status": status,
            "created_at": "2020-06-15T08:55:53.606Z",
            "updated_at": "2020-06-15T08:55:56.600Z",
        }
        self.answer(200, {"task_count": "1", "tasks": [task]})

    def answer(self, status: int, payload: dict) -> None:
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Request-Id", "stand-in")
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def server():
    httpd = SdkVerifyingServer()
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def run_module(server: SdkVerifyingServer, args: str, extra_env: dict) -> dict:
    env = {key: value for key, value in os.environ.items() if not key.startswith("HW_")}
    env.update(
        ANSIBLE_NOCOLOR="1",
        ANSIBLE_LOCALHOST_WARNING="0",
        ANSIBLE_PYTHON_INTERPRETER=sys.executable,
        HW_DMS_ENDPOINT="http://127.0.0.1:%d" % server.server_address[1],
        **extra_env,
    )
    done = subprocess.run(
        [str(BIN / "ansible"), "localhost", "-o", "-m", "hwcloud.dms.dms_task_info", "-a", args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    marker = " | SUCCESS => " if " | SUCCESS => " in done.stdout else " | FAILED! => "
    assert marker in done.stdout, done.stdout + done.stderr
    result = json.loads(done.stdout.split(marker, 1)[1])
    result["_outcome"] = marker.strip(" =>|")
    return result


@pytest.mark.parametrize(
    "extra_env",
    [
        pytest.param({}, id="aksk"),
        pytest.param({"HW_SECURITY_TOKEN": "EXAMPLE-SECURITY-TOKEN/with+odd=chars"}, id="aksk-with-security-token"),
    ],
)
def test_waiting_module_is_accepted_by_huaweis_signer(server, extra_env):
    env = dict(HW_ACCESS_KEY=AK, HW_SECRET_KEY=SK, HW_PROJECT_ID=PROJECT, **extra_env)
    result = run_module(
        server, "instance_id=%s task_id=%s wait_for=true wait_sleep=0.1 wait_timeout=30" % (INSTANCE, TASK), env
    )
    assert result["task"]["status"] == "SUCCESS"
    assert result["attempts"] == 3
    assert [ok for _path, ok in server.verdicts] == [True, True, True]


def test_list_with_query_string_is_accepted_by_huaweis_signer(server):
    env = dict(HW_ACCESS_KEY=AK, HW_SECRET_KEY=SK, HW_PROJECT_ID=PROJECT)
    result = run_module(
        server,
        "instance_id=%s name=bindInstancePublicIp begin_time=2024-01-15T16:30:00+08:00 end_time=20240116000000 latest=true"
        % INSTANCE,
        env,
    )
    assert result["task"]["id"] == TASK
    path, ok = server.verdicts[0]
    assert ok, path
    assert "begin_time=20240115083000" in path and "end_time=20240116000000" in path and "limit=100" in path


def test_a_wrong_secret_is_rejected_by_huaweis_signer(server):
    env = dict(HW_ACCESS_KEY=AK, HW_SECRET_KEY=SK + "-wrong", HW_PROJECT_ID=PROJECT, HW_MAX_RETRIES="0")
    result = run_module(server, "instance_id=%s task_id=%s" % (INSTANCE, TASK), env)
    assert result["_outcome"] == "FAILED!"
    assert "HTTP 401" in result["msg"] and "APIGW.0301" in result["msg"]
    assert [ok for _path, ok in server.verdicts] == [False]
