# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""include_progress: ProgressReader alone, and through TaskQuery while waiting (the latest progress, also on timeout)."""

from __future__ import annotations

import pytest

from ansible_collections.hwcloud.dms.plugins.module_utils._errors import DmsApiError, DmsFailure
from ansible_collections.hwcloud.dms.plugins.module_utils._progress import ProgressReader
from ansible_collections.hwcloud.dms.plugins.module_utils._task_query import QueryOptions, TaskRead
from ansible_collections.hwcloud.dms.tests.unit.fakes import Script, make_context

INSTANCE = "11111111-2222-3333-4444-555555555555"
NOT_PUBLISHED = DmsApiError(
    "GET", "/progress", 404, "APIGW.0101", "The API does not exist or has not been published in the environment", None
)


def progress(percentage):
    return {
        "progress_percentage": percentage,
        "remain_time": 100 - percentage,
        "step_list": [{"name": "scale_out", "statue": "IN_PROGRESS"}],
    }


class FakeApi:
    """Tasks by scripted status reads; progress by scripted answers (the last repeats)."""

    instance_id = INSTANCE

    def __init__(self, reads, progresses):
        self.reads = Script(reads)
        self.progresses = Script(progresses)
        self.progress_calls = []

    def show(self, task_id, deadline=None):
        return dict(self.reads.next())

    def progress(self, task_id, deadline=None):
        self.progress_calls.append((task_id, deadline))
        return self.progresses.next()


def test_progress_is_attached_to_each_task():
    api = FakeApi([], [progress(40)])
    tasks = ProgressReader(api, [].append).attach(
        [{"id": "a", "status": "EXECUTING"}, {"id": "b", "status": "EXECUTING"}], deadline=5.0
    )
    assert [task["progress"]["progress_percentage"] for task in tasks] == [40, 40]
    assert api.progress_calls == [("a", 5.0), ("b", 5.0)]


def test_not_found_warns_once_and_stops_asking():
    api = FakeApi([], [NOT_PUBLISHED])
    warnings = []
    reader = ProgressReader(api, warnings.append)
    tasks = [{"id": "a", "status": "SUCCESS"}, {"id": "b", "status": "SUCCESS"}]
    reader.attach(tasks)
    reader.attach(tasks)
    assert all("progress" not in task for task in tasks)
    assert len(api.progress_calls) == 1 and reader.supported is False
    assert (
        len(warnings) == 1
        and INSTANCE in warnings[0]
        and "APIGW.0101" in warnings[0]
        and "Kafka and RocketMQ" in warnings[0]
    )


def test_other_errors_propagate():
    error = DmsApiError("GET", "/progress", 500, None, None, None)
    with pytest.raises(DmsApiError):
        ProgressReader(FakeApi([], [error]), [].append).attach([{"id": "a", "status": "EXECUTING"}])


def test_a_finished_tasks_progress_is_read_once():
    api = FakeApi([], [progress(100)])
    reader = ProgressReader(api, [].append)
    for _poll in range(3):
        tasks = reader.attach([{"id": "a", "status": "SUCCESS"}])
    assert tasks[0]["progress"]["progress_percentage"] == 100
    assert len(api.progress_calls) == 1


def test_a_task_without_id_is_skipped():
    api = FakeApi([], [progress(1)])
    assert ProgressReader(api, [].append).attach([{"status": "EXECUTING"}]) == [{"status": "EXECUTING"}]
    assert api.progress_calls == []


def query(api, clock, **values):
    params = {"instance_id": INSTANCE, "task_id": "t1", "include_progress": True}
    params.update(values)
    options = QueryOptions.from_params(params)
    return TaskRead(options, api, make_context(clock, timeout=options.wait.timeout))


def test_wait_returns_the_progress_read_after_the_last_status_read(clock):
    api = FakeApi(
        [{"id": "t1", "status": "EXECUTING"}, {"id": "t1", "status": "SUCCESS"}], [progress(50), progress(100)]
    )
    result = query(api, clock, wait_for=True, wait_sleep=1).run()
    assert result["attempts"] == 2
    assert result["task"]["progress"]["progress_percentage"] == 100
    assert len(api.progress_calls) == 2  # one per poll


def test_wait_timeout_carries_the_latest_progress(clock):
    api = FakeApi([{"id": "t1", "status": "EXECUTING"}], [progress(10), progress(20), progress(30)])
    with pytest.raises(DmsFailure) as info:
        query(api, clock, wait_for=True, wait_sleep=1, wait_timeout=2).run()
    # Two polls fit in 2 s at 1 s apart: the second poll's progress comes back, not the first.
    assert info.value.result["attempts"] == 2
    assert info.value.result["tasks"][0]["progress"]["progress_percentage"] == 20


def test_without_include_progress_nothing_is_asked(clock):
    api = FakeApi([{"id": "t1", "status": "SUCCESS"}], [progress(1)])
    result = query(api, clock, include_progress=False).run()
    assert "progress" not in result["task"] and api.progress_calls == []


# --- issue 16: any non-transient 4xx disables progress, the wait goes on --------------------------------------------


@pytest.mark.parametrize(
    "status, code", [(400, "DMS.00400004"), (403, "DMS.00403001"), (405, None), (409, None), (422, None)]
)
def test_any_other_4xx_disables_progress_with_one_warning_and_the_wait_goes_on(clock, status, code):
    refused = DmsApiError("GET", "/progress", status, code, "Not supported for this task.", "r-1")
    api = FakeApi(
        [{"id": "t1", "status": "EXECUTING"}, {"id": "t1", "status": "EXECUTING"}, {"id": "t1", "status": "SUCCESS"}],
        [refused],
    )
    warnings = []
    params = {"instance_id": INSTANCE, "task_id": "t1", "include_progress": True, "wait_for": True, "wait_sleep": 1}
    options = QueryOptions.from_params(params)
    result = TaskRead(options, api, make_context(clock, warn=warnings.append, timeout=options.wait.timeout)).run()
    assert result["task"]["status"] == "SUCCESS" and result["attempts"] == 3
    assert "progress" not in result["task"]
    assert len(api.progress_calls) == 1 and len(warnings) == 1
    assert "HTTP %d" % status in warnings[0] and "without 'progress'" in warnings[0]


@pytest.mark.parametrize("status", [408, 429])
def test_transient_4xx_on_progress_is_not_taken_for_unsupported(status):
    throttled = DmsApiError("GET", "/progress", status, "APIGW.0308", "The throttling threshold has been reached", None)
    reader = ProgressReader(FakeApi([], [throttled]), [].append)
    with pytest.raises(DmsApiError):
        reader.attach([{"id": "a", "status": "EXECUTING"}])
    assert reader.supported is True
