# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The task model: time checks, params decoding, filtering, and the show/list calls against a fake client."""

from __future__ import annotations

import pytest

from ansible_collections.hwcloud.dms.plugins.module_utils import _tasks
from ansible_collections.hwcloud.dms.plugins.module_utils._errors import (
    ConfigurationError,
    DmsApiError,
    DmsResponseError,
    TaskNotFoundError,
)
from ansible_collections.hwcloud.dms.plugins.module_utils._http_response import HttpResponse
from ansible_collections.hwcloud.dms.plugins.module_utils._tasks import (
    DmsTaskApi,
    decode_params,
    filter_tasks,
    normalize_task,
    to_api_time,
)
from ansible_collections.hwcloud.dms.tests.unit.fakes import Script

PROJECT = "0123456789abcdef0123456789abcdef"
INSTANCE = "11111111-2222-3333-4444-555555555555"
BASE = "/v2/%s/instances/%s/tasks" % (PROJECT, INSTANCE)


class FakeClient:
    """Answers get_json from a script of response bodies (or exceptions) and records every call."""

    def __init__(self, *answers):
        self.answers = Script(answers)
        self.calls = []

    def get_json(self, path, query=(), deadline=None):
        self.calls.append({"path": path, "query": list(query), "deadline": deadline})
        return HttpResponse(200, {}, self.answers.next())


def make_tasks(count, offset=0):
    return [{"id": "task-%d" % (offset + n), "name": "restart", "status": "SUCCESS"} for n in range(count)]


def api_error(status, code="DMS.00404022", message="This instance does not exist."):
    return DmsApiError("GET", BASE, status, code, message, "req-9")


# --- to_api_time -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "20240115083000",
        "2024-01-15T08:30:00Z",
        "2024-01-15T08:30:00z",
        "2024-01-15T16:30:00+08:00",
        "2024-01-14T22:30:00-10:00",
        "2024-01-15T08:30:00.999Z",
        " 2024-01-15T08:30:00Z ",
    ],
)
def test_to_api_time_converts_to_utc_api_format(value):
    assert to_api_time(value, "begin_time") == "20240115083000"


def test_to_api_time_rejects_an_iso_time_without_a_zone():
    # Issue 16: a zone-less ISO time used to be taken as UTC silently; in ISO 8601 it means local time.
    for value in ("2024-01-15T08:30:00", "2024-01-15 08:30"):
        with pytest.raises(ConfigurationError) as info:
            to_api_time(value, "begin_time")
        assert "'begin_time'" in str(info.value) and "Z" in str(info.value)


def test_to_api_time_none_stays_none():
    assert to_api_time(None, "begin_time") is None


@pytest.mark.parametrize(
    "value",
    ["20241301000000", "20240230000000", "20240115250000", "yesterday", "2024-13-01T00:00:00Z", "", "2024011508300"],
)
def test_to_api_time_rejects_junk_naming_the_option(value):
    with pytest.raises(ConfigurationError) as info:
        to_api_time(value, "end_time")
    assert "'end_time'" in str(info.value)


def test_to_api_time_error_shows_the_expected_formats():
    with pytest.raises(ConfigurationError) as info:
        to_api_time("last tuesday", "begin_time")
    assert "YYYYMMDDHHmmss" in str(info.value) and "ISO 8601" in str(info.value)


# --- decode_params / normalize_task ----------------------------------------------------------------------------


def test_decode_params():
    assert decode_params('{"public_ip": "1.2.3.4", "port": 9094}') == {"public_ip": "1.2.3.4", "port": 9094}
    assert decode_params("not json at all") == "not json at all"
    assert decode_params("[1, 2]") == "[1, 2]"
    assert decode_params('"quoted"') == '"quoted"'
    assert decode_params("") == ""
    assert decode_params(None) is None
    assert decode_params({"already": "dict"}) == {"already": "dict"}


def test_normalize_task_decodes_params_without_touching_the_input():
    raw = {"id": "t", "params": '{"a": 1}', "status": "SUCCESS"}
    task = normalize_task(raw)
    assert task == {"id": "t", "params": {"a": 1}, "status": "SUCCESS"}
    assert raw["params"] == '{"a": 1}'
    assert normalize_task({"id": "t"}) == {"id": "t"}


def test_normalize_task_rejects_non_objects():
    with pytest.raises(DmsResponseError) as info:
        normalize_task(["id", "t"])
    assert "not an object" in str(info.value)


# --- filter_tasks ----------------------------------------------------------------------------------------------

TASKS = [
    {"id": "a", "name": "bindInstancePublicIp", "created_at": "2024-01-15T08:00:00.000Z"},
    {"id": "b", "name": "unbindInstancePublicIp", "created_at": "2024-01-15T09:00:00.000Z"},
    {"id": "c", "name": "bindInstancePublicIp", "created_at": "2024-01-15T08:30:00.500Z"},
    {"id": "d", "name": "bindInstancePublicIp", "created_at": "2024-01-15T08:30:00.000Z"},
]


def test_filter_by_name_keeps_order():
    assert [t["id"] for t in filter_tasks(TASKS, name="bindInstancePublicIp")] == ["a", "c", "d"]
    assert filter_tasks(TASKS, name="nothing") == []
    assert [t["id"] for t in filter_tasks(TASKS)] == ["a", "b", "c", "d"]


def test_filter_latest_takes_the_newest_created_at():
    assert [t["id"] for t in filter_tasks(TASKS, latest=True)] == ["b"]
    assert [t["id"] for t in filter_tasks(TASKS, name="bindInstancePublicIp", latest=True)] == ["c"]
    assert filter_tasks([], latest=True) == []
    assert filter_tasks(TASKS, name="nothing", latest=True) == []


def test_filter_latest_compares_instants_across_formats():
    tasks = [
        {"id": "utc", "created_at": "2024-01-15T08:30:00Z"},
        # 16:00 at +08:00 is 08:00 UTC: older, although its text sorts later
        {"id": "beijing", "created_at": "2024-01-15T16:00:00+08:00"},
        {"id": "naive", "created_at": "2024-01-15T08:29:59.999"},
    ]
    assert filter_tasks(tasks, latest=True)[0]["id"] == "utc"
    tasks.append({"id": "later-in-minus-5", "created_at": "2024-01-15T03:31:00-05:00"})
    assert filter_tasks(tasks, latest=True)[0]["id"] == "later-in-minus-5"


def test_filter_latest_puts_unparseable_created_at_last():
    tasks = [
        {"id": "junk", "created_at": "yesterday"},
        {"id": "none"},
        {"id": "num", "created_at": 1705307400000},
        {"id": "ok", "created_at": "2020-01-01T00:00:00Z"},
    ]
    assert filter_tasks(tasks, latest=True)[0]["id"] == "ok"


# --- DmsTaskApi.show -------------------------------------------------------------------------------------------


def test_show_returns_the_task_with_params_decoded():
    client = FakeClient({"task_count": "1", "tasks": [{"id": "t1", "status": "SUCCESS", "params": '{"a": "b"}'}]})
    api = DmsTaskApi(client, PROJECT, INSTANCE)
    assert api.show("t1", deadline=123.0) == {"id": "t1", "status": "SUCCESS", "params": {"a": "b"}}
    assert client.calls == [{"path": BASE + "/t1", "query": [], "deadline": 123.0}]


def test_show_picks_the_matching_id_when_the_api_returns_several():
    client = FakeClient({"tasks": [{"id": "other"}, {"id": "t1", "status": "FAILED"}]})
    assert DmsTaskApi(client, PROJECT, INSTANCE).show("t1")["status"] == "FAILED"


def test_show_404_raises_task_not_found():
    # DMS's task-not-found answer (an instance-not-found 404 is told apart: test_messages.py).
    client = FakeClient(api_error(404, "DMS.00404023", "The background task does not exist."))
    with pytest.raises(TaskNotFoundError) as info:
        DmsTaskApi(client, PROJECT, INSTANCE).show("t1")
    assert "t1" in str(info.value) and INSTANCE in str(info.value)


def test_show_empty_tasks_raises_task_not_found():
    with pytest.raises(TaskNotFoundError) as info:
        DmsTaskApi(FakeClient({"task_count": "0", "tasks": []}), PROJECT, INSTANCE).show("t1")
    assert "t1" in str(info.value)


@pytest.mark.parametrize("status", [400, 401, 403, 500])
def test_show_other_api_errors_propagate(status):
    error = api_error(status)
    with pytest.raises(DmsApiError) as info:
        DmsTaskApi(FakeClient(error), PROJECT, INSTANCE).show("t1")
    assert info.value is error


@pytest.mark.parametrize(
    "body,expected",
    [
        ({"task_count": "1"}, "without a 'tasks' list (keys: task_count)"),
        ({}, "without a 'tasks' list (keys: none)"),
        ({"tasks": {"id": "t1"}}, "'tasks' of type dict, expected a list"),
        ({"tasks": "t1"}, "'tasks' of type str, expected a list"),
        ([{"id": "t1"}], "answered with a JSON list instead of a JSON object"),
        (None, "answered with an empty body instead of a JSON object"),
        ({"tasks": ["t1"]}, "task that is not an object"),
    ],
)
def test_show_malformed_bodies_raise_response_error(body, expected):
    with pytest.raises(DmsResponseError) as info:
        DmsTaskApi(FakeClient(body), PROJECT, INSTANCE).show("t1")
    assert expected in str(info.value)


@pytest.mark.parametrize("body", [{"task_count": "1"}, {"tasks": 5}, "text", {"tasks": [7]}])
def test_list_malformed_bodies_raise_response_error(body):
    with pytest.raises(DmsResponseError):
        DmsTaskApi(FakeClient(body), PROJECT, INSTANCE).list()


def test_path_segments_are_url_quoted():
    client = FakeClient({"tasks": [{"id": "a/b?c"}]})
    api = DmsTaskApi(client, "p j", "in/st")
    assert api.base_path == "/v2/p%20j/instances/in%2Fst/tasks"
    api.show("a/b?c")
    assert client.calls[0]["path"] == "/v2/p%20j/instances/in%2Fst/tasks/a%2Fb%3Fc"


# --- DmsTaskApi.list -------------------------------------------------------------------------------------------


def test_list_follows_pages_until_a_short_page():
    client = FakeClient(
        {"task_count": "250", "tasks": make_tasks(100)},
        {"task_count": "250", "tasks": make_tasks(100, 100)},
        {"task_count": "250", "tasks": make_tasks(50, 200)},
    )
    tasks = DmsTaskApi(client, PROJECT, INSTANCE).list("20240101000000", "20240115235959", deadline=55.0)
    assert [t["id"] for t in tasks] == ["task-%d" % n for n in range(250)]
    assert [call["query"] for call in client.calls] == [
        [("start", str(start)), ("limit", "100"), ("begin_time", "20240101000000"), ("end_time", "20240115235959")]
        for start in (1, 101, 201)
    ]
    assert {call["path"] for call in client.calls} == {BASE}
    assert {call["deadline"] for call in client.calls} == {55.0}


def test_list_stops_at_task_count_even_on_a_full_page():
    client = FakeClient(
        {"task_count": "200", "tasks": make_tasks(100)},
        {"task_count": "200", "tasks": make_tasks(100, 100)},
        {"task_count": "200", "tasks": make_tasks(100, 200)},
    )
    tasks = DmsTaskApi(client, PROJECT, INSTANCE).list()
    assert len(tasks) == 200
    assert len(client.calls) == 2


def test_list_without_task_count_reads_until_a_short_page():
    client = FakeClient({"tasks": make_tasks(100)}, {"tasks": []})
    assert len(DmsTaskApi(client, PROJECT, INSTANCE).list()) == 100
    assert [call["query"][0] for call in client.calls] == [("start", "1"), ("start", "101")]


def test_list_omits_begin_and_end_time_when_not_given():
    client = FakeClient({"task_count": "0", "tasks": []})
    assert DmsTaskApi(client, PROJECT, INSTANCE).list() == []
    assert client.calls[0]["query"] == [("start", "1"), ("limit", "100")]


def test_list_max_pages_guard(monkeypatch):
    monkeypatch.setattr(_tasks, "MAX_PAGES", 3)
    client = FakeClient({"task_count": "not a number", "tasks": make_tasks(100)})
    with pytest.raises(DmsResponseError) as info:
        DmsTaskApi(client, PROJECT, INSTANCE).list()
    assert "3 pages" in str(info.value)
    assert len(client.calls) == 3


def test_list_404_means_the_instance_is_missing():
    with pytest.raises(TaskNotFoundError) as info:
        DmsTaskApi(FakeClient(api_error(404)), PROJECT, INSTANCE).list()
    assert "Instance %s" % INSTANCE in str(info.value)


def test_list_other_api_errors_propagate():
    error = api_error(403)
    with pytest.raises(DmsApiError) as info:
        DmsTaskApi(FakeClient(error), PROJECT, INSTANCE).list()
    assert info.value is error


@pytest.mark.parametrize("value", ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00"])
def test_to_api_time_out_of_range_offsets_fail_cleanly(value):
    # Converting these to UTC leaves datetime's range: a ConfigurationError, not an OverflowError traceback.
    with pytest.raises(ConfigurationError) as info:
        to_api_time(value, "begin_time")
    assert "'begin_time'" in str(info.value)


def test_to_api_time_always_gives_fourteen_digits():
    assert to_api_time("0999-01-01T00:00:00Z", "begin_time") == "09990101000000"


def test_an_answer_without_tasks_names_its_keys_within_bounds():
    # 50 000 long keys would have made a message of several MB.
    data = {"k%05d" % number + "x" * 100: 1 for number in range(50000)}
    with pytest.raises(DmsResponseError) as raised:
        _tasks._tasks_of(data, "GET /v2/p/instances/i/tasks")
    assert "without a 'tasks' list (keys: k00000" in str(raised.value) and len(str(raised.value)) < 500
