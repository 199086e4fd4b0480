# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The modules' main() end to end with no emulator process: the transport is FakeDms, given to DmsModule.

What is checked here is the action contract as a user sees it: each main() parses its options before any request,
runs its action, and every failure goes through the one failure path (the partial result a DmsFailure carries,
changed: true once a change was sent).
"""

from __future__ import annotations

from ansible_collections.hwcloud.dms.plugins.module_utils._errors import DmsError
from ansible_collections.hwcloud.dms.plugins.module_utils._module import DmsModule
from ansible_collections.hwcloud.dms.plugins.modules import dms_request, dms_task_info
from ansible_collections.hwcloud.dms.tests.unit.plugins.modules.fake_dms import (
    CONNECTION,
    INSTANCE,
    PROJECT,
    task_answer,
    task_path,
)

JOB = "8abfa7b272adc5b40172b73130065ae7"
EXTEND = "/v2/%s/kafka/instances/%s/extend" % (PROJECT, INSTANCE)
SCALE_OUT = dict(
    CONNECTION,
    method="POST",
    path="/v2/{project_id}/kafka/instances/{instance_id}/extend",
    instance_id=INSTANCE,
    body={"oper_type": "horizontal", "new_broker_num": 5},
)
# The poll floor: each later read comes 0.5 s after the one before, so these tests take about a second each at most.
FAST = dict(wait_for=True, wait_sleep=0.5)


def test_a_change_and_its_job_are_sent_signed_and_waited_for(run_module, dms):
    dms.answer("POST", EXTEND, (200, {"job_id": JOB}))
    dms.answer("GET", task_path(JOB), task_answer(JOB, "EXECUTING"), task_answer(JOB, "SUCCESS"))
    result = run_module(dms_request.main, dict(SCALE_OUT, **FAST))
    assert result["rc"] == 0, result
    assert (result["changed"], result["status"], result["job_id"]) == (True, 200, JOB)
    assert result["task"]["status"] == "SUCCESS" and result["request_id"] == "fake-request-1"
    assert [(sent["method"], sent["path"]) for sent in dms.sent] == [
        ("POST", EXTEND),
        ("GET", task_path(JOB)),
        ("GET", task_path(JOB)),
    ]
    assert all(sent["headers"]["Authorization"].startswith("SDK-HMAC-SHA256 ") for sent in dms.sent)
    # Bounded by what the module measures: two reads 0.5 s apart, with 5 s of margin for a loaded machine.
    assert 0.5 <= result["elapsed"] < 5.5


def test_a_failed_job_fails_through_the_one_path_with_changed_and_the_task(run_module, dms):
    dms.answer("POST", EXTEND, (200, {"job_id": JOB}))
    dms.answer("GET", task_path(JOB), task_answer(JOB, "FAILED"))
    result = run_module(dms_request.main, dict(SCALE_OUT, **FAST))
    assert result["failed"] is True and result["changed"] is True, result
    assert result["task"]["status"] == "FAILED" and result["job_id"] == JOB
    assert "ended with status FAILED" in result["msg"]


def test_a_wait_that_times_out_after_the_change_reports_changed_and_elapsed(run_module, dms):
    dms.answer("POST", EXTEND, (200, {"job_id": JOB}))
    dms.answer("GET", task_path(JOB), task_answer(JOB, "EXECUTING"))
    result = run_module(dms_request.main, dict(SCALE_OUT, wait_timeout=1, **FAST))
    assert result["failed"] is True and result["changed"] is True, result
    assert "Timed out after wait_timeout=1 s" in result["msg"]
    # The one deadline is the run's: elapsed (measured by the module) ends at it, within a poll's margin.
    assert 1.0 <= result["elapsed"] < 1.5 + 5.0


def test_an_api_error_for_the_change_itself_reports_changed_false(run_module, dms):
    dms.answer("POST", EXTEND, (400, {"error_code": "DMS.00400001", "error_msg": "bad body"}))
    result = run_module(dms_request.main, SCALE_OUT)
    assert result["failed"] is True and result["changed"] is False, result
    assert result["status"] == 400 and "DMS.00400001 bad body" in result["msg"]


def test_check_mode_sends_nothing_and_says_what_would_be_sent(run_module, dms):
    result = run_module(dms_request.main, dict(SCALE_OUT, _ansible_check_mode=True))
    assert result["rc"] == 0 and result["changed"] is True, result
    assert result["request"]["url"] == "https://dms.fake.test" + EXTEND
    assert dms.sent == []


def test_bad_wait_options_are_refused_before_any_request(run_module, dms):
    result = run_module(dms_request.main, dict(SCALE_OUT, wait_for=True, wait_timeout=5, wait_sleep=6))
    assert result["failed"] is True and "lower wait_sleep or raise wait_timeout" in result["msg"]
    assert dms.sent == []


def test_task_info_reads_a_task_and_reports_no_change(run_module, dms):
    dms.answer("GET", task_path(JOB), task_answer(JOB, "SUCCESS"))
    result = run_module(dms_task_info.main, dict(CONNECTION, instance_id=INSTANCE, task_id=JOB))
    assert result["rc"] == 0 and result["changed"] is False, result
    assert (result["task"]["id"], result["task_count"], result["attempts"]) == (JOB, 1, 1)


def test_task_info_waits_through_a_404_grace_then_succeeds(run_module, dms):
    missing = (404, {"error_code": "DMS.00404001", "error_msg": "task not found"})
    dms.answer("GET", task_path(JOB), missing, task_answer(JOB, "SUCCESS"))
    result = run_module(dms_task_info.main, dict(CONNECTION, instance_id=INSTANCE, task_id=JOB, **FAST))
    assert result["rc"] == 0, result
    assert (result["task"]["status"], result["attempts"], result["transient_errors"]) == ("SUCCESS", 2, 0)


def test_task_info_failure_keeps_the_modules_failure_shape(run_module, dms):
    dms.answer("GET", task_path(JOB), (403, {"error_code": "DMS.00403001", "error_msg": "denied"}))
    result = run_module(dms_task_info.main, dict(CONNECTION, instance_id=INSTANCE, task_id=JOB))
    assert result["failed"] is True and result["changed"] is False, result
    assert (result["tasks"], result["task_count"], result["attempts"]) == ([], 0, 1)
    assert "HTTP 403" in result["msg"] and "secret" not in result["msg"].lower()


class _ChangeThenLose:
    """An action that sends a change, then fails with a plain DmsError carrying no result."""

    def __init__(self, options):
        self.options = options

    def run(self, context):
        context.change.mark()
        raise DmsError("the answer was lost after the change")


class _NoOptions:
    run_timeout = None

    @classmethod
    def from_params(cls, params):
        return cls()


def test_any_failure_after_a_sent_change_reports_changed_true(run_module, dms):
    def main():
        DmsModule({}, failure_result=dict(elapsed=0.0)).execute(_NoOptions.from_params, _ChangeThenLose)

    result = run_module(main, dict(CONNECTION))
    assert result["failed"] is True and result["changed"] is True, result
    assert result["msg"] == "the answer was lost after the change"


def test_a_failure_before_any_change_reports_changed_false(run_module, dms):
    class Lose(_ChangeThenLose):
        def run(self, context):
            raise DmsError("refused before anything was sent")

    result = run_module(lambda: DmsModule({}).execute(_NoOptions.from_params, Lose), dict(CONNECTION))
    assert result["failed"] is True and result["changed"] is False, result
