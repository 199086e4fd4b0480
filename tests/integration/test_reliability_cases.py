# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Issue 4 through ansible-playbook: every fault and bad input of docs/reliability.md, one test id per case.

All cases are prepared on the emulators first (each case has its own task or instance, and its faults are scoped
to that task or path), then four playbooks (inputs, faults, waits, tls/proxy) plus the 30 s not-found grace run
at the same time, each looping over its cases in one ansible-playbook process. The tests then check each saved
result: the message names the option or the fault and the fix, there is no traceback, and the deadline held.
"""

from __future__ import annotations

import email.utils
import importlib.util
import json
import select
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Callable, Optional

import pytest
import trustme

from dms_emulator import DEFAULT_SECRET_KEY
from dms_emulator.pytest_plugin import EmulatorHandle

# One run of every case (the session-scoped `ctx`) takes a minute or more.
pytestmark = pytest.mark.long


def _harness() -> Any:
    """tests/integration/conftest.py as a module: its PlaybookRunner serves the session-scoped `ctx` fixture below."""
    spec = importlib.util.spec_from_file_location("reliability_harness", Path(__file__).with_name("conftest.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


LOCK_AK, LOCK_SK = "RELLOCKAK00000000001", "reliability-lock-secret-0001"
TEMP_AK, TEMP_SK, TEMP_TOKEN = "RELTEMPAK00000000001", "reliability-temp-secret-0001", "reliability-temp-token-0001"


class Case:
    def __init__(
        self,
        case_id: str,
        group: str,
        args: Optional[dict] = None,
        env: Optional[dict] = None,
        ok: bool = False,
        says: tuple = (),
        task: Any = None,
        faults: tuple = (),
        check: Optional[Callable[[dict, Any], None]] = None,
        bound: Optional[float] = None,
    ) -> None:
        self.id = case_id
        self.group = group
        self.args = dict(args or {})
        self.env = dict(env or {})
        self.ok = ok
        self.says = says
        self.task = task  # None: no task; True: default SUCCESS task; dict: create_task spec
        self.faults = faults  # fault specs; scope "task" (default when a task exists) or given
        self.check = check
        self.bound = bound  # wait deadline (s) the module must keep, +1 s


def fault(kind: str, **options: Any) -> dict:
    return dict(kind=kind, **options)


def has_warning(text: str) -> Callable[[dict, Any], None]:
    def check(result: dict, ctx: Any) -> None:
        assert any(text in warning for warning in result.get("warnings", [])), result.get("warnings")

    return check


def fault_applied_once(result: dict, ctx: Any) -> None:
    applied = [f for f in ctx.emulator.admin.faults() if f["task_id"] == result["_task_id"]]
    assert [f["applied"] for f in applied] == [1], applied


def wall_at_least(seconds: float) -> Callable[[dict, Any], None]:
    def check(result: dict, ctx: Any) -> None:
        assert result["case_wall"] >= seconds, result["case_wall"]

    return check


# Each answer held this long. Without a wait the module's "elapsed" stays 0 (it times waits), so this case is bounded on
# the wall clock with the margin built into the fault: a module that honours request_timeout=1 gives up after
# 2 x 1 s + one backoff pause (< 1 s) = 3 s; one that does not needs 2 x 20 s. Less than one delay leaves 17 s for the
# module's start-up (Python, AnsiballZ, imports) on a loaded machine, where it takes 0.5 to 3 s.
SLOW_PERSISTENT_DELAY = 20


def gave_up_before_one_delay(result: dict, ctx: Any) -> None:
    applied = [f["applied"] for f in ctx.emulator.admin.faults() if f["task_id"] == result["_task_id"]]
    assert applied == [2], applied  # retries=1: two attempts, each cut by request_timeout
    assert result["case_wall"] < SLOW_PERSISTENT_DELAY, result["case_wall"]


def run_id(case: str) -> str:
    return "i-" + case.replace("_", "-")


# --- bad input: one clear line naming the option and the fix; nothing sent ------------------------------------

NO_ENDPOINT = {"HW_DMS_ENDPOINT": ""}
INPUTS = [
    Case(
        "in_instance_traversal",
        "inputs",
        {"instance_id": "../../v3/projects"},
        says=("'instance_id'", "letters, digits"),
    ),
    Case("in_instance_slash", "inputs", {"instance_id": "abc/tasks/x"}, says=("'instance_id'", "letters, digits")),
    Case("in_instance_query", "inputs", {"instance_id": "abc?limit=1"}, says=("'instance_id'",)),
    Case("in_instance_empty", "inputs", {"instance_id": ""}, says=("'instance_id'",)),
    Case("in_instance_too_long", "inputs", {"instance_id": "a" * 129}, says=("'instance_id'", "1-128")),
    Case("in_instance_space", "inputs", {"instance_id": "abc def"}, says=("'instance_id'",)),
    Case("in_instance_unicode", "inputs", {"instance_id": "inst-\u00fc"}, says=("'instance_id'",)),
    Case("in_task_traversal", "inputs", {"task_id": "../../instances/x"}, says=("'task_id'", "letters, digits")),
    Case("in_task_encoded_slash", "inputs", {"task_id": "a%2Fb"}, says=("'task_id'",)),
    Case("in_task_header_injection", "inputs", {"task_id": "abc\r\nX-Evil: 1"}, says=("'task_id'",)),
    Case("in_begin_word", "inputs", {"begin_time": "yesterday"}, says=("'begin_time'", "YYYYMMDDHHmmss", "ISO 8601")),
    Case("in_begin_month13", "inputs", {"begin_time": "20241301000000"}, says=("'begin_time'", "not a valid date")),
    Case("in_end_feb30", "inputs", {"end_time": "2024-02-30T00:00:00Z"}, says=("'end_time'", "ISO 8601")),
    Case(
        "in_begin_after_end",
        "inputs",
        {"begin_time": "20240201000000", "end_time": "20240101000000"},
        says=("'begin_time'", "after 'end_time'", "swap"),
    ),
    Case(
        "in_begin_out_of_range",
        "inputs",
        {"begin_time": "0001-01-01T00:00:00+01:00"},
        says=("'begin_time'", "out of the supported"),
    ),
    Case(
        "in_task_with_list_options",
        "inputs",
        {"task_id": "abc", "name": "bindInstancePublicIp", "latest": True},
        says=("'name'", "'latest'", "only when listing"),
    ),
    Case(
        "in_sleep_over_timeout",
        "inputs",
        {"wait_for": True, "wait_sleep": 30, "wait_timeout": 10},
        says=("'wait_sleep'", "'wait_timeout'", "lower wait_sleep or raise wait_timeout"),
    ),
    Case("in_wait_timeout_zero", "inputs", {"wait_timeout": 0}, says=("'wait_timeout'", "at least 1")),
    Case("in_wait_sleep_zero", "inputs", {"wait_sleep": 0}, says=("'wait_sleep'", "more than 0")),
    Case("in_wait_timeout_not_int", "inputs", {"wait_timeout": "ten"}, says=("wait_timeout", "int")),
    Case("in_wait_for_not_bool", "inputs", {"wait_for": "perhaps"}, says=("wait_for", "bool")),
    Case("in_endpoint_ftp", "inputs", {"endpoint": "ftp://127.0.0.1/"}, says=("'endpoint'", "http:// or https://")),
    Case(
        "in_endpoint_no_scheme",
        "inputs",
        {"endpoint": "dms.cn-north-4.myhuaweicloud.com"},
        says=("'endpoint'", "http:// or https://"),
    ),
    Case(
        "in_endpoint_userinfo",
        "inputs",
        {"endpoint": "https://admin:Hunter2Pass@127.0.0.1"},
        says=("'endpoint'", "user info"),
        check=lambda result, ctx: "Hunter2Pass" not in json.dumps(result),
    ),
    Case("in_endpoint_query", "inputs", {"endpoint": "http://127.0.0.1:1/?x=1"}, says=("'endpoint'", "query")),
    Case("in_endpoint_bad_port", "inputs", {"endpoint": "http://127.0.0.1:99999"}, says=("'endpoint'", "port")),
    Case(
        "in_missing_access_key",
        "inputs",
        env={"HW_ACCESS_KEY": ""},
        says=("access_key", "HW_ACCESS_KEY", "HUAWEICLOUD_SDK_AK"),
    ),
    Case(
        "in_missing_secret_key",
        "inputs",
        env={"HW_SECRET_KEY": ""},
        says=("secret_key", "HW_SECRET_KEY", "HUAWEICLOUD_SDK_SK"),
    ),
    Case("in_missing_project", "inputs", env={"HW_PROJECT_ID": ""}, says=("'project_id'", "HW_PROJECT_ID")),
    Case("in_project_traversal", "inputs", {"project_id": "../x"}, says=("'project_id'", "letters, digits")),
    Case("in_missing_region", "inputs", env=NO_ENDPOINT, says=("'region'", "HW_REGION_NAME", "'endpoint'")),
    Case("in_region_malformed", "inputs", {"region": "CN North 4"}, env=NO_ENDPOINT, says=("'region'", "cn-north-4")),
    Case(
        "in_cloud_malformed",
        "inputs",
        {"region": "cn-north-4", "cloud": "bad_cloud!"},
        env=NO_ENDPOINT,
        says=("'cloud'", "domain name"),
    ),
    Case("in_request_timeout_zero", "inputs", {"request_timeout": 0}, says=("'request_timeout'", "more than 0")),
    Case("in_request_timeout_huge", "inputs", {"request_timeout": 7200}, says=("'request_timeout'", "3600")),
    Case("in_retries_negative", "inputs", {"retries": -1}, says=("'retries'", "between 0")),
    Case("in_retries_too_many", "inputs", {"retries": 21}, says=("'retries'", "20")),
    Case("in_env_retries_not_int", "inputs", env={"HW_MAX_RETRIES": "lots"}, says=("retries", "int")),
    Case("in_ca_path_missing", "inputs", {"ca_path": "/nonexistent/ca.pem"}, says=("'ca_path'", "readable PEM file")),
]

# --- faults on the wire and bad answers, without waiting ------------------------------------------------------

FAULTS = [
    Case(
        "f_429_retry_after_then_ok",
        "faults",
        {"retries": 3},
        ok=True,
        task=True,
        faults=(fault("status", status=429, retry_after=1, count=2),),
        check=wall_at_least(2.0),
    ),
    Case(
        "f_429_no_retry_after_then_ok",
        "faults",
        {"retries": 3},
        ok=True,
        task=True,
        faults=(fault("status", status=429, count=2),),
    ),
    Case(
        "f_429_persistent",
        "faults",
        {"retries": 1},
        task=True,
        faults=(fault("status", status=429),),
        says=("HTTP 429", "APIGW.0308", "raise 'retries'"),
    ),
    Case(
        "f_429_malformed_retry_after",
        "faults",
        {"retries": 2},
        ok=True,
        task=True,
        faults=(fault("status", status=429, retry_after="soon", count=1),),
    ),
    Case(
        "f_500_html_once", "faults", {"retries": 2}, ok=True, task=True, faults=(fault("status", status=500, count=1),)
    ),
    Case(
        "f_502_persistent",
        "faults",
        {"retries": 1},
        task=True,
        faults=(fault("status", status=502),),
        says=("HTTP 502", "HTML error page: 502 Bad Gateway"),
        check=lambda result, ctx: "<" not in result["msg"],
    ),
    Case(
        "f_503_no_retries",
        "faults",
        {"retries": 0},
        task=True,
        faults=(fault("status", status=503),),
        says=("HTTP 503", "503 Service Temporarily Unavailable"),
        check=fault_applied_once,
    ),
    Case(
        "f_504_twice_then_ok",
        "faults",
        {"retries": 2},
        ok=True,
        task=True,
        faults=(fault("status", status=504, count=2),),
    ),
    Case(
        "f_500_json_error",
        "faults",
        {"retries": 0},
        task=True,
        faults=(
            fault("status", status=500, body={"error_code": "DMS.00500000", "error_msg": "Internal service error."}),
        ),
        says=("HTTP 500", "DMS.00500000", "Internal service error."),
    ),
    Case(
        "f_503_retry_after_http_date",
        "faults",
        {"retries": 2},
        ok=True,
        task=True,
        faults=(
            fault("status", status=503, retry_after=email.utils.formatdate(time.time() + 1, usegmt=True), count=1),
        ),
    ),
    Case("f_drop_once", "faults", {"retries": 2}, ok=True, task=True, faults=(fault("drop", count=1),)),
    Case(
        "f_drop_persistent",
        "faults",
        {"retries": 1},
        task=True,
        faults=(fault("drop"),),
        says=("Could not reach the DMS API", "(after 1 retries)", "'endpoint'"),
    ),
    Case(
        "f_slow_once_then_ok",
        "faults",
        {"retries": 2, "request_timeout": 1},
        ok=True,
        task=True,
        faults=(fault("delay", seconds=2.5, count=1),),
    ),
    Case(
        "f_slow_persistent",
        "faults",
        {"retries": 1, "request_timeout": 1},
        task=True,
        faults=(fault("delay", seconds=SLOW_PERSISTENT_DELAY),),
        says=("timed out", "Raise 'request_timeout'"),
        check=gave_up_before_one_delay,
    ),
    Case("f_not_json_200", "faults", task=True, faults=(fault("not_json"),), says=("not JSON", "<html>")),
    Case(
        "f_truncated_json_200",
        "faults",
        task=True,
        faults=(fault("not_json", body='{"tasks": [', content_type="application/json"),),
        says=("not JSON", '{"tasks": ['),
    ),
    Case(
        "f_empty_body_200",
        "faults",
        task=True,
        faults=(fault("not_json", body="", content_type="application/json"),),
        says=("an empty body", "instead of a JSON object"),
    ),
    Case(
        "f_json_array_200",
        "faults",
        task=True,
        faults=(fault("status", status=200, body=[{"id": "x"}]),),
        says=("a JSON list", "instead of a JSON object"),
    ),
    Case(
        "f_tasks_missing",
        "faults",
        task=True,
        faults=(fault("status", status=200, body={"task_count": "1"}),),
        says=("without a 'tasks' list", "task_count"),
    ),
    Case(
        "f_tasks_wrong_type",
        "faults",
        task=True,
        faults=(fault("status", status=200, body={"task_count": "1", "tasks": "SUCCESS"}),),
        says=("'tasks' of type str", "expected a list"),
    ),
    Case(
        "f_task_not_object",
        "faults",
        task=True,
        faults=(fault("status", status=200, body={"task_count": "1", "tasks": ["x"]}),),
        says=("task that is not an object",),
    ),
    Case(
        "f_empty_tasks", "faults", task=True, faults=(fault("empty_tasks"),), says=("was not found", "returned no task")
    ),
    Case(
        "f_oversized_body",
        "faults",
        task=True,
        faults=(fault("oversized"),),
        says=("body over 4194304 bytes", "refusing"),
    ),
    Case(
        "f_task_count_garbage",
        "faults",
        {"task_id": None, "instance_id": "i-f-task-count-garbage"},
        ok=True,
        faults=(
            fault(
                "status",
                status=200,
                scope="path",
                path="/instances/i-f-task-count-garbage/",
                body={"task_count": "many", "tasks": [{"id": "t1", "name": "x", "status": "SUCCESS"}]},
            ),
        ),
        check=lambda result, ctx: result["task_count"] == 1,
    ),
    Case(
        "f_missing_id_and_name",
        "faults",
        {"task_id": None, "instance_id": "i-f-missing-id-and-name", "latest": True},
        ok=True,
        task={"instance_id": "i-f-missing-id-and-name"},
        faults=(
            fault("missing_fields", fields=["id", "name"], scope="path", path="/instances/i-f-missing-id-and-name/"),
        ),
        check=lambda result, ctx: result["task"]["status"] == "SUCCESS" and "id" not in result["task"],
    ),
    Case(
        "f_404_unknown_task",
        "faults",
        {"task_id": "0000000000000000000000000000dead"},
        task=True,
        says=("was not found", "DMS.00404023"),
        check=lambda result, ctx: result["attempts"] == 1,
    ),
    Case(
        "f_404_unknown_instance",
        "faults",
        {"instance_id": "i-f-no-such-instance"},
        says=("Instance i-f-no-such-instance was not found", "DMS.00404022"),
    ),
    Case(
        "f_400_not_retried",
        "faults",
        task=True,
        faults=(fault("status", status=400),),
        says=("HTTP 400",),
        check=fault_applied_once,
    ),
    Case(
        "f_403_not_retried",
        "faults",
        task=True,
        faults=(fault("status", status=403),),
        says=("HTTP 403", "dms:instance:getBackgroundTask"),
        check=fault_applied_once,
    ),
    Case(
        "f_401_skew_answer",
        "faults",
        task=True,
        faults=(
            fault(
                "status",
                status=401,
                body={
                    "error_code": "APIGW.0303",
                    "error_msg": "signature expired, signature time:20240115T083000Z, server time:20240115T090000Z",
                },
            ),
        ),
        says=("APIGW.0303", "signature expired", "clock"),
        check=fault_applied_once,
    ),
    Case(
        "f_401_unknown_ak",
        "faults",
        {"access_key": "NOSUCHAK000000000000"},
        task=True,
        says=("HTTP 401", "ak not exist", "access_key"),
    ),
    Case(
        "f_401_temp_ak_without_token",
        "faults",
        {"access_key": TEMP_AK, "secret_key": TEMP_SK},
        task=True,
        says=("HTTP 401", "security token"),
    ),
]
# Five bad signatures in a row, then the right one: the AK is locked only after the fifth, which proves 401s are never retried.
for _n in range(1, 6):
    FAULTS.append(
        Case(
            "f_401_bad_signature_%d" % _n,
            "faults",
            {"access_key": LOCK_AK, "secret_key": "wrong-secret-%d" % _n},
            task=True,
            says=("HTTP 401", "verify aksk signature fail", "Check access_key/secret_key"),
        )
    )
FAULTS.append(
    Case(
        "f_401_ak_locked_out",
        "faults",
        {"access_key": LOCK_AK, "secret_key": LOCK_SK},
        task=True,
        says=("HTTP 401", "reach the limit", "5 minutes"),
    )
)

# --- while waiting: transient errors do not end the wait; the deadline holds ---------------------------------

WAIT = {"wait_for": True, "wait_sleep": 0.5}  # the floor (issue 15)
WAITS = [
    Case(
        "w_unknown_status_then_success",
        "waits",
        dict(WAIT, wait_timeout=20),
        ok=True,
        task={"timeline": [{"status": "MIGRATING", "polls": 1}, {"status": "SUCCESS"}]},
        check=has_warning("'MIGRATING'"),
    ),
    Case(
        "w_empty_status_then_success",
        "waits",
        dict(WAIT, wait_timeout=20),
        ok=True,
        task={"timeline": [{"status": "", "polls": 1}, {"status": "SUCCESS"}]},
        check=has_warning("status ''"),
    ),
    Case(
        "w_missing_status_field",
        "waits",
        dict(WAIT, wait_timeout=2),
        task=True,
        faults=(fault("missing_fields"),),
        says=("Timed out after wait_timeout=2 s", "None"),
        bound=2,
        check=has_warning("has no 'status'"),
    ),
    Case(
        "w_task_failed",
        "waits",
        dict(WAIT, wait_timeout=20),
        task={"timeline": "FAILED"},
        says=("ended with status FAILED", "fail_on_task_failure: false"),
        check=lambda result, ctx: result["task"]["status"] == "FAILED",
    ),
    Case(
        "w_task_cancelled_not_failing",
        "waits",
        dict(WAIT, wait_timeout=20, fail_on_task_failure=False),
        ok=True,
        task={"timeline": "CANCELLED"},
        check=lambda result, ctx: result["task"]["status"] == "CANCELLED",
    ),
    Case(
        "w_timeout_still_executing",
        "waits",
        dict(WAIT, wait_timeout=2),
        task={"timeline": "EXECUTING"},
        says=("Timed out after wait_timeout=2 s", "last status EXECUTING", "raise wait_timeout"),
        bound=2,
        check=lambda result, ctx: result["task"]["status"] == "EXECUTING" and result["attempts"] >= 3,
    ),
    Case(
        "w_503_outlasting_retries",
        "waits",
        dict(WAIT, wait_timeout=20, retries=0),
        ok=True,
        task=True,
        faults=(fault("status", status=503, count=3),),
        check=lambda result, ctx: result["transient_errors"] == 3,
    ),
    Case(
        "w_503_until_deadline",
        "waits",
        dict(WAIT, wait_timeout=3, retries=1),
        task=True,
        faults=(fault("status", status=503),),
        says=("Timed out after wait_timeout=3 s", "no task was read", "HTTP 503", "transient errors"),
        bound=3,
    ),
    Case(
        "w_slow_responses",
        "waits",
        dict(WAIT, wait_timeout=3, request_timeout=10),
        task={"timeline": "EXECUTING"},
        faults=(fault("delay", seconds=2),),
        says=("Timed out after wait_timeout=3 s",),
        bound=3,
    ),
    Case(
        "w_slow_with_retries",
        "waits",
        dict(WAIT, wait_timeout=4, request_timeout=1, retries=3),
        task=True,
        faults=(fault("delay", seconds=1.5),),
        says=("Timed out after wait_timeout=4 s", "transient errors"),
        bound=4,
    ),
    Case(
        "w_drop_until_deadline",
        "waits",
        dict(WAIT, wait_timeout=3, retries=2),
        task=True,
        faults=(fault("drop"),),
        says=("Timed out after wait_timeout=3 s", "transient errors"),
        bound=3,
    ),
    Case(
        "w_retry_after_past_deadline",
        "waits",
        dict(WAIT, wait_timeout=3),
        task=True,
        faults=(fault("status", status=429, retry_after=3600),),
        says=("Timed out after wait_timeout=3 s", "HTTP 429"),
        bound=3,
    ),
    Case(
        "w_list_task_appears_later",
        "waits",
        dict(
            WAIT,
            wait_timeout=20,
            task_id=None,
            instance_id="i-w-list-task-appears-later",
            name="bindInstancePublicIp",
            latest=True,
        ),
        ok=True,
        task={"instance_id": "i-w-list-task-appears-later", "appear_after": 1.5},
        check=lambda result, ctx: result["task"]["status"] == "SUCCESS",
    ),
    Case(
        "w_not_json_ends_wait",
        "waits",
        dict(WAIT, wait_timeout=20),
        task=True,
        faults=(fault("not_json"),),
        says=("not JSON", "while waiting"),
        check=lambda result, ctx: result["elapsed"] < 5,
    ),
]
GRACE = [
    # First in its playbook, which starts a few seconds after the set-up (more than 12 s once, under a full `make test`
    # on 2 cores): 25 s keeps the task hidden at the first read.
    Case(
        "w_not_found_then_appears",
        "grace",
        dict(WAIT, wait_timeout=50),
        ok=True,
        task={"appear_after": 25},
        check=lambda result, ctx: result["attempts"] >= 2,
    ),
    Case(
        "w_not_found_grace_expires",
        "grace",
        dict(WAIT, wait_timeout=60, wait_sleep=2, task_id="0000000000000000000000000000beef"),
        task=True,
        says=("was not found", "while waiting"),
        check=lambda result, ctx: 30 <= result["elapsed"] < 35,
    ),
]

# --- TLS and proxies --------------------------------------------------------------------------------------------

NET = [
    Case(
        "t_untrusted_certificate",
        "net",
        {"endpoint": "{tls}"},
        task=True,
        says=("TLS verification failed", "'ca_path'"),
    ),
    Case("t_ca_path_private_ca", "net", {"endpoint": "{tls}", "ca_path": "{ca}"}, ok=True, task=True),
    Case(
        "t_validate_certs_false_warns",
        "net",
        {"endpoint": "{tls}", "validate_certs": False},
        ok=True,
        task=True,
        check=has_warning("validate_certs is false"),
    ),
    Case(
        "t_wrong_ca",
        "net",
        {"endpoint": "{tls}", "ca_path": "{other_ca}"},
        task=True,
        says=("TLS verification failed", "'ca_path'"),
    ),
    Case(
        "t_https_to_plain_http_port",
        "net",
        {"endpoint": "{http_as_https}", "retries": 0},
        task=True,
        says=("TLS handshake", "scheme"),
        check=lambda result, ctx: "ca_path" not in result["msg"],
    ),
    Case("t_http_to_tls_port", "net", {"endpoint": "{tls_as_http}", "retries": 0}, task=True, says=("DMS API",)),
    Case(
        "t_connection_refused",
        "net",
        {"endpoint": "{closed}", "retries": 1},
        says=("Could not reach the DMS API", "after 1 retries"),
    ),
    Case(
        "p_http_proxy_used",
        "net",
        {},
        env={"HTTP_PROXY": "{proxy}", "NO_PROXY": ""},
        ok=True,
        task=True,
        check=lambda result, ctx: any(run_id("p_http_proxy_used") in line for line in ctx.proxy.seen),
    ),
    Case(
        "p_https_proxy_connect",
        "net",
        {"endpoint": "{tls}", "ca_path": "{ca}"},
        env={"HTTPS_PROXY": "{proxy}", "NO_PROXY": ""},
        ok=True,
        task=True,
        check=lambda result, ctx: any(line.startswith("CONNECT 127.0.0.1:") for line in ctx.proxy.seen),
    ),
    Case(
        "p_no_proxy_bypasses",
        "net",
        {},
        env={"HTTP_PROXY": "{proxy}", "NO_PROXY": "127.0.0.1,localhost"},
        ok=True,
        task=True,
        check=lambda result, ctx: not any(run_id("p_no_proxy_bypasses") in line for line in ctx.proxy.seen),
    ),
    Case(
        "p_dead_proxy",
        "net",
        {"retries": 0},
        env={"HTTP_PROXY": "{closed}", "NO_PROXY": ""},
        task=True,
        says=("Could not reach the DMS API", "proxy"),
    ),
]

ALL = INPUTS + FAULTS + WAITS + GRACE + NET
assert len({case.id for case in ALL}) == len(ALL)


class TinyProxy:
    """A forward proxy on 127.0.0.1: absolute-form HTTP requests and CONNECT tunnels; records each request line."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.seen: list[str] = []
        self.stopping = threading.Event()
        threading.Thread(target=self._serve, daemon=True).start()

    @property
    def url(self) -> str:
        return "http://127.0.0.1:%d" % self.sock.getsockname()[1]

    def _serve(self) -> None:
        while not self.stopping.is_set():
            try:
                client, _addr = self.sock.accept()
            except OSError:
                continue
            threading.Thread(target=self._handle, args=(client,), daemon=True).start()

    def _handle(self, client: socket.socket) -> None:
        with client:
            client.settimeout(10)
            head = b""
            while b"\r\n\r\n" not in head:
                chunk = client.recv(65536)
                if not chunk:
                    return
                head += chunk
            line = head.split(b"\r\n", 1)[0].decode("latin-1")
            self.seen.append(line)
            method, target = line.split(" ")[:2]
            if method == "CONNECT":
                host, port = target.rsplit(":", 1)
                upstream = socket.create_connection((host, int(port)), timeout=10)
                client.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
                rest = head.split(b"\r\n\r\n", 1)[1]
            else:
                hostport = target.split("://", 1)[1].split("/", 1)[0]
                host, port = hostport.rsplit(":", 1)
                path = "/" + target.split("://", 1)[1].split("/", 1)[1]
                upstream = socket.create_connection((host, int(port)), timeout=10)
                rest = head.replace(target.encode("latin-1"), path.encode("latin-1"), 1)
            with upstream:
                if rest:
                    upstream.sendall(rest)
                self._pump(client, upstream)

    def _pump(self, one: socket.socket, other: socket.socket) -> None:
        peers = {one: other, other: one}
        while not self.stopping.is_set():
            readable, _w, _x = select.select(list(peers), [], [], 0.5)
            for sock in readable:
                try:
                    data = sock.recv(65536)
                except OSError:
                    return
                if not data:
                    return
                peers[sock].sendall(data)

    def close(self) -> None:
        self.stopping.set()
        self.sock.close()


class Context:
    def __init__(self) -> None:
        self.results: dict[str, dict] = {}
        self.runs: dict[str, Any] = {}
        self.emulator: Any = None
        self.proxy: Any = None
        self.baseline = 0.0
        self.overrun_file = Path()


def closed_port_url() -> str:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return "http://127.0.0.1:%d" % port


def _prepare(case: Case, admin: Any, tls_admin: Any, values: dict) -> dict:
    args = {
        key: (value.format(**values) if isinstance(value, str) and value.startswith("{") else value)
        for key, value in case.args.items()
        if value is not None
    }
    env = {key: value.format(**values) for key, value in case.env.items()}
    target = (
        tls_admin
        if "{tls}" in str(case.args.get("endpoint", "")) or "tls_as_http" in str(case.args.get("endpoint", ""))
        else admin
    )
    args.setdefault("instance_id", run_id(case.id))
    task_id = None
    if case.task is not None:
        spec = {"instance_id": args["instance_id"]}
        spec.update(case.task if isinstance(case.task, dict) else {})
        task_id = target.create_task(**spec)["id"]
        if "task_id" not in case.args and not args.get("latest"):
            args["task_id"] = task_id
    for spec in case.faults:
        spec = dict(spec)
        if spec.get("scope") != "path":
            spec.update(scope="task", task_id=task_id)
        target.add_fault(**spec)
    return {"id": case.id, "args": args, "env": env, "task_id": task_id}


@pytest.fixture(scope="session")
def ctx(
    request: pytest.FixtureRequest, dms_emulator: Any, dms_emulator_tls: Any, tmp_path_factory: pytest.TempPathFactory
) -> Context:
    context = Context()
    # Deadline overruns go to this run's temporary directory (docs/reliability.md), never into the checkout's build/.
    context.overrun_file = tmp_path_factory.mktemp("reliability-overruns") / "reliability-overruns.json"
    emulator = EmulatorHandle(url=dms_emulator.url, admin=dms_emulator.admin())
    tls = EmulatorHandle(url=dms_emulator_tls.url, admin=dms_emulator_tls.admin(), ca_path=dms_emulator_tls.ca_path)
    emulator.admin.reset()
    tls.admin.reset()
    emulator.admin.add_credentials(
        access_keys=[
            {"access_key": LOCK_AK, "secret_key": LOCK_SK},
            {"access_key": TEMP_AK, "secret_key": TEMP_SK, "security_token": TEMP_TOKEN},
        ]
    )
    context.emulator = emulator
    context.proxy = TinyProxy()
    other_ca = tmp_path_factory.mktemp("other-ca") / "ca.pem"
    trustme.CA().cert_pem.write_to_path(str(other_ca))
    values = {
        "tls": tls.url,
        "ca": tls.ca_path,
        "other_ca": str(other_ca),
        "proxy": context.proxy.url,
        "closed": closed_port_url(),
        "http_as_https": emulator.url.replace("http://", "https://"),
        "tls_as_http": tls.url.replace("https://", "http://"),
    }
    groups: dict[str, list] = {}
    task_ids = {}
    for case in _selected_cases(request.session):
        prepared = _prepare(case, emulator.admin, tls.admin, values)
        task_ids[case.id] = prepared.pop("task_id")
        groups.setdefault(case.group, []).append(prepared)
    # A baseline: the same module run with nothing wrong, to know what starting the module costs on this machine.
    base_task = emulator.admin.create_task(instance_id="i-baseline")["id"]
    groups.setdefault("faults", []).insert(
        0, {"id": "baseline", "args": {"instance_id": "i-baseline", "task_id": base_task}, "env": {}}
    )

    def run(group: str) -> Any:
        runner = _harness().PlaybookRunner(emulator, tmp_path_factory.mktemp("reliability-" + group))
        return runner("reliability_cases.yml", {"cases": groups[group]}, timeout=400)

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=len(groups)) as pool:
        futures = {group: pool.submit(run, group) for group in groups}
        context.runs = {group: future.result() for group, future in futures.items()}
    context.proxy.close()
    print("reliability playbooks: %.1f s for %d cases" % (time.monotonic() - started, len(task_ids)))
    for done in context.runs.values():
        assert done.returncode == 0, done
        for case_id, result in done.results["cases"].items():
            result["_task_id"] = task_ids.get(case_id)
            context.results[case_id] = result
    # What starting the module costs on this (loaded) machine, for the overrun report only: the median wall time of the
    # bad-input cases, which fail before any request (or the baseline run when no input case was selected).
    walls = sorted(context.results[case.id]["case_wall"] for case in INPUTS if case.id in context.results)
    context.baseline = walls[len(walls) // 2] if walls else context.results["baseline"]["case_wall"]
    return context


def _selected_cases(session: pytest.Session) -> list[Case]:
    """The cases this run asks for: all of them, unless only some ``test_reliability_case`` ids were selected (make
    test's distribution-stack stage picks a few by id); any other test of this file needs every case."""
    here = [item for item in session.items if Path(str(item.path)) == Path(__file__)]
    wanted = set()
    for item in here:
        case = getattr(item, "callspec", None) and item.callspec.params.get("case")
        if not isinstance(case, Case):
            return ALL
        wanted.add(case.id)
    return [case for case in ALL if case.id in wanted] or ALL


def _common(result: dict, case: Case) -> None:
    # ansible-core 2.19 puts an "exception" key in every fail_json result; without traceback display it is this placeholder.
    assert (
        "module_stderr" not in result
        and result.get("exception", "(traceback unavailable)") == "(traceback unavailable)"
    ), result
    assert "Traceback" not in json.dumps(result)
    assert (
        DEFAULT_SECRET_KEY not in json.dumps(result)
        and LOCK_SK not in json.dumps(result)
        and TEMP_SK not in json.dumps(result)
    )


@pytest.mark.parametrize("case", ALL, ids=[case.id for case in ALL])
def test_reliability_case(ctx: Context, case: Case) -> None:
    result = ctx.results.get(case.id)
    assert result is not None, "case %s left no result: %r" % (case.id, ctx.runs.get(case.group))
    _common(result, case)
    if case.ok:
        assert not result.get("failed"), result.get("msg")
    else:
        assert result.get("failed") is True, result
        message = result["msg"]
        assert "\n" not in message.strip(), message
        for text in case.says:
            assert text in message, "%r not in %r" % (text, message)
        if case.group != "inputs":
            assert "elapsed" in result and "attempts" in result, result
    if case.bound is not None:
        # The deadline on the module's own clock (elapsed counts from its start): at most 1 s over, the poll or request
        # in flight when the deadline came. The wall clock around the task also holds the module's start (Python,
        # AnsiballZ, imports), which a loaded machine stretches by seconds: recorded for the report, not asserted.
        overrun = result["elapsed"] - case.bound
        assert overrun <= 1.0, (overrun, result)
        _record_overrun(ctx.overrun_file, case.id, case.bound, result, ctx.baseline)
    if case.check is not None:
        outcome = case.check(result, ctx)
        assert outcome is None or outcome is True, (case.id, result)


def test_inputs_sent_no_request(ctx: Context) -> None:
    """Bad input is refused before any request: no emulator route saw an input case's instance id."""
    assert all(not ctx.results[case.id].get("attempts") for case in INPUTS)


def test_at_least_forty_distinct_faults_and_bad_inputs(ctx: Context) -> None:
    assert len([case for case in ALL if case.id in ctx.results]) >= 40


def _record_overrun(path: Path, case_id: str, bound: float, result: dict, baseline: float) -> None:
    data = json.loads(path.read_text()) if path.exists() else {}
    data[case_id] = {
        "wait_timeout": bound,
        "elapsed": result["elapsed"],
        "overrun_elapsed": round(result["elapsed"] - bound, 3),
        "case_wall": round(result["case_wall"], 3),
        "module_start_baseline": round(baseline, 3),
        "overrun_wall_minus_baseline": round(result["case_wall"] - baseline - bound, 3),
    }
    data["_max_overrun_elapsed"] = max(v["overrun_elapsed"] for k, v in data.items() if not k.startswith("_"))
    data["_max_overrun_wall_minus_baseline"] = max(
        v["overrun_wall_minus_baseline"] for k, v in data.items() if not k.startswith("_")
    )
    path.write_text(json.dumps(data, indent=1, sort_keys=True))
    print(
        "deadline overrun %s (%s): elapsed %+.3f s, wall-baseline %+.3f s"
        % (case_id, path, result["elapsed"] - bound, result["case_wall"] - baseline - bound)
    )
