"""Fault injection through the admin API, applied to signed DMS requests."""

from __future__ import annotations

import json

import pytest
from emu_harness import INSTANCE


@pytest.fixture
def task(harness):
    harness.admin("POST", "/_emulator/tasks", {"instance_id": INSTANCE, "id": "t"})
    harness.admin("POST", "/_emulator/tasks", {"instance_id": INSTANCE, "id": "u"})
    return "t"


def _fault(harness, **spec):
    status, body = harness.admin("POST", "/_emulator/faults", spec)
    assert status == 201, body
    return body


def test_429_with_and_without_retry_after(harness, task):
    _fault(harness, kind="status", status=429, retry_after=3, count=1)
    _fault(harness, kind="status", status=429, count=1)
    reply, body = harness.call("GET", harness.task_path(task))
    assert reply.status == 429 and reply.headers["Retry-After"] == "3" and body["error_code"] == "APIGW.0308"
    reply, body = harness.call("GET", harness.task_path(task))
    assert reply.status == 429 and "Retry-After" not in reply.headers
    assert harness.call("GET", harness.task_path(task))[0].status == 200


@pytest.mark.parametrize("code", [500, 502, 503])
def test_5xx_html(harness, task, code):
    _fault(harness, kind="status", status=code, count=1)
    reply, body = harness.call("GET", harness.task_path(task))
    assert reply.status == code and body is None and reply.body.startswith(b"<html>")
    assert reply.headers["Content-Type"] == "text/html"


def test_arbitrary_body(harness, task):
    _fault(harness, kind="status", status=400, body={"error_code": "DMS.00400026", "error_msg": "busy"})
    reply, body = harness.call("GET", harness.task_path(task))
    assert reply.status == 400 and body["error_code"] == "DMS.00400026"


def test_unlimited_until_cleared(harness, task):
    _fault(harness, kind="status", status=503)
    assert [harness.call("GET", harness.task_path(task))[0].status for dummy in range(3)] == [503] * 3
    status, body = harness.admin("DELETE", "/_emulator/faults")
    assert status == 200 and body == {"cleared": 1}
    assert harness.call("GET", harness.task_path(task))[0].status == 200


def test_task_scope(harness, task):
    _fault(harness, kind="status", status=500, scope="task", task_id="u")
    assert harness.call("GET", harness.task_path("t"))[0].status == 200
    assert harness.call("GET", harness.task_path("u"))[0].status == 500


def test_path_scope_and_method(harness, task):
    _fault(harness, kind="status", status=502, scope="path", path="/tasks/t", method="DELETE")
    assert harness.call("GET", harness.task_path("t"))[0].status == 200
    assert harness.call("DELETE", harness.task_path("t"))[0].status == 502


def test_delay_then_normal_answer(harness, task):
    _fault(harness, kind="delay", seconds=2.5, count=1)
    assert harness.call("GET", harness.task_path(task))[0].status == 200
    assert harness.slept == [2.5]


def test_drop(harness, task):
    _fault(harness, kind="drop", count=1)
    reply, dummy = harness.call("GET", harness.task_path(task))
    assert reply.drop


def test_not_json(harness, task):
    _fault(harness, kind="not_json", count=1)
    reply, dummy = harness.call("GET", harness.task_path(task))
    assert reply.status == 200
    with pytest.raises(ValueError):
        json.loads(reply.body.decode("utf-8"))


def test_empty_tasks(harness, task):
    _fault(harness, kind="empty_tasks", count=1)
    dummy, body = harness.call("GET", harness.task_path(task))
    assert body == {"task_count": "0", "tasks": []}


def test_missing_fields(harness, task):
    _fault(harness, kind="missing_fields", fields=["status", "updated_at"], count=1)
    dummy, body = harness.call("GET", harness.task_path())
    assert all("status" not in t and "updated_at" not in t and "id" in t for t in body["tasks"])


def test_oversized(harness, task):
    _fault(harness, kind="oversized", size=2_000_000, count=1)
    reply, body = harness.call("GET", harness.task_path(task))
    assert len(reply.body) > 2_000_000 and body["task_count"] == "1"


def test_faults_do_not_hide_auth_failures(harness, task):
    _fault(harness, kind="status", status=500)
    assert harness.call("GET", harness.task_path(task), sk="bad")[0].status == 401


def test_faults_are_counted_and_listed(harness, task):
    _fault(harness, kind="status", status=500, count=2)
    harness.call("GET", harness.task_path(task))
    dummy, listing = harness.admin("GET", "/_emulator/faults")
    assert listing["faults"][0]["count"] == 1 and listing["faults"][0]["applied"] == 1
    assert harness.emu.stats.snapshot()["faults_applied"] == {"status": 1}


@pytest.mark.parametrize(
    "spec",
    [
        {"kind": "explode"},
        {"kind": "status"},
        {"kind": "drop", "count": 0},
        {"kind": "drop", "scope": "task"},
        {"kind": "drop", "scope": "path"},
    ],
)
def test_bad_fault_specs(harness, spec):
    status, body = harness.admin("POST", "/_emulator/faults", spec)
    assert status == 400 and body["error"]
