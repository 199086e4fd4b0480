# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""dms_request once its call was sent: every later failure reports it (changed, status, the real elapsed), a body
that is not JSON is refused before sending, server values in messages are bounded, secrets in a body get a warning."""

from __future__ import annotations

import gzip
import time

import pytest

from ansible_collections.hwcloud.dms.plugins.module_utils._module import DmsModule
from ansible_collections.hwcloud.dms.plugins.modules import dms_request
from ansible_collections.hwcloud.dms.tests.unit.plugins.modules.fake_dms import (
    INSTANCE,
    FakeDms,
    Raw,
    task_answer,
    task_path,
)
from ansible_collections.hwcloud.dms.tests.unit.plugins.modules.test_in_process import EXTEND, JOB, SCALE_OUT


def _deep(levels: int) -> bytes:
    return b'{"a":' * levels + b"1" + b"}" * levels


REFUSED_BODIES = {
    "50 MB": Raw(b"[" + b"0," * (25 * 1024 * 1024) + b"0]"),
    "html": Raw(b"<html><body>Service Unavailable</body></html>", **{"Content-Type": "text/html"}),
    "nan": Raw(b'{"job_id": NaN}'),
    "deep json": Raw(_deep(5000)),
    "gzip bomb": Raw(gzip.compress(b" " * (64 * 1024 * 1024)), **{"Content-Encoding": "gzip"}),
}


@pytest.mark.parametrize("kind", sorted(REFUSED_BODIES))
def test_a_refused_answer_to_a_sent_post_reports_changed_status_and_that_it_was_sent(run_module, dms, kind):
    # Before: changed false, status null, elapsed 0.0, and nothing said that the POST had been sent.
    dms.answer("POST", EXTEND, (200, REFUSED_BODIES[kind]))
    result = run_module(dms_request.main, SCALE_OUT)
    assert result["failed"] is True and result["changed"] is True, result
    assert result["status"] == 200 and result["request_id"] == "fake-request-1"
    assert "The request was sent" in result["msg"] and "may have been made" in result["msg"]
    assert len(result["msg"]) < 1500 and result["elapsed"] > 0
    assert [sent["method"] for sent in dms.sent] == ["POST"]


def test_a_refused_answer_to_a_get_is_no_change(run_module, dms):
    dms.answer("GET", EXTEND, (200, REFUSED_BODIES["html"]))
    result = run_module(dms_request.main, dict(SCALE_OUT, method="GET", body=None))
    assert result["failed"] is True and result["changed"] is False and result["status"] == 200, result
    assert "The request was sent" not in result["msg"]


def test_a_5xx_to_a_post_reports_changed_true(run_module, dms):
    # Before: changed false although the POST may have been carried out before the 500.
    dms.answer("POST", EXTEND, (500, {"error_code": "DMS.00500000", "error_msg": "Internal error"}))
    result = run_module(dms_request.main, dict(SCALE_OUT, retries=2))
    assert result["failed"] is True and result["changed"] is True and result["status"] == 500, result
    assert "may have been made" in result["msg"] and len(dms.sent) == 1


def test_a_4xx_to_a_post_is_no_change(run_module, dms):
    dms.answer("POST", EXTEND, (400, {"error_code": "DMS.00400001", "error_msg": "bad"}))
    result = run_module(dms_request.main, SCALE_OUT)
    assert result["failed"] is True and result["changed"] is False and result["status"] == 400, result


def test_an_unreadable_job_after_the_post_reports_changed_and_status(run_module, dms):
    dms.answer("POST", EXTEND, (200, {"job_id": JOB}))
    dms.answer("GET", task_path(JOB), (200, Raw(b"<html>oops</html>")))
    result = run_module(dms_request.main, dict(SCALE_OUT, wait_for=True, wait_sleep=0.5, wait_timeout=5))
    assert result["failed"] is True and result["changed"] is True and result["status"] == 200, result
    assert result["job_id"] == JOB and "The request was sent" in result["msg"]


def test_a_huge_task_name_and_status_make_a_bounded_message(run_module, dms, module_warnings):
    # Before: a 1 MB task name or status went into msg and warnings whole.
    dms.answer("POST", EXTEND, (200, {"job_id": JOB}))
    dms.answer("GET", task_path(JOB), task_answer(JOB, "S" * 1000000, name="n" * 1000000))
    result = run_module(dms_request.main, dict(SCALE_OUT, wait_for=True, wait_sleep=0.5, wait_timeout=1))
    assert result["failed"] is True and result["changed"] is True, result
    assert len(result["msg"]) < 2000 and all(len(warning) < 1000 for warning in module_warnings)


@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf")])
def test_a_body_that_is_not_valid_json_is_refused_before_sending(run_module, dms, value):
    # Before: sent as NaN/Infinity, which no JSON parser has to accept.
    result = run_module(dms_request.main, dict(SCALE_OUT, body={"retention": value}))
    assert result["failed"] is True and result["changed"] is False, result
    assert "'body'" in result["msg"] and "NaN" in result["msg"] and dms.sent == []


@pytest.mark.parametrize(
    "where", [dict(body={"user": {"Password": "x"}}), dict(body=[{"access_secret": "x"}]), dict(query={"token": "x"})]
)
def test_a_password_like_key_without_no_log_warns(run_module, dms, module_warnings, where):
    dms.answer("POST", EXTEND, (200, {}))
    args = dict(SCALE_OUT, **where)
    run_module(dms_request.main, args)
    assert sum("no_log" in warning for warning in module_warnings) == 1, module_warnings


def test_a_password_like_key_with_no_log_does_not_warn(run_module, dms, module_warnings):
    dms.answer("POST", EXTEND, (200, {}))
    run_module(dms_request.main, dict(SCALE_OUT, body={"password": "x"}, _ansible_no_log=True))
    assert not any("no_log" in warning for warning in module_warnings), module_warnings


def test_ordinary_keys_do_not_warn(run_module, dms, module_warnings):
    dms.answer("POST", EXTEND, (200, {}))
    run_module(dms_request.main, SCALE_OUT)
    assert not any("no_log" in warning for warning in module_warnings), module_warnings


class SlowDms(FakeDms):
    """Answers a POST only after ``post_delay`` seconds (a slow change call)."""

    post_delay = 0.0

    def send(self, request, stream=False, timeout=None, **kwargs):
        if request.method == "POST":
            time.sleep(self.post_delay)
        return super().send(request, stream=stream, timeout=timeout, **kwargs)


@pytest.fixture
def slow(monkeypatch: pytest.MonkeyPatch) -> SlowDms:
    fake = SlowDms()
    monkeypatch.setattr(DmsModule, "session_factory", staticmethod(fake.session))
    return fake


def _reads(dms):
    return [sent for sent in dms.sent if sent["method"] == "GET"]


def test_a_slow_call_and_its_wait_share_one_deadline_and_count_only_reads_sent(run_module, slow):
    # Before: elapsed 9.0 for wait_timeout 5 (the call's time not counted), "10 reads (8 transient errors)" for 2 sent.
    slow.post_delay = 2.0
    slow.answer("POST", EXTEND, (200, {"job_id": JOB}))
    slow.answer("GET", task_path(JOB), task_answer(JOB, "EXECUTING"))
    result = run_module(dms_request.main, dict(SCALE_OUT, wait_for=True, wait_sleep=0.5, wait_timeout=3))
    assert result["failed"] is True and result["changed"] is True, result
    assert result["msg"].startswith("Timed out after wait_timeout=3 s")
    # What the module measured ends at the one deadline; 1.5 s of margin for a request's last tick on a loaded machine.
    assert 3.0 <= result["elapsed"] < 4.5
    # The message counts the reads the server got, and no transient error where there was none.
    assert "; %d reads in " % len(_reads(slow)) in result["msg"] and "transient" not in result["msg"], result["msg"]


def test_two_jobs_wait_by_the_users_wait_timeout_not_a_per_job_remainder(run_module, slow):
    # Before: "Timed out after wait_timeout=1 s" (what was left for the second job), elapsed past wait_timeout.
    first, second = "j1", "j2"
    slow.answer("POST", EXTEND, (200, {"results": [{"instance_id": INSTANCE, "job_id": first}, {"job_id": second}]}))
    slow.answer("GET", task_path(first), *([task_answer(first, "EXECUTING")] * 4 + [task_answer(first, "SUCCESS")]))
    slow.answer("GET", task_path(second), task_answer(second, "EXECUTING"))
    result = run_module(dms_request.main, dict(SCALE_OUT, wait_for=True, wait_sleep=0.5, wait_timeout=4))
    assert result["failed"] is True and result["changed"] is True, result
    assert result["msg"].startswith("Timed out after wait_timeout=4 s waiting for task %s" % second)
    assert 4.0 <= result["elapsed"] < 5.5
    assert [task["status"] for task in result["tasks"]] == ["SUCCESS", "EXECUTING"]


def test_a_failure_before_the_call_reports_the_real_elapsed(run_module, dms):
    # Before: elapsed 0.0 whatever the project lookup's retries took (only runs with wait_for measured it).
    dms.answer("GET", "/v3/projects", (503, {"error_code": "APIGW.0503", "error_msg": "busy"}))
    args = dict(SCALE_OUT, project_id=None, region="cn-north-4", retries=1)
    result = run_module(dms_request.main, args)
    assert result["failed"] is True and result["changed"] is False and "HTTP 503" in result["msg"], result
    assert [sent["path"] for sent in dms.sent] == ["/v3/projects"] * 2
    assert result["elapsed"] >= 0.5  # the retry pause (0.5 s at least) was spent, and is reported


class Drip:
    """An answer body that never ends: a few bytes every 50 ms."""

    def read(self, *args, **kwargs):
        time.sleep(0.05)
        return b"[0," * 10

    def close(self):
        pass


def test_an_endless_answer_to_a_post_reports_changed_and_its_status(run_module, dms):
    # Before: changed false, status null, elapsed 0.0; the body is cut at request_timeout, the POST not repeated.
    dms.answer("POST", EXTEND, (200, Raw(Drip())))
    result = run_module(dms_request.main, dict(SCALE_OUT, request_timeout=1, retries=2))
    assert result["failed"] is True and result["changed"] is True and result["status"] == 200, result
    assert "The request was sent" in result["msg"] and "POST is not retried" in result["msg"]
    assert len(dms.sent) == 1 and 1.0 <= result["elapsed"] < 6.0  # cut at request_timeout; 5 s margin for load
