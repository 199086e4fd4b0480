# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""dms_request.main() in-process against the emulator: the change, the wait, check mode, refusals and failures."""

from __future__ import annotations

import pytest

from ansible_collections.hwcloud.dms.plugins.module_utils._module import DmsModule
from ansible_collections.hwcloud.dms.plugins.modules import dms_request
from ansible_collections.hwcloud.dms.tests.unit.plugins.modules.fake_dms import CONNECTION, FakeDms

INSTANCE = "11111111-2222-3333-4444-555555555555"
EXTEND = "/v2/{project_id}/kafka/instances/{instance_id}/extend"
FAST = [{"status": "CREATED", "polls": 1}, {"status": "EXECUTING", "polls": 1}, {"status": "SUCCESS"}]


def _kafka(emulator, timeline=None):
    emulator.admin.create_instance(INSTANCE, engine="kafka")
    emulator.admin.configure_jobs(instance_id=INSTANCE, timeline=timeline or FAST)


def _scale_out(emulator_args, **extra):
    return dict(
        emulator_args,
        method="POST",
        path=EXTEND,
        instance_id=INSTANCE,
        body={"oper_type": "horizontal", "new_broker_num": 5},
        **extra,
    )


def _no_emulator(monkeypatch):
    """The in-process transport instead of the emulator, for checks that must fail before any request."""
    dms = FakeDms()
    monkeypatch.setattr(DmsModule, "session_factory", staticmethod(dms.session))
    return dms


def _api_requests(emulator):
    return emulator.admin.stats()["requests_by_route"]


@pytest.mark.parametrize("patch_ansible_module", [{}], indirect=True)
def test_path_is_required(patch_ansible_module, module_result):
    result = module_result(dms_request.main)
    assert result["failed"] is True and "path" in result["msg"] and "required" in result["msg"]


@pytest.mark.parametrize("patch_ansible_module", [{"path": "/v2/x", "method": "TRACE"}], indirect=True)
def test_method_choices(patch_ansible_module, module_result):
    result = module_result(dms_request.main)
    assert result["failed"] is True and "method" in result["msg"] and "TRACE" in result["msg"]


def test_scale_out_waits_until_the_jobs_task_is_success(run_module, emulator, emulator_args):
    _kafka(emulator)
    result = run_module(dms_request.main, _scale_out(emulator_args, wait_for=True, wait_sleep=0.1))
    assert result["rc"] == 0 and result["changed"] is True and "failed" not in result
    assert result["status"] == 200 and result["json"] == {"job_id": result["job_id"]}
    assert len(result["request_id"]) == 32
    assert result["task"]["id"] == result["job_id"] and result["task"]["status"] == "SUCCESS"
    assert result["task"]["params"] == {"oper_type": "horizontal", "new_broker_num": 5}
    assert result["elapsed"] >= 0.2
    state = emulator.admin.jobs()["instances"][0]
    assert state["broker_num"] == 5
    stats = emulator.admin.stats()
    assert stats["requests_by_route"] == {"kafka.extend": 1, "dms.show_task": 3} and stats["signature_failures"] == 0


def test_a_failing_job_fails_the_module_with_the_task(run_module, emulator, emulator_args):
    _kafka(emulator, timeline=[{"status": "EXECUTING", "polls": 1}, "FAILED"])
    result = run_module(dms_request.main, _scale_out(emulator_args, wait=True, wait_sleep=0.1))
    assert result["failed"] is True and result["changed"] is True
    assert "ended with status FAILED" in result["msg"] and result["task"]["status"] == "FAILED"
    assert result["job_id"] and result["status"] == 200


def test_check_mode_sends_no_change(run_module, emulator, emulator_args):
    _kafka(emulator)
    result = run_module(dms_request.main, _scale_out(emulator_args, wait_for=True, _ansible_check_mode=True))
    assert result["rc"] == 0 and result["changed"] is True and result["status"] is None
    assert result["request"]["method"] == "POST" and result["request"]["body"]["new_broker_num"] == 5
    assert result["request"]["url"] == "%s/v2/%s/kafka/instances/%s/extend" % (
        emulator.url,
        emulator.project_id,
        INSTANCE,
    )
    assert _api_requests(emulator) == {} and emulator.admin.jobs()["jobs"] == []


def test_check_mode_runs_a_get(run_module, emulator, emulator_args):
    _kafka(emulator)
    result = run_module(
        dms_request.main,
        dict(
            emulator_args,
            path="/v2/{project_id}/instances/{instance_id}/tasks",
            instance_id=INSTANCE,
            query={"limit": 5},
            _ansible_check_mode=True,
        ),
    )
    assert result["changed"] is False and result["json"] == {"task_count": "0", "tasks": []}
    assert _api_requests(emulator) == {"dms.list_tasks": 1}


@pytest.mark.parametrize(
    "path",
    [
        "https://evil.example.com/v2/x",
        "//evil.example.com/v2",
        "/v2/%2e%2E/x",
        "/v2/%252e%252e/x",
        "v2/x",
        "/v2/x\r\nX: y",
        "/v2\\x",
        "/v2/{project_id}/{task_id}",
    ],
)
def test_unsafe_paths_are_refused_before_any_request(run_module, path, monkeypatch):
    dms = _no_emulator(monkeypatch)
    result = run_module(dms_request.main, dict(CONNECTION, method="POST", path=path, body={}))
    assert result["failed"] is True and "Option 'path'" in result["msg"] and result["changed"] is False
    assert dms.sent == []


def test_status_code_mismatch_fails_with_the_status(run_module, emulator, emulator_args):
    _kafka(emulator)
    result = run_module(dms_request.main, _scale_out(emulator_args, status_code=[201]))
    assert result["failed"] is True and "answered HTTP 200, not the expected status (201)" in result["msg"]
    assert result["changed"] is True and result["job_id"]


def test_an_api_error_names_code_message_and_request_id(run_module, emulator, emulator_args):
    _kafka(emulator)
    result = run_module(dms_request.main, dict(_scale_out(emulator_args), body={"oper_type": "sideways"}))
    assert result["failed"] is True and result["changed"] is False and result["status"] == 400
    assert "HTTP 400: DMS.00400062 Invalid request parameter: oper_type" in result["msg"]
    assert "X-Request-Id: %s" % result["request_id"] in result["msg"]


def test_wait_for_without_a_job_id_fails_after_the_change(run_module, emulator, emulator_args):
    _kafka(emulator)
    result = run_module(
        dms_request.main,
        dict(
            emulator_args,
            method="POST",
            instance_id=INSTANCE,
            wait_for=True,
            path="/v2/{project_id}/instances/{instance_id}/topics",
            body={"id": "orders"},
        ),
    )
    assert result["failed"] is True and result["changed"] is True and "has no job_id" in result["msg"]
    assert result["json"] == {"name": "orders"}
    assert emulator.admin.jobs()["instances"][0]["topics"] == ["orders"]


def test_unknown_api_is_the_gateways_404(run_module, emulator, emulator_args):
    result = run_module(dms_request.main, dict(emulator_args, path="/v2/{project_id}/nothing/here"))
    assert result["failed"] is True and result["status"] == 404 and "APIGW.0101" in result["msg"]


def test_body_must_be_a_dict_or_list(run_module, monkeypatch):
    dms = _no_emulator(monkeypatch)
    result = run_module(dms_request.main, dict(CONNECTION, method="POST", path="/v2/x", body="text"))
    assert result["failed"] is True and "Option 'body' must be a dictionary or a list" in result["msg"]
    assert dms.sent == []
