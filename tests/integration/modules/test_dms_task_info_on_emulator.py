# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""dms_task_info.main() in-process: argument spec errors, check mode, and the exit and fail paths (with the partial result)."""

from __future__ import annotations

import pytest

from ansible_collections.hwcloud.dms.plugins.modules import dms_task_info

INSTANCE = "11111111-2222-3333-4444-555555555555"
EMPTY = {"changed": False, "tasks": [], "task_count": 0, "elapsed": 0.0, "attempts": 0}


# --- argument spec and option checks: no request is made ----------------------------------------------------------


@pytest.mark.parametrize("patch_ansible_module", [{}], indirect=True)
def test_missing_instance_id_is_ansibles_required_error(patch_ansible_module, module_result):
    result = module_result(dms_task_info.main)
    assert result["rc"] == 1 and result["failed"] is True
    assert "instance_id" in result["msg"] and "required" in result["msg"]


@pytest.mark.parametrize("patch_ansible_module", [{"instance_id": INSTANCE, "wait_timeout": "ten"}], indirect=True)
def test_wrongly_typed_option_names_it(patch_ansible_module, module_result):
    result = module_result(dms_task_info.main)
    assert result["failed"] is True and "wait_timeout" in result["msg"] and "int" in result["msg"]


@pytest.mark.parametrize(
    "patch_ansible_module",
    [{"instance_id": INSTANCE, "access_key": "AKEXAMPLE", "secret_key": "SKEXAMPLE-value", "bogus": 1}],
    indirect=True,
)
def test_unknown_option_is_refused(patch_ansible_module, module_result):
    result = module_result(dms_task_info.main)
    assert result["failed"] is True and "bogus" in result["msg"]


@pytest.mark.parametrize(
    "patch_ansible_module",
    [
        {
            "instance_id": "../x",
            "endpoint": "http://127.0.0.1:1",
            "project_id": "p",
            "access_key": "a",
            "secret_key": "b",
        }
    ],
    indirect=True,
)
def test_bad_instance_id_fails_with_the_empty_result(patch_ansible_module, module_result):
    result = module_result(dms_task_info.main)
    assert "'instance_id'" in result["msg"] and "letters, digits" in result["msg"]
    assert {key: result[key] for key in EMPTY} == EMPTY and result["failed"] is True


def test_missing_credentials_name_the_variables_and_no_request_is_sent(run_module, emulator, emulator_args):
    args = dict(emulator_args, instance_id=INSTANCE, access_key=None, secret_key=None)
    result = run_module(dms_task_info.main, args)
    assert "Missing credentials: access_key and secret_key." in result["msg"] and "HW_ACCESS_KEY" in result["msg"]
    # The real elapsed time (no request was made: well under a second, even on a loaded machine).
    assert {key: result[key] for key in EMPTY if key != "elapsed"} == {
        "changed": False,
        "tasks": [],
        "task_count": 0,
        "attempts": 0,
    }
    assert 0 <= result["elapsed"] < 1.0
    assert emulator.admin.stats()["requests_by_route"] == {}


# --- against the emulator ----------------------------------------------------------------------------------------------


def test_show_exits_with_the_task(run_module, emulator, emulator_args):
    task = emulator.admin.create_task(instance_id="inst-1", name="bindInstancePublicIp", timeline="SUCCESS")
    result = run_module(dms_task_info.main, dict(emulator_args, instance_id="inst-1", task_id=task["id"]))
    assert result["rc"] == 0 and result["changed"] is False and "failed" not in result
    assert result["task"]["id"] == task["id"] and result["task"]["status"] == "SUCCESS"
    assert (result["task_count"], result["attempts"]) == (1, 1) and 0 < result["elapsed"] < 5.0


def test_check_mode_reads_the_same(run_module, emulator, emulator_args):
    task = emulator.admin.create_task(instance_id="inst-1", timeline="SUCCESS")
    result = run_module(
        dms_task_info.main, dict(emulator_args, instance_id="inst-1", task_id=task["id"], _ansible_check_mode=True)
    )
    assert result["rc"] == 0 and result["changed"] is False and result["task"]["id"] == task["id"]
    assert emulator.admin.stats()["requests_by_route"] == {"dms.show_task": 1}


def test_environment_fills_the_unset_options_and_task_options_win(run_module, emulator, monkeypatch, module_warnings):
    task = emulator.admin.create_task(instance_id="inst-1", timeline="SUCCESS")
    monkeypatch.setenv("HW_ACCESS_KEY", emulator.access_key)
    monkeypatch.setenv("HW_SECRET_KEY", emulator.secret_key)
    monkeypatch.setenv("HW_PROJECT_ID", emulator.project_id)
    monkeypatch.setenv("HW_DMS_ENDPOINT", "http://127.0.0.1:1")  # the task's endpoint wins
    monkeypatch.setenv(
        "HW_AUTH_TOKEN", "MIIEXAMPLE-ignored-token"
    )  # AK/SK wins among environment methods, with a warning
    result = run_module(
        dms_task_info.main, dict(instance_id="inst-1", task_id=task["id"], endpoint=emulator.url, retries=0)
    )
    assert result["rc"] == 0 and result["task"]["id"] == task["id"]
    assert len(module_warnings) == 1 and "using access_key/secret_key" in module_warnings[0]
    assert "MIIEXAMPLE-ignored-token" not in str(result)


def test_a_secret_from_the_environment_is_masked_in_the_output(run_module, emulator, emulator_args, monkeypatch):
    # Ansible masks the no_log values it filled in itself; the late-bound ones DmsModule adds, so the echo below is hidden too.
    emulator.admin.create_task(instance_id="inst-1", name="bindInstancePublicIp", timeline="SUCCESS")
    monkeypatch.setenv("HW_SECRET_KEY", emulator.secret_key)
    args = dict(emulator_args, instance_id="inst-1", secret_key=None, name=emulator.secret_key)
    result = run_module(dms_task_info.main, args)
    assert result["rc"] == 0 and result["task_count"] == 0
    assert emulator.secret_key not in str(result)
    assert result["invocation"]["module_args"]["secret_key"] is None


def test_api_error_fails_with_the_empty_result(run_module, emulator, emulator_args):
    emulator.admin.create_instance("inst-1")  # an unknown instance is its own error (test_messages.py)
    result = run_module(dms_task_info.main, dict(emulator_args, instance_id="inst-1", task_id="no-such-task"))
    assert result["rc"] == 1 and result["failed"] is True
    assert "no-such-task" in result["msg"] and "not found" in result["msg"]
    # The real numbers: one request (a 404 is not retried) and the time it took (5 s of margin for a loaded machine).
    assert {key: result[key] for key in EMPTY if key != "elapsed"} == {
        "changed": False,
        "tasks": [],
        "task_count": 0,
        "attempts": 1,
    }
    assert 0 < result["elapsed"] < 5.0


def test_wait_timeout_fails_with_the_partial_result(run_module, emulator, emulator_args):
    task = emulator.admin.create_task(instance_id="inst-1", name="restartInstance", timeline="EXECUTING")
    args = dict(emulator_args, instance_id="inst-1", task_id=task["id"], wait_for=True, wait_timeout=1, wait_sleep=0.2)
    result = run_module(dms_task_info.main, args)
    assert result["failed"] is True and result["changed"] is False
    assert "Timed out after wait_timeout=1 s" in result["msg"] and "raise wait_timeout" in result["msg"]
    assert result["task"]["status"] == "EXECUTING" and result["task_count"] == 1
    assert result["attempts"] >= 2 and 0.9 <= result["elapsed"] < 3 and result["transient_errors"] == 0


def test_task_failure_fails_but_returns_the_task(run_module, emulator, emulator_args):
    task = emulator.admin.create_task(instance_id="inst-1", name="kafkaConfigModify", timeline="FAILED")
    result = run_module(dms_task_info.main, dict(emulator_args, instance_id="inst-1", task_id=task["id"], wait=True))
    assert (
        result["failed"] is True
        and "ended with status FAILED" in result["msg"]
        and "fail_on_task_failure" in result["msg"]
    )
    assert result["task"]["status"] == "FAILED" and result["attempts"] == 1


# --- the server's clock (issue 17) --------------------------------------------------------------------------------


def _noted_now():
    import time

    return time.strftime("%Y%m%d%H%M%S", time.gmtime())


@pytest.mark.parametrize("skew", [-30, 30])
def test_begin_time_on_a_skewed_server_finds_the_new_task_and_warns_once(
    run_module, emulator, emulator_args, module_warnings, skew
):
    emulator.admin.set_clock_skew(skew)
    emulator.admin.create_task(instance_id=INSTANCE, name="bindInstancePublicIp", timeline="SUCCESS", created_ago=20)
    noted = _noted_now()
    new = emulator.admin.create_task(instance_id=INSTANCE, name="bindInstancePublicIp", timeline="SUCCESS")
    result = run_module(
        dms_task_info.main,
        dict(emulator_args, instance_id=INSTANCE, name="bindInstancePublicIp", begin_time=noted, latest=True),
    )
    assert result["rc"] == 0 and result["task"]["id"] == new["id"] and result["task_count"] == 1
    assert result["clock"]["server_offset"] == pytest.approx(skew, abs=1.1) and result["clock"]["begin_time"] != noted
    clock_warnings = [warning for warning in module_warnings if "The DMS API's clock is about" in warning]
    assert len(clock_warnings) == 1 and "NTP" in clock_warnings[0]
    assert ("behind" if skew < 0 else "ahead of") in clock_warnings[0]
    # Two list calls: the first on this host's clock, then the corrected one.
    assert emulator.admin.stats()["requests_by_route"] == {"dms.list_tasks": 2}


def test_agreeing_clocks_neither_warn_nor_read_twice(run_module, emulator, emulator_args, module_warnings):
    new = emulator.admin.create_task(instance_id=INSTANCE, name="bindInstancePublicIp", timeline="SUCCESS")
    result = run_module(
        dms_task_info.main,
        dict(
            emulator_args,
            instance_id=INSTANCE,
            name="bindInstancePublicIp",
            begin_time="2020-01-01T00:00:00Z",
            latest=True,
        ),
    )
    assert result["task"]["id"] == new["id"] and result["clock"]["begin_time"] == "20200101000000"
    assert result["clock"]["server_offset"] == pytest.approx(0, abs=1.1)
    assert not [warning for warning in module_warnings if "clock" in warning]
    assert emulator.admin.stats()["requests_by_route"] == {"dms.list_tasks": 1}


def test_signature_expired_fails_naming_the_clock(run_module, emulator, emulator_args, module_warnings):
    emulator.admin.create_instance(INSTANCE)
    emulator.admin.set_clock_skew(-20 * 60)
    result = run_module(dms_task_info.main, dict(emulator_args, instance_id=INSTANCE))
    assert result["rc"] == 1 and result["failed"] is True
    assert "APIGW.0303" in result["msg"] and "This host's clock is the cause" in result["msg"]
    assert "behind it" in result["msg"] and "NTP" in result["msg"]
    assert result["clock"]["begin_time"] is None and result["tasks"] == []
    # The failing answer was dated too: the skew warning comes with the failure.
    assert len([warning for warning in module_warnings if "The DMS API's clock is about" in warning]) == 1
