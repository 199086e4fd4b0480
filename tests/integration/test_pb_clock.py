# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""issue 17: with the server's clock 30 s behind or ahead, the wait-after-bind flow finds the right task.

The emulator's clock skew runs its Date header, created_at, time filters and signature check off the
controller's clock; the module must translate begin_time/end_time and never take an older task.
"""

from __future__ import annotations

import calendar
import re
import time
from datetime import datetime, timezone

import pytest


def _epoch(iso: str) -> float:
    return datetime.strptime(iso, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc).timestamp()


@pytest.mark.parametrize("skew", [-30, 30], ids=["server-30s-behind", "server-30s-ahead"])
def test_wait_after_bind_with_a_skewed_server_clock(emulator, playbook, instance_id, skew):
    emulator.admin.set_clock_skew(skew)
    # The new task appears 5 s after the change: later than the end_time window's margins reach.
    run = playbook("clock_skew.yml", {"appear_after": 5})
    assert run.returncode == 0, run
    saved = run.results["clock"]
    new_id = saved["change"]["id"]
    older = {task["id"]: _epoch(task["created_at"]) for task in saved["older"]}
    assert len(older) == 2 and new_id not in older

    bind = saved["bind"]
    assert bind["task"]["id"] == new_id and bind["task"]["status"] == "SUCCESS"
    assert [task["id"] for task in bind["tasks"]] == [new_id]
    assert bind["attempts"] >= 2  # it appeared only after a few seconds: the wait polled for it
    assert saved["after"]["task"]["id"] == new_id
    assert saved["first"].get("task", {}).get("id", new_id) == new_id

    # The module says which clock its times are in and what it sent.
    clock = bind["clock"]
    assert clock["server_offset"] == pytest.approx(skew, abs=1.5)
    sent_begin = calendar.timegm(time.strptime(clock["begin_time"], "%Y%m%d%H%M%S"))
    assert clock["end_time"] is None
    assert sent_begin <= _epoch(bind["task"]["created_at"])  # the new task is inside the window ...
    assert all(sent_begin > created for created in older.values())  # ... the older ones are not

    # end_time = the noted time (controller's clock) keeps both older tasks and not the new one.
    before = saved["before"]
    assert sorted(task["id"] for task in before["tasks"]) == sorted(older)
    assert before["clock"]["begin_time"] is None and before["clock"]["end_time"] is not None

    # One warning per module run, naming both clocks and the fix.
    direction = "behind" if skew < 0 else "ahead of"
    for name in ("first", "bind", "after", "before"):
        said = [warning for warning in saved[name].get("warnings", []) if "The DMS API's clock is about" in warning]
        assert len(said) == 1, (name, saved[name].get("warnings"))
        found = re.search(
            r"The DMS API's clock is about (\d+) s (behind|ahead of) this host's: its answer was dated"
            r" \w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d GMT when this host's clock said \d{4}-\d\d-\d\dT",
            said[0],
        )
        assert found and 29 <= int(found.group(1)) <= 31 and found.group(2) == direction, said[0]
        assert "sync this host's clock with NTP" in said[0]
    output = " ".join((run.stdout + run.stderr).split())  # Ansible wraps long warnings
    assert "The DMS API's clock is about" in output


@pytest.mark.parametrize("skew", [-16 * 60, 16 * 60], ids=["server-16min-behind", "server-16min-ahead"])
def test_signature_expired_says_the_clock_is_the_cause(emulator, playbook, instance_id, skew):
    emulator.admin.create_instance(instance_id)
    emulator.admin.set_clock_skew(skew)
    run = playbook("clock_signature_expired.yml")
    assert run.returncode == 0, run
    expired = run.results["expired"]
    assert expired["failed"] is True
    message = expired["msg"]
    assert "HTTP 401" in message and "APIGW.0303" in message
    assert "This host's clock is the cause" in message
    # The gateway's text has whole seconds on both sides: 16 min, give or take the second it was signed in.
    assert re.search(r"(15 min 59|16 min [01]) s %s it" % ("behind" if skew < 0 else "ahead of"), message), message
    assert "NTP" in message
