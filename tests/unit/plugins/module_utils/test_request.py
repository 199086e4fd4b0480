# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""dms_request's logic without Ansible: path safety, query and body, status checks, job ids, waiting, retries."""

from __future__ import annotations

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl

import pytest
from requests.structures import CaseInsensitiveDict

from ansible_collections.hwcloud.dms.plugins.module_utils._auth import AkSkAuth
from ansible_collections.hwcloud.dms.plugins.module_utils._errors import (
    ConfigurationError,
    DmsApiError,
    DmsFailure,
    DmsTransportError,
)
from ansible_collections.hwcloud.dms.plugins.module_utils._http import DmsHttpClient
from ansible_collections.hwcloud.dms.plugins.module_utils._http_errors import AnswerLost
from ansible_collections.hwcloud.dms.plugins.module_utils._http_response import HttpResponse
from ansible_collections.hwcloud.dms.plugins.module_utils._request import DmsRequest, find_jobs
from ansible_collections.hwcloud.dms.plugins.module_utils._request_options import RequestOptions
from ansible_collections.hwcloud.dms.plugins.module_utils._request_path import (
    check_path,
    display_url,
    fill_path,
    query_pairs,
)
from ansible_collections.hwcloud.dms.plugins.module_utils._server_clock import ServerClock
from ansible_collections.hwcloud.dms.plugins.module_utils._signer import sign_request
from ansible_collections.hwcloud.dms.plugins.module_utils._transport import open_transport
from ansible_collections.hwcloud.dms.tests.unit.fakes import make_context

AK = "HPUAEXAMPLEAK0000001"
SK = "exampleSecretKey0123456789abcdefghijABCD"
PROJECT = "0123456789abcdef0123456789abcdef"
INSTANCE = "11111111-2222-3333-4444-555555555555"
JOB = "8abfa7b272adc5b40172b73130065ae7"
EXTEND = "/v2/{project_id}/kafka/instances/{instance_id}/extend"


# --- path safety -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        EXTEND,
        "/v2/{project_id}/instances/{instance_id}/tasks",
        "/v2/kafka/{project_id}/instances/{instance_id}/extend",
        "/v1.0/{project_id}/instances",
        "/v2/{project_id}/instances/{instance_id}/topics/my.topic",
        "/v2/{project_id}/instances/{instance_id}/topics/a%20b",
        "/v2/{project_id}/instances/{instance_id}/topics/a%2Fb",  # an encoded '/' inside one segment
        "/v2/rabbitmq/{project_id}/instances/{instance_id}/vhosts/%2F/exchanges",  # RabbitMQ's default vhost '/'
        "/",
    ],
)
def test_safe_paths_pass_unchanged(path):
    assert check_path(path) == path


@pytest.mark.parametrize(
    "path, fragment",
    [
        ("https://evil.example.com/v2/x", "absolute URL"),
        ("http:/v2/x", "absolute URL"),
        ("/v2/http://evil.example.com/x", "absolute URL"),
        ("//evil.example.com/v2/x", "empty segment"),
        ("/v2//x", "empty segment"),
        ("/%2F/evil.example.com", "empty segment"),
        ("v2/{project_id}/instances", "must begin with '/'"),
        ("/v2/{project_id}/../../v3/auth/tokens", "'..' segment"),
        ("/v2/{project_id}/instances/..", "'..' segment"),
        ("/v2/./instances", "'..' segment"),
        ("/v2/%2e%2e/x", "'..' segment"),
        ("/v2/%2E%2e/x", "'..' segment"),
        ("/v2/.%2E/x", "'..' segment"),
        ("/v2/%252e%252e/x", "'..' segment"),
        ("/v2/%25252E%25252E/x", "'..' segment"),
        ("/v2/x%2F..%2Fy", "'..' segment"),
        ("/v2\\..\\x", "backslash"),
        ("/v2/%5c..%5cx", "backslash"),
        ("/v2/x\r\nHost: evil", "control character"),
        ("/v2/x\x00", "control character"),
        ("/v2/x%0d%0aHost:%20evil", "encoded control character"),
        ("/v2/x y", "space"),
        ("/v2/caf\u00e9", "non-ASCII"),
        ("/v2/x?limit=1", "'?' or '#'"),
        ("/v2/x#frag", "'?' or '#'"),
        ("/v2/100%", "'%' that is not followed"),
        ("/v2/%zz", "'%' that is not followed"),
        ("/v2/%25252525252e", "more than 5 times"),
        ("/v2/{project_id}/instances/{task_id}", "placeholder {task_id}"),
        ("/v2/{project_id}/instances/{}", "placeholder {}"),
        ("/v2/{project_id/instances", "unbalanced"),
        ("/v2/project_id}/instances", "unbalanced"),
        ("/v3/auth/tokens", "IAM path"),
        ("/V3/projects", "IAM path"),
        ("", "required"),
        ("/" + "a" * 3000, "longer than"),
    ],
)
def test_unsafe_paths_are_refused_with_the_option_named(path, fragment):
    with pytest.raises(ConfigurationError) as raised:
        check_path(path)
    assert "Option 'path'" in str(raised.value) and fragment in str(raised.value)


def test_non_string_path_is_refused():
    with pytest.raises(ConfigurationError, match="Option 'path' is required"):
        check_path(None)


def test_fill_path_quotes_validated_ids():
    assert fill_path(EXTEND, PROJECT, INSTANCE) == "/v2/%s/kafka/instances/%s/extend" % (PROJECT, INSTANCE)
    assert fill_path("/v2/{project_id}/x/{project_id}", PROJECT, None) == "/v2/%s/x/%s" % (PROJECT, PROJECT)


def test_fill_path_needs_the_ids_it_fills():
    with pytest.raises(ConfigurationError, match="set 'instance_id'"):
        fill_path(EXTEND, PROJECT, None)
    with pytest.raises(ConfigurationError, match="no project ID is known"):
        fill_path(EXTEND, None, INSTANCE)
    with pytest.raises(ConfigurationError, match="Option 'project_id' must be"):
        fill_path(EXTEND, "../evil", INSTANCE)


@pytest.mark.parametrize("instance_id", ["../x", "a/b", "%2e%2e", "a b", "x" * 129])
def test_instance_id_is_validated_like_everywhere_else(instance_id):
    with pytest.raises(ConfigurationError, match="Option 'instance_id' must be"):
        RequestOptions({"path": EXTEND, "instance_id": instance_id})


# --- query, body, status codes, options -------------------------------------------------------------------------


def test_query_lists_repeat_the_key_and_values_are_stringified_like_the_sdk():
    pairs = query_pairs(
        {
            "limit": 10,
            "enabled": True,
            "off": False,
            "name": ["a", "b"],
            "ratio": 1.5,
            "skip": None,
            "flags": [True, None, 2],
        }
    )
    assert pairs == [
        ("limit", "10"),
        ("enabled", "true"),
        ("off", "false"),
        ("name", "a"),
        ("name", "b"),
        ("ratio", "1.5"),
        ("flags", "true"),
        ("flags", "2"),
    ]


@pytest.mark.parametrize(
    "query, fragment",
    [
        ("limit=1", "must be a dictionary"),
        ({"x": {"a": 1}}, "key 'x' has a value of type dict"),
        ({"x": [[1]]}, "key 'x' has a value of type list"),
        ({"": 1}, "empty or non-string key"),
    ],
)
def test_bad_query_is_refused(query, fragment):
    with pytest.raises(ConfigurationError) as raised:
        query_pairs(query)
    assert fragment in str(raised.value)


@pytest.mark.parametrize(
    "params, fragment",
    [
        ({"method": "HEAD"}, "Option 'method' must be one of GET, POST, PUT, DELETE, PATCH"),
        ({"method": "POST", "body": '{"a": 1}'}, "Option 'body' must be a dictionary or a list"),
        ({"method": "POST", "body": 5}, "Option 'body' must be a dictionary or a list"),
        ({"body": {"a": 1}}, "cannot be sent with method GET"),
        ({"status_code": ["abc"]}, "Option 'status_code' must list HTTP status codes"),
        ({"status_code": [700]}, "Option 'status_code' must list HTTP status codes"),
        ({"method": "POST", "wait_for": True}, "Option 'wait_for' needs 'instance_id'"),
        (
            {"method": "POST", "wait_for": True, "instance_id": INSTANCE, "wait_timeout": 5, "wait_sleep": 10},
            "Option 'wait_sleep' (10.0 s) must not exceed 'wait_timeout' (5 s)",
        ),
        (
            {"method": "POST", "wait_for": True, "instance_id": INSTANCE, "wait_timeout": 0},
            "Option 'wait_timeout' must be at least",
        ),
        # A forgotten 'method: POST' shows up as a body or a wait on the default GET: say to set the method.
        ({"body": {"a": 1}}, "set 'method' to the call's method (POST, PUT, PATCH or DELETE)"),
        ({"wait_for": True, "instance_id": INSTANCE}, "Option 'wait_for' cannot be used with method GET"),
        ({"wait_for": True, "instance_id": INSTANCE}, "set 'method' to the call's method"),
        # {instance_id} without instance_id fails here, before the project lookup or any other request.
        ({"method": "POST"}, "Option 'path' contains {instance_id}: set 'instance_id'"),
    ],
)
def test_bad_options_fail_before_anything_is_sent(params, fragment):
    with pytest.raises(ConfigurationError) as raised:
        RequestOptions(dict({"path": EXTEND}, **params))
    assert fragment in str(raised.value)


def test_method_is_case_insensitive_and_lists_are_bodies():
    options = RequestOptions({"path": "/v2/{project_id}/x", "method": "put", "body": [{"a": 1}]})
    assert (options.method, options.body, options.idempotent, options.changes) == ("PUT", [{"a": 1}], True, True)
    assert RequestOptions({"path": "/v2/x", "method": "PATCH"}).idempotent is False
    assert RequestOptions({"path": "/v2/x"}).changes is False


def test_find_jobs_top_level_results_and_jobs():
    assert find_jobs({"job_id": JOB, "protocol": "x"}, INSTANCE) == [(JOB, INSTANCE)]
    assert find_jobs(
        {
            "results": [
                {"instance_id": "i1", "job_id": "j1"},
                {"instance_id": "i2", "job_id": "j2", "error_msg": None},
                {"instance_id": "i3", "error_msg": "quota"},
            ]
        },
        None,
    ) == [("j1", "i1"), ("j2", "i2")]
    assert find_jobs({"jobs": [{"job_id": "j3"}]}, INSTANCE) == [("j3", INSTANCE)]
    for data in (
        None,
        [],
        {"name": "orders"},
        {"job_id": ""},
        {"job_id": 5},
        {"results": "x"},
        {"jobs": [{"id": "scheduled"}]},
    ):
        assert find_jobs(data, INSTANCE) == []


def test_display_url_has_no_credentials_and_the_sent_query():
    assert display_url(
        "https://user:pw@dms.example.com:8443/", "/v2/p/x", [("b", "2"), ("a", "x y")]
    ) == "https://dms.example.com:8443/v2/p/x?a=1".replace("a=1", "a=x%20y&b=2")


# --- one run against a fake client -----------------------------------------------------------------------------


class FakeClient:
    """Answers request() with a scripted HttpResponse or error and get_json() (task reads) from a list of statuses."""

    base_url = "https://dms.cn-north-4.myhuaweicloud.com"

    def __init__(self, answer=None, statuses=("SUCCESS",), task_answers=None):
        self.server_clock = ServerClock()
        self.answer = answer if answer is not None else HttpResponse(200, {"X-Request-Id": "rid-1"}, {"job_id": JOB})
        self.statuses = list(statuses)
        self.task_answers = task_answers
        self.sent = []
        self.reads = []

    def request(self, method, path, query=(), body=None, deadline=None, base_url=None, idempotent=None):
        self.sent.append((method, path, list(query), body, idempotent))
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer

    def get_json(self, path, query=(), deadline=None):
        self.reads.append(path)
        if self.task_answers:
            answer = self.task_answers.pop(0)
            if isinstance(answer, Exception):
                raise answer
        status = self.statuses.pop(0) if len(self.statuses) > 1 else self.statuses[0]
        task_id = path.rsplit("/", 1)[1]
        return HttpResponse(
            200,
            {},
            {
                "task_count": "1",
                "tasks": [{"id": task_id, "name": "kafkaInstanceExtend", "status": status, "params": "{}"}],
            },
        )


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


def _run(params, client, check_mode=False, warnings=None, clock=None):
    clock = clock or Clock()
    options = RequestOptions.from_params(params)
    context = make_context(
        clock,
        client=client,
        warn=(warnings.append if warnings is not None else None),
        timeout=options.run_timeout or 600.0,
        check_mode=check_mode,
        project_id=PROJECT,
    )
    return DmsRequest(options).run(context)


SCALE_OUT = {
    "method": "POST",
    "path": EXTEND,
    "instance_id": INSTANCE,
    "body": {"oper_type": "horizontal", "new_broker_num": 5},
}


def test_post_returns_status_json_request_id_job_id_and_changed():
    client = FakeClient()
    result = _run(SCALE_OUT, client)
    assert client.sent == [
        (
            "POST",
            "/v2/%s/kafka/instances/%s/extend" % (PROJECT, INSTANCE),
            [],
            {"oper_type": "horizontal", "new_broker_num": 5},
            False,
        )
    ]
    assert result == {
        "changed": True,
        "status": 200,
        "json": {"job_id": JOB},
        "request_id": "rid-1",
        "job_id": JOB,
        "elapsed": 0.0,
    }


def test_get_is_not_a_change_and_sends_the_query():
    client = FakeClient(HttpResponse(200, CaseInsensitiveDict({"x-request-id": "rid-2"}), {"tasks": []}))
    result = _run(
        {"path": "/v2/{project_id}/instances/{instance_id}/tasks", "instance_id": INSTANCE, "query": {"limit": 5}},
        client,
    )
    assert client.sent[0][0] == "GET" and client.sent[0][2] == [("limit", "5")] and client.sent[0][4] is True
    assert (result["changed"], result["request_id"], "job_id" in result) == (False, "rid-2", False)


def test_check_mode_sends_nothing_for_a_change_and_shows_the_request():
    client = FakeClient()
    result = _run(dict(SCALE_OUT, wait_for=True, query={"dry": True}), client, check_mode=True)
    assert client.sent == [] and client.reads == []
    assert result["changed"] is True and result["status"] is None
    assert result["request"] == {
        "method": "POST",
        "body": {"oper_type": "horizontal", "new_broker_num": 5},
        "url": "https://dms.cn-north-4.myhuaweicloud.com/v2/%s/kafka/instances/%s/extend?dry=true"
        % (PROJECT, INSTANCE),
    }


def test_check_mode_still_runs_a_get():
    client = FakeClient(HttpResponse(200, {}, {"tasks": []}))
    result = _run(
        {"path": "/v2/{project_id}/instances/{instance_id}/tasks", "instance_id": INSTANCE}, client, check_mode=True
    )
    assert len(client.sent) == 1 and result["changed"] is False and result["json"] == {"tasks": []}


def test_wait_for_polls_the_job_with_the_task_waiter_until_success():
    client = FakeClient(statuses=["CREATED", "EXECUTING", "SUCCESS"])
    clock = Clock()
    result = _run(dict(SCALE_OUT, wait_for=True, wait_sleep=2, wait_timeout=60), client, clock=clock)
    assert client.reads == ["/v2/%s/instances/%s/tasks/%s" % (PROJECT, INSTANCE, JOB)] * 3
    assert result["task"]["status"] == "SUCCESS" and result["task"]["params"] == {}
    assert result["changed"] is True and result["elapsed"] == 4.0


def test_a_failed_job_fails_with_dms_task_infos_message_and_the_result():
    client = FakeClient(statuses=["EXECUTING", "FAILED"])
    with pytest.raises(DmsFailure) as raised:
        _run(dict(SCALE_OUT, wait_for=True, wait_sleep=1), client)
    assert "DMS task %s (kafkaInstanceExtend) ended with status FAILED on instance %s" % (JOB, INSTANCE) in str(
        raised.value
    )
    result = raised.value.result
    assert result["changed"] is True and result["job_id"] == JOB and result["task"]["status"] == "FAILED"
    assert result["status"] == 200 and result["request_id"] == "rid-1"


def test_a_failed_job_is_returned_without_failing_when_asked():
    result = _run(
        dict(SCALE_OUT, wait_for=True, wait_sleep=1, fail_on_task_failure=False), FakeClient(statuses=["FAILED"])
    )
    assert result["task"]["status"] == "FAILED" and result["changed"] is True


def test_wait_times_out_with_the_same_message_as_dms_task_info():
    with pytest.raises(DmsFailure) as raised:
        _run(dict(SCALE_OUT, wait_for=True, wait_sleep=5, wait_timeout=12), FakeClient(statuses=["EXECUTING"]))
    assert str(raised.value).startswith(
        "Timed out after wait_timeout=12 s waiting for task %s on instance %s" % (JOB, INSTANCE)
    )
    assert raised.value.result["task"]["status"] == "EXECUTING"


def test_a_job_not_yet_visible_gets_the_not_found_grace():
    missing = DmsApiError("GET", "/tasks/x", 404, "DMS.00404023", "The background task does not exist.", None)
    client = FakeClient(statuses=["SUCCESS"], task_answers=[missing, missing])
    result = _run(dict(SCALE_OUT, wait_for=True, wait_sleep=5), client)
    assert result["task"]["status"] == "SUCCESS" and len(client.reads) == 3


def test_wait_for_without_a_job_id_fails_after_the_change_saying_so():
    client = FakeClient(HttpResponse(200, {}, {"name": "orders"}))
    with pytest.raises(DmsFailure) as raised:
        _run(
            {
                "method": "POST",
                "path": "/v2/{project_id}/instances/{instance_id}/topics",
                "instance_id": INSTANCE,
                "body": {"id": "orders"},
                "wait_for": True,
            },
            client,
        )
    message = str(raised.value)
    assert "has no job_id" in message and "WAS sent" in message
    assert len(client.sent) == 1 and client.reads == []
    assert raised.value.result["changed"] is True and raised.value.result["json"] == {"name": "orders"}


def test_a_job_id_that_is_not_an_id_never_reaches_a_url():
    client = FakeClient(HttpResponse(200, {}, {"job_id": "../../v3/x"}))
    with pytest.raises(DmsFailure, match="not a DMS id"):
        _run(dict(SCALE_OUT, wait_for=True), client)
    assert client.reads == []


def test_jobs_in_results_are_waited_on_their_own_instances():
    client = FakeClient(
        HttpResponse(
            200, {}, {"results": [{"instance_id": "i1", "job_id": "j1"}, {"instance_id": "i2", "job_id": "j2"}]}
        )
    )
    result = _run(
        {
            "method": "POST",
            "path": "/v2/{project_id}/recycle",
            "body": {"instances": ["i1", "i2"]},
            "wait_for": True,
            "instance_id": INSTANCE,
        },
        client,
    )
    assert client.reads == ["/v2/%s/instances/i1/tasks/j1" % PROJECT, "/v2/%s/instances/i2/tasks/j2" % PROJECT]
    assert (
        result["job_id"] == "j1"
        and result["job_ids"] == ["j1", "j2"]
        and [t["id"] for t in result["tasks"]] == ["j1", "j2"]
    )


def test_an_api_error_fails_with_code_message_and_request_id():
    error = DmsApiError(
        "POST",
        "/v2/p/kafka/instances/i/extend",
        400,
        "DMS.00400026",
        "This operation is not allowed due to the instance status.",
        "rid-9",
    )
    with pytest.raises(DmsFailure) as raised:
        _run(SCALE_OUT, FakeClient(error))
    assert (
        "HTTP 400: DMS.00400026 This operation is not allowed due to the instance status. (X-Request-Id: rid-9)"
        in str(raised.value)
    )
    assert "not retried" not in str(raised.value)
    assert raised.value.result == {"changed": False, "status": 400, "json": None, "request_id": "rid-9", "elapsed": 0.0}


def test_a_server_error_on_post_says_the_change_may_have_been_made():
    error = DmsApiError("POST", "/x", 503, None, "HTML error page: 503", None)
    with pytest.raises(DmsFailure, match="POST is not retried after a server error.*may already have been made"):
        _run(SCALE_OUT, FakeClient(error))
    with pytest.raises(DmsFailure, match="POST is not retried") as lost:
        _run(SCALE_OUT, FakeClient(AnswerLost("connection reset")))
    assert lost.value.result["changed"] is True and "The request was sent" in str(lost.value)
    # A connection never made reached nothing: no change, and no claim that one may have been made.
    with pytest.raises(DmsFailure) as refused:
        _run(SCALE_OUT, FakeClient(DmsTransportError("connection refused")))
    assert refused.value.result["changed"] is False and "not retried" not in str(refused.value)
    with pytest.raises(DmsFailure) as raised:
        _run(dict(SCALE_OUT, method="PUT"), FakeClient(error))
    assert "not retried" not in str(raised.value)


def test_status_code_accepts_an_expected_error_status():
    error = DmsApiError("DELETE", "/x", 404, "DMS.00404022", "This instance does not exist.", "rid-4")
    result = _run(
        {
            "method": "DELETE",
            "path": "/v2/{project_id}/instances/{instance_id}",
            "instance_id": INSTANCE,
            "status_code": [204, 404],
        },
        FakeClient(error),
    )
    assert result["status"] == 404 and result["changed"] is False
    assert result["json"] == {"error_code": "DMS.00404022", "error_msg": "This instance does not exist."}


def test_status_code_mismatch_on_2xx_fails_and_names_the_status():
    client = FakeClient(HttpResponse(204, {"X-Request-Id": "rid-5"}, None))
    with pytest.raises(DmsFailure) as raised:
        _run(dict(SCALE_OUT, status_code=[200]), client)
    assert "answered HTTP 204, not the expected status (200) (X-Request-Id: rid-5)" in str(raised.value)
    assert raised.value.result["changed"] is True


# --- the HTTP client's per-method retry rule, on the wire -------------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        pass

    def _answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        server = self.server
        with server.lock:
            server.received.append(
                {"method": self.command, "path": self.path, "headers": dict(self.headers), "body": body}
            )
            step = server.script.pop(0) if len(server.script) > 1 else server.script[0]
        if step == "drop":
            # Read the whole request, then hang up without a word: the server may have acted on it.
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        status, payload = step
        data = json.dumps(payload).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("X-Request-Id", "rid-%d" % len(server.received))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _answer


@pytest.fixture
def server():
    srv = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    srv.daemon_threads = True
    srv.lock = threading.Lock()
    srv.received = []
    srv.script = [(200, {"job_id": JOB})]
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
    thread.start()
    srv.url = "http://127.0.0.1:%d" % srv.server_address[1]
    yield srv
    srv.shutdown()
    srv.server_close()


def _client(url, retries=3):
    return DmsHttpClient(
        open_transport(retries=retries, request_timeout=5, sleep=lambda seconds: None), url, AkSkAuth(AK, SK), PROJECT
    )


@pytest.mark.parametrize(
    "method, step, sends",
    [
        ("POST", (503, {}), 1),
        ("PATCH", (502, {}), 1),
        ("POST", (429, {"error_code": "APIGW.0308"}), 2),
        ("POST", "drop", 1),
        ("GET", (503, {}), 2),
        ("PUT", (503, {}), 2),
        ("DELETE", (500, {}), 2),
        ("GET", "drop", 2),
        ("PUT", "drop", 2),
    ],
)
def test_retry_rule_per_method(server, method, step, sends):
    server.script = [step, (200, {"job_id": JOB})]
    client = _client(server.url)
    try:
        try:
            response = client.request(method, "/v2/%s/x" % PROJECT, body={"a": 1} if method != "GET" else None)
        except (DmsApiError, DmsTransportError):
            response = None
    finally:
        client.close()
    assert len(server.received) == sends
    assert (response is not None) == (sends == 2)


def test_a_post_whose_connection_was_never_made_is_retried():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nothing listens there: connection refused, the request never left
    client = _client("http://127.0.0.1:%d" % port, retries=2)
    try:
        with pytest.raises(DmsTransportError, match="after 2 retries"):
            client.request("POST", "/v2/x", body={"a": 1})
    finally:
        client.close()
    assert client.requests_sent == 3


def test_explicit_idempotent_overrides_the_methods_default(server):
    server.script = [(503, {}), (200, {})]
    client = _client(server.url)
    try:
        client.request("POST", "/v2/x", body={}, idempotent=True)
    finally:
        client.close()
    assert len(server.received) == 2


@pytest.mark.parametrize(
    "body", [{"oper_type": "horizontal", "new_broker_num": 5, "name": "caf\u00e9 \u00fc"}, [1, "two", None], {}]
)
def test_the_signed_bytes_are_the_sent_bytes(server, body):
    server.script = [(200, {"job_id": JOB})]
    client = _client(server.url)
    context = make_context(Clock(), client=client, project_id=PROJECT)
    try:
        result = DmsRequest(
            RequestOptions(
                {
                    "method": "POST",
                    "path": EXTEND,
                    "instance_id": INSTANCE,
                    "body": body,
                    "query": {"b": [2, 1], "a": True},
                }
            )
        ).run(context)
    finally:
        client.close()
    (got,) = server.received
    assert json.loads(got["body"].decode("utf-8")) == body
    path, _sep, query = got["path"].partition("?")
    assert query == "a=true&b=1&b=2"
    headers = got["headers"]
    signed = headers["Authorization"].split("SignedHeaders=")[1].split(",")[0].split(";")
    expected = sign_request(
        AK,
        SK,
        "POST",
        server.url + path,
        query=parse_qsl(query),
        headers={k: v for k, v in headers.items() if k.lower() in signed},
        body=got["body"],
    )
    assert headers["Authorization"] == expected["Authorization"]
    assert result["request_id"] == "rid-1" and result["job_id"] == JOB


def test_an_internal_error_after_the_change_was_sent_reports_it_not_unexpected(monkeypatch):
    # Even a bug after the POST must not hide the change behind "Unexpected ... (please report it)" and changed: false.
    from ansible_collections.hwcloud.dms.plugins.module_utils import _request

    def broken(data, default_instance):
        raise ValueError("month must be in 1..12")

    monkeypatch.setattr(_request, "find_jobs", broken)
    with pytest.raises(DmsFailure) as raised:
        _run(SCALE_OUT, FakeClient())
    message = str(raised.value)
    assert message.startswith("Internal error after the request was sent") and "month must be in 1..12" in message
    assert raised.value.result["changed"] is True and raised.value.result["status"] == 200


def test_an_internal_error_before_anything_was_sent_stays_a_bug_report(monkeypatch):
    from ansible_collections.hwcloud.dms.plugins.module_utils import _request

    monkeypatch.setattr(_request, "fill_path", lambda *args: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        _run(SCALE_OUT, FakeClient())
