# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""dms_request in real playbooks against the emulator (issue 14): a scale-out waited for until its job's task is
SUCCESS, a failing job, check mode sending nothing, unsafe paths refused before any request, status_code mismatch,
wait_for without a job_id, and no secret in any output at -vvv."""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path
from typing import Any

import pytest

from dms_emulator.pytest_plugin import EmulatorHandle
from dms_emulator.testing import EmulatorProcess

FAST = [{"status": "CREATED", "polls": 1}, {"status": "EXECUTING", "polls": 1}, {"status": "SUCCESS"}]
KAFKA_OK, KAFKA_FAILING, KAFKA_STATUS, RABBITMQ = "kafka-ok-0001", "kafka-fail-0002", "kafka-status-0003", "rabbit-0004"


def _instance(admin, instance_id, engine="kafka", timeline=None):
    admin.create_instance(instance_id, engine=engine)
    admin.configure_jobs(instance_id=instance_id, timeline=timeline or FAST)


def _state(admin, instance_id):
    return next(item for item in admin.jobs()["instances"] if item["instance_id"] == instance_id)


def test_changes_are_started_and_waited_for(emulator, playbook):
    admin = emulator.admin
    for instance_id in (KAFKA_OK, KAFKA_STATUS):
        _instance(admin, instance_id)
    _instance(admin, KAFKA_FAILING, timeline=[{"status": "EXECUTING", "polls": 1}, "FAILED"])
    _instance(admin, RABBITMQ, engine="rabbitmq")
    run = playbook(
        "request.yml",
        {"kafka_ok": KAFKA_OK, "kafka_failing": KAFKA_FAILING, "kafka_status": KAFKA_STATUS, "rabbitmq": RABBITMQ},
    )
    assert run.returncode == 0, run
    saved = run.results["request"]

    scale_out = saved["scale_out"]
    assert scale_out["changed"] is True and not scale_out.get("failed")
    assert scale_out["status"] == 200 and scale_out["json"] == {"job_id": scale_out["job_id"]}
    assert scale_out["task"]["id"] == scale_out["job_id"] and scale_out["task"]["status"] == "SUCCESS"
    assert scale_out["task"]["name"] == "kafkaInstanceExtend" and len(scale_out["request_id"]) == 32
    assert _state(admin, KAFKA_OK)["broker_num"] == 5

    failing = saved["failing"]
    assert failing["failed"] is True and failing["changed"] is True and failing["task"]["status"] == "FAILED"
    assert "ended with status FAILED" in failing["msg"] and failing["job_id"] in failing["msg"]
    assert _state(admin, KAFKA_FAILING)["broker_num"] == 3

    mismatch = saved["mismatch"]
    assert mismatch["failed"] is True and mismatch["status"] == 200
    assert "answered HTTP 200, not the expected status (202)" in mismatch["msg"] and mismatch["job_id"]

    no_job = saved["no_job"]
    assert no_job["failed"] is True and no_job["changed"] is True and no_job["json"] == {"name": "orders"}
    assert "has no job_id" in no_job["msg"] and "WAS sent" in no_job["msg"]

    plugin = saved["plugin"]
    assert plugin["task"]["status"] == "SUCCESS" and _state(admin, RABBITMQ)["plugins"] == ["rabbitmq_shovel"]

    read_back = saved["read_back"]
    assert read_back["changed"] is False and read_back["json"]["tasks"][0]["id"] == scale_out["job_id"]

    stats = admin.stats()
    assert stats["signature_failures"] == 0
    # One POST per change, none repeated; the topic call had no job so nothing was polled for it.
    routes = stats["requests_by_route"]
    assert (routes["kafka.extend"], routes["topics.create"], routes["rabbitmq.update_plugins"]) == (3, 1, 1)
    assert re.search(r"localhost\s+: ok=7\s+changed=5 .*ignored=3", run.stdout), run.stdout


def test_check_mode_sends_nothing(emulator, playbook, instance_id):
    _instance(emulator.admin, instance_id)
    run = playbook("request_check.yml", args=["--check"])
    assert run.returncode == 0, run
    planned = run.results["request_check"]["planned"]
    assert planned["changed"] is True and planned["status"] is None and "task" not in planned
    assert planned["request"] == {
        "method": "POST",
        "body": {"oper_type": "horizontal", "new_broker_num": 5},
        "url": "%s/v2/%s/kafka/instances/%s/extend" % (emulator.url, emulator.project_id, instance_id),
    }
    stats = emulator.admin.stats()
    assert stats["requests"] == 0 and stats["requests_by_route"] == {}
    assert emulator.admin.jobs()["jobs"] == []


UNSAFE = [
    "https://evil.example.com/v2/x",
    "//evil.example.com/v2/x",
    "v2/{project_id}/x",
    "/v2/{project_id}/../../v3/auth/tokens",
    "/v2/%2e%2e/x",
    "/v2/%2E%2e/x",
    "/v2/%252e%252e/x",
    "/v2/..%2Fx",
    "/v2\\..\\x",
    "/v2/%5cx",
    "/v2/x%0d%0aX-Injected:%201",
    "/v2/x?limit=1",
    "/v3/auth/tokens",
    "/v2/{project_id}/{job}",
]


def test_each_unsafe_path_is_refused_before_any_request(emulator, playbook):
    run = playbook("request_unsafe.yml", {"unsafe_paths": UNSAFE})
    assert run.returncode == 0, run
    refused = run.results["request_unsafe"]["refused"]
    assert [item["item"] for item in refused] == UNSAFE
    for item in refused:
        assert item["failed"] is True and item["changed"] is False, item
        assert "Option 'path'" in item["msg"] and "Traceback" not in item["msg"], item
    assert emulator.admin.stats()["requests"] == 0


def _secrets_harness() -> Any:
    spec = importlib.util.spec_from_file_location("request_secrets_harness", Path(__file__).with_name("conftest.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


AK = "REQSECRETSAK00000001"
SK = "ReqSk-9w2KxQ7vB3nM5-distinctive"
TOKEN = "ReqTok-6hT1yU8iO4pL2-distinctive"
WRONG_SK = "ReqWrongSk-1zX5cV7bN3mA8-distinctive"


@pytest.fixture
def logged_emulator(tmp_path):
    """An emulator whose request log (stderr) goes to a file the test reads."""
    log_path = tmp_path / "emulator.log"
    process = EmulatorProcess(quiet=False, log_path=str(log_path)).start()
    try:
        handle = EmulatorHandle(url=process.url, admin=process.admin())
        handle.admin.add_credentials(access_keys=[{"access_key": AK, "secret_key": SK, "security_token": TOKEN}])
        yield handle, log_path
    finally:
        process.stop()


def test_no_secret_in_any_output_at_vvv(logged_emulator, tmp_path, instance_id):
    emulator, log_path = logged_emulator
    _instance(emulator.admin, instance_id)
    runner = _secrets_harness().PlaybookRunner(emulator, tmp_path)
    emulator.admin.add_fault(kind="status", status=503, scope="path", path="/plain-ssl-switch", method="POST")
    env = runner.env(HW_ACCESS_KEY=AK, HW_SECRET_KEY=SK, HW_SECURITY_TOKEN=TOKEN)
    run = runner("request_secrets.yml", {"wrong_sk": WRONG_SK}, env=env, args=["-vvv"])
    assert run.returncode == 0, run
    saved = run.results["request_secrets"]
    assert saved["ok"]["task"]["status"] == "SUCCESS"
    assert saved["bad_signature"]["failed"] and "HTTP 401" in saved["bad_signature"]["msg"]
    server_error = saved["server_error"]
    assert server_error["failed"] is True and server_error["status"] == 503
    assert "POST is not retried after a server error" in server_error["msg"]
    stats = emulator.admin.stats()
    assert stats["auth_failures_by_reason"].get("signature_mismatch") == 1
    assert stats["requests_by_route"]["kafka.plain_ssl_switch"] == 1  # sent once although retries is 5
    emulator.admin.reset()
    log_text = log_path.read_text(encoding="utf-8")
    haystacks = {"stdout": run.stdout, "stderr": run.stderr, "results": json.dumps(saved), "emulator log": log_text}
    assert "ESTABLISH LOCAL CONNECTION" in run.stdout and "/extend" in log_text
    for where, text in haystacks.items():
        for secret in (SK, TOKEN, WRONG_SK):
            assert secret not in text, "%s leaked in %s" % (secret[:8], where)
