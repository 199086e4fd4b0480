# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The module side of the progress lines: what is written, when, redacted, and never failing the module."""

from __future__ import annotations

import json

import pytest

from ansible_collections.hwcloud.dms.plugins.module_utils import _progress_feed
from ansible_collections.hwcloud.dms.plugins.module_utils._progress_feed import (
    ENVIRONMENT_VARIABLE,
    ProgressFeed,
    observation,
    report_progress,
    start_progress_feed,
)
from ansible_collections.hwcloud.dms.plugins.module_utils._redact import Redactor


@pytest.fixture(autouse=True)
def no_feed():
    yield
    _progress_feed._FEED = None  # pylint: disable=protected-access


def task(status, percentage=None, name="bindInstancePublicIp", task_id="t1"):
    entry = {"id": task_id, "name": name, "status": status, "params": "{}"}
    if percentage is not None:
        entry["progress"] = {"progress_percentage": percentage, "remain_time": 3}
    return entry


def test_observation_keeps_what_a_line_needs():
    seen = observation("i-1", [task("EXECUTING", 40)], 600, lambda text: text)
    assert seen == {
        "instance_id": "i-1",
        "tasks": [{"id": "t1", "name": "bindInstancePublicIp", "status": "EXECUTING", "percent": 40}],
        "task_count": 1,
        "waiting_for": None,
        "timeout": 600,
    }


@pytest.mark.parametrize("value", [None, "x", True, -1, 101, float("nan"), "1e999", [40]])
def test_odd_percentages_are_left_out(value):
    assert observation("i", [task("EXECUTING", value)], 1, str)["tasks"][0]["percent"] is None


def test_many_tasks_are_cut_and_long_text_shortened():
    seen = observation("i", [task("EXECUTING", task_id="t%d" % n, name="n" * 500) for n in range(9)], 1, str)
    assert len(seen["tasks"]) == _progress_feed.MAX_TASKS and seen["task_count"] == 9
    assert len(seen["tasks"][0]["name"]) == _progress_feed.MAX_TEXT


def test_secrets_are_redacted_before_writing(tmp_path):
    path = tmp_path / "p.progress"
    redact = Redactor(["s3cr3t-value-xyz"])
    feed = ProgressFeed(str(path), redact, 600)
    feed.report("i-1", [task("EXECUTING", name="leak s3cr3t-value-xyz here")])
    assert "s3cr3t-value-xyz" not in path.read_text()


def test_written_only_when_it_changes_and_atomically(tmp_path, monkeypatch):
    path = tmp_path / "p.progress"
    feed = ProgressFeed(str(path), str, 600)
    writes = []
    real_replace = _progress_feed.os.replace
    monkeypatch.setattr(_progress_feed.os, "replace", lambda a, b: writes.append(b) or real_replace(a, b))
    feed.report("i", [task("CREATED")])
    feed.report("i", [task("CREATED")])
    feed.report("i", [task("EXECUTING", 10)])
    feed.report("i", [task("EXECUTING", 10)])
    assert len(writes) == 2
    assert json.loads(path.read_text())["tasks"][0]["status"] == "EXECUTING"
    assert not (tmp_path / "p.progress.tmp").exists()


def test_an_io_error_turns_the_feed_off_without_raising(tmp_path):
    feed = ProgressFeed(str(tmp_path / "missing-dir" / "p"), str, 600)
    feed.report("i", [task("CREATED")])
    assert feed.broken
    feed.report("i", [task("EXECUTING")])  # still silent


def test_off_without_the_environment_variable(tmp_path):
    assert start_progress_feed(str, 600, environ={}) is None
    report_progress("i", [task("CREATED")])  # a no-op
    path = tmp_path / "p"
    assert start_progress_feed(str, 600, environ={ENVIRONMENT_VARIABLE: str(path)}) is not None
    report_progress("i", [task("CREATED")], "bind public IPs")
    assert json.loads(path.read_text())["waiting_for"] == "bind public IPs"
