# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""dms_task_info's window on the server's clock (issue 17): re-read after the first answer, the older-task case."""

from __future__ import annotations

import calendar
import math
import time
from email.utils import formatdate
from types import SimpleNamespace

import pytest

from ansible_collections.hwcloud.dms.plugins.module_utils._errors import DmsFailure
from ansible_collections.hwcloud.dms.plugins.module_utils._server_clock import ServerClock
from ansible_collections.hwcloud.dms.plugins.module_utils._task_query import QueryOptions, TaskRead
from ansible_collections.hwcloud.dms.tests.unit.fakes import make_context

INSTANCE = "11111111-2222-3333-4444-555555555555"
NOTED = 1705307400.0  # 2024-01-15T08:30:00Z on this host's clock, noted before the change
NOTED_API = "20240115083000"


def iso(epoch):
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(epoch)) + ".%03dZ" % int(round((epoch % 1) * 1000))


def api_epoch(value):
    return calendar.timegm(time.strptime(value, "%Y%m%d%H%M%S"))


class SkewedApi:
    """A DMS list endpoint on a server `offset` seconds off this host: filters on created_at, dates its answers.

    `tasks` are (id, created_at on the server's clock, status, visible from the n-th list call on).
    """

    def __init__(self, offset, tasks, host_time=NOTED + 1.3):
        self.offset = offset
        self.tasks = tasks
        self.host_time = host_time
        self.server_clock = ServerClock()
        self.calls = []

    def list(self, begin_time=None, end_time=None, deadline=None):
        self.calls.append((begin_time, end_time))
        sent = self.host_time
        self.host_time += 0.02
        self.server_clock.observe(formatdate(math.floor(sent + 0.01 + self.offset), usegmt=True), sent, self.host_time)
        self.host_time += 0.5
        begin = api_epoch(begin_time) if begin_time else None
        end = api_epoch(end_time) if end_time else None
        found = [
            {"id": task_id, "name": "bindInstancePublicIp", "status": status, "created_at": iso(created)}
            for task_id, created, status, from_call in self.tasks
            if len(self.calls) >= from_call
            and (begin is None or created >= begin)
            and (end is None or created < end + 1)
        ]
        return sorted(found, key=lambda task: task["created_at"], reverse=True)


def query(api, clock, **params):
    values = {
        "instance_id": INSTANCE,
        "name": "bindInstancePublicIp",
        "latest": True,
        "wait_timeout": 30,
        "wait_sleep": 1.0,
    }
    values.update(params)
    options = QueryOptions.from_params(values)
    client = SimpleNamespace(server_clock=api.server_clock, requests_sent=0)
    return TaskRead(options, api, make_context(clock, client=client, timeout=options.wait.timeout))


@pytest.mark.parametrize("offset", [-30.0, 30.0])
def test_first_answer_tells_the_skew_and_the_list_is_read_again(clock, offset):
    new = ("new", NOTED + 1.0 + offset, "SUCCESS", 1)
    older = ("older", NOTED - 20 + offset, "SUCCESS", 1)  # 20 s before the change, on the server's clock
    api = SkewedApi(offset, [new, older])
    result = query(api, clock, begin_time=NOTED_API).run()
    assert len(api.calls) == 2 and api.calls[0] == (NOTED_API, None)
    sent = api.calls[1][0]
    assert sent != NOTED_API and result["clock"]["begin_time"] == sent
    assert api_epoch(sent) <= NOTED + offset < api_epoch(sent) + 3
    assert result["task"]["id"] == "new" and [task["id"] for task in result["tasks"]] == ["new"]
    assert result["clock"]["server_offset"] == pytest.approx(offset, abs=1.0)


def test_agreeing_clocks_read_once(clock):
    api = SkewedApi(0.0, [("new", NOTED + 1.0, "SUCCESS", 1)])
    result = query(api, clock, begin_time=NOTED_API).run()
    assert api.calls == [(NOTED_API, None)]
    assert result["clock"] == {"server_offset": pytest.approx(0.0, abs=1.0), "begin_time": NOTED_API, "end_time": None}


def test_a_known_skew_is_applied_from_the_first_read(clock):
    api = SkewedApi(-30.0, [("new", NOTED + 1.0 - 30, "SUCCESS", 1)])
    api.server_clock.observe(
        formatdate(math.floor(NOTED - 30), usegmt=True), NOTED, NOTED + 0.02
    )  # e.g. an earlier call
    query(api, clock, begin_time=NOTED_API).run()
    assert len(api.calls) == 1 and api.calls[0][0] != NOTED_API


@pytest.mark.parametrize("offset", [-30.0, 30.0])
def test_wait_is_not_ended_by_an_older_task_a_minute_earlier(clock, offset):
    older = ("older", NOTED - 60 + offset, "SUCCESS", 1)  # a finished binding from a minute before
    twenty = ("twenty", NOTED - 20 + offset, "SUCCESS", 1)
    new = ("new", NOTED + 2.0 + offset, "SUCCESS", 4)  # DMS lists the new task only from the 4th read
    api = SkewedApi(offset, [older, twenty, new])
    result = query(api, clock, begin_time=NOTED_API, wait_for=True).run()
    assert result["task"]["id"] == "new"
    assert result["attempts"] == 3  # reads 1+2 (re-read), 3, 4
    # Only the first read went out on this host's clock; every later one on the server's.
    assert api.calls[0][0] == NOTED_API and len({call[0] for call in api.calls[1:]}) == 1


def test_server_behind_without_translation_would_time_out(clock):
    # The bug of issue 17, kept as a guard on the fake: with the times as given, the new task is filtered out.
    api = SkewedApi(-30.0, [("new", NOTED + 1.0 - 30, "SUCCESS", 1)])
    assert api.list(NOTED_API) == []


def test_end_time_is_translated_too(clock):
    offset = 30.0
    before = ("before", NOTED - 15 + offset, "SUCCESS", 1)
    new = ("new", NOTED + 5 + offset, "SUCCESS", 1)
    api = SkewedApi(offset, [before, new])
    result = query(api, clock, end_time="20240115082950", latest=False).run()  # 10 s before the note
    assert [task["id"] for task in result["tasks"]] == ["before"]
    assert result["clock"]["end_time"] != "20240115082950" and result["clock"]["begin_time"] is None


def test_timeout_message_names_the_translation(clock):
    api = SkewedApi(-30.0, [])
    with pytest.raises(DmsFailure) as info:
        query(api, clock, begin_time=NOTED_API, wait_for=True, wait_timeout=3).run()
    message = str(info.value)
    assert "no matching task has appeared yet" in message
    assert "the DMS clock is" in message and "behind this host's" in message and "begin_time=202401150829" in message
