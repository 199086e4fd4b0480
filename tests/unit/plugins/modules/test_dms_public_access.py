# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""dms_public_access.main() in-process with no emulator process: option errors before any request, and runs on the
in-process fake transport (FakeDms). The runs against an emulator process are in tests/integration/modules."""

from __future__ import annotations

import pytest

from ansible_collections.hwcloud.dms.plugins.modules import dms_public_access
from ansible_collections.hwcloud.dms.tests.unit.plugins.modules.fake_dms import CONNECTION as FAKE_CONNECTION
from ansible_collections.hwcloud.dms.tests.unit.plugins.modules.fake_dms import PROJECT

INSTANCE = "11111111-2222-3333-4444-555555555555"
# One name per line: ansible's doc parser (run by ansible-lint over tests/unit/plugins/modules) warns on tuple targets.
A = "1aea7aed-e7d8-40ea-b3de-6f3ee9d5db9f"
B = "2bfb8bfe-f8e9-41fb-c4ef-7f4ff0e6ec0a"
FAILURE_KEYS = ("changed", "instance", "task", "actions", "elapsed")
CONNECTION = {
    "endpoint": "http://127.0.0.1:1",
    "project_id": "p",
    "access_key": "AKEXAMPLE",
    "secret_key": "SKEXAMPLE-value",
}


# --- option errors: no request is made -----------------------------------------------------------------------------


@pytest.mark.parametrize("patch_ansible_module", [dict(CONNECTION, instance_id=INSTANCE)], indirect=True)
def test_present_without_public_ip_ids_is_ansibles_required_if(patch_ansible_module, module_result):
    result = module_result(dms_public_access.main)
    assert result["failed"] is True and "public_ip_ids" in result["msg"]


@pytest.mark.parametrize(
    "patch_ansible_module, message",
    [
        (dict(CONNECTION, instance_id=INSTANCE, public_ip_ids=[]), "must not be empty"),
        (dict(CONNECTION, instance_id=INSTANCE, public_ip_ids=["%s ../x" % A]), "cannot be an EIP id"),
        (dict(CONNECTION, instance_id=INSTANCE, public_ip_ids=[A, A]), "more than once"),
        (dict(CONNECTION, instance_id="../x", public_ip_ids=[A]), "'instance_id'"),
        (dict(CONNECTION, instance_id=INSTANCE, public_ip_ids=[A], wait_sleep=1000), "must not exceed"),
        # Before: "Unexpected OverflowError" for 10**400, and 1e12 accepted; every module caps at one day.
        (dict(CONNECTION, instance_id=INSTANCE, public_ip_ids=[A], wait_timeout=10**400), "at most 86400 seconds"),
        (dict(CONNECTION, instance_id=INSTANCE, public_ip_ids=[A], wait_timeout=10**12), "at most 86400 seconds"),
        (dict(CONNECTION, instance_id=INSTANCE, public_ip_ids=[A], wait_sleep=float("inf")), "must not exceed"),
    ],
    indirect=["patch_ansible_module"],
)
def test_bad_options_fail_with_the_failure_keys(patch_ansible_module, module_result, message):
    result = module_result(dms_public_access.main)
    assert result["failed"] is True and message in result["msg"]
    assert {key: result[key] for key in FAILURE_KEYS} == {
        "changed": False,
        "instance": {},
        "task": None,
        "actions": [],
        "elapsed": 0.0,
    }


@pytest.mark.parametrize(
    "patch_ansible_module", [dict(CONNECTION, instance_id=INSTANCE, state="on", public_ip_ids=[A])], indirect=True
)
def test_unknown_state_is_refused(patch_ansible_module, module_result):
    result = module_result(dms_public_access.main)
    assert result["failed"] is True and "state" in result["msg"]


# --- on the in-process fake transport ---------------------------------------------------------------------------------


DETAIL_PATH = "/v2/%s/instances/%s" % (PROJECT, INSTANCE)
TASKS_PATH = DETAIL_PATH + "/tasks"


def _rabbit(enabled=False, **extra):
    detail = {"engine": "rabbitmq", "instance_id": INSTANCE, "status": "RUNNING", "enable_publicip": enabled}
    if enabled:
        detail.update(publicip_id=A, publicip_address="100.64.0.1", public_connect_address="100.64.0.1:5672")
    detail.update(extra)
    return detail


def _fake_args(**extra):
    args = dict(FAKE_CONNECTION, instance_id=INSTANCE, public_ip_ids=[A], wait_sleep=0.5, wait_timeout=5)
    args.update(extra)
    return args


def _sent(dms, method):
    return [request for request in dms.sent if request["method"] == method]


def test_a_put_answered_500_that_was_made_is_not_repeated_and_reports_changed(run_module, dms):
    # Before: the client repeated the PUT after the 500, DMS said "already enabled", the module failed changed: false.
    dms.answer("GET", DETAIL_PATH, (200, _rabbit()), (200, _rabbit(True)))
    dms.answer("PUT", DETAIL_PATH, (500, {"error_code": "DMS.00500000", "error_msg": "Internal error"}))
    result = run_module(dms_public_access.main, _fake_args(retries=2))  # the client would repeat a GET; not a change
    assert result["rc"] == 0 and result["changed"] is True and result["actions"] == ["bind"]
    assert len(_sent(dms, "PUT")) == 1 and result["instance"]["enable_publicip"] is True


def test_an_impossible_task_date_is_ignored_not_unexpected(run_module, dms):
    # Before: "Unexpected ValueError in hwcloud.dms (please report it): month must be in 1..12", changed: false.
    dms.answer("GET", DETAIL_PATH, (200, _rabbit()), (200, _rabbit(True)))
    dms.answer("PUT", DETAIL_PATH, (204, None))
    broken = {"id": "t-x", "name": "bindInstancePublicIp", "status": "SUCCESS", "created_at": "2024-13-45T99:99:99Z"}
    dms.answer("GET", TASKS_PATH, (200, {"task_count": "1", "tasks": [broken]}))
    result = run_module(dms_public_access.main, _fake_args(wait_timeout=2))
    # The broken task never counts as the change's task; the instance shows the change: done, not "Unexpected".
    assert result.get("failed") is not True and result["changed"] is True and result["task"] is None


@pytest.mark.parametrize("publicip_id", [None, 7])
def test_unreadable_bound_eips_are_left_alone_with_one_warning(run_module, dms, module_warnings, publicip_id):
    # Before: unbind + bind on every run (public access dropped each time).
    detail = _rabbit(True, publicip_id=publicip_id)
    dms.answer("GET", DETAIL_PATH, (200, detail))
    result = run_module(dms_public_access.main, _fake_args(public_ip_ids=[B]))
    assert result["changed"] is False and _sent(dms, "PUT") == []
    assert sum("does not list the bound EIP ids" in warning for warning in module_warnings) == 1


def test_a_huge_engine_makes_a_bounded_message(run_module, dms):
    dms.answer("GET", DETAIL_PATH, (200, _rabbit(engine="e" * 1000000)))
    result = run_module(dms_public_access.main, _fake_args())
    assert result["failed"] is True and "does not know" in result["msg"] and len(result["msg"]) < 1500


EIP_LIST_PATH = "/v1/%s/publicips" % PROJECT


def test_no_eip_permission_warns_once_naming_it_and_uses_the_detail(run_module, dms, module_warnings):
    forbidden = {"code": "VPC.0003", "message": "Policy doesn't allow vpc:publicIps:list to be performed."}
    dms.answer("GET", EIP_LIST_PATH, (403, forbidden))
    dms.answer("GET", DETAIL_PATH, (200, _rabbit(True)))
    result = run_module(dms_public_access.main, _fake_args(public_ip_ids=[A]))
    assert result["rc"] == 0 and result["changed"] is False and result["public_ip_ids"] == [A]
    permission = [warning for warning in module_warnings if "vpc:publicIps:list" in warning]
    assert len(permission) == 1 and "relies on the DMS instance detail alone" in permission[0]
    assert len([r for r in dms.sent if r["path"] == EIP_LIST_PATH]) == 1  # not asked again after the 403


def test_the_eip_lookup_is_signed_and_carries_repeated_filters(run_module, dms):
    eip = {"id": A, "public_ip_address": "100.64.0.1", "status": "ACTIVE", "port_id": "p"}
    dms.answer("GET", EIP_LIST_PATH, (200, {"publicips": [eip]}))
    dms.answer("GET", DETAIL_PATH, (200, _rabbit(True, publicip_id=None)))
    result = run_module(dms_public_access.main, _fake_args(public_ip_ids=[A]))
    assert result["changed"] is False and result["public_ip_ids"] == [A]
    lookup = next(r for r in dms.sent if r["path"] == EIP_LIST_PATH)
    assert lookup["query"] == "limit=100&public_ip_address=100.64.0.1"
    assert lookup["headers"]["Authorization"].startswith("SDK-HMAC-SHA256 Access=")
    assert lookup["headers"]["X-Project-Id"] == PROJECT
