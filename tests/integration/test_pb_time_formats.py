# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Issue 16: begin_time/end_time and created_at ordering give the same answers whatever Python the module runs on.

make test runs this file with DMS_TEST_MANAGED_PYTHON set to a venv of Python 3.9 too; by default the modules run on
the controller's Python. Several accepted forms below were rejected on 3.9 when the module used
datetime.fromisoformat (+0800, a one-digit fraction, nanoseconds), and some rejected ones were accepted on 3.11+.
"""

from __future__ import annotations

import os
import subprocess

# All of these are 2024-01-15T08:30:00Z (the fraction is cut to whole seconds).
ACCEPTED = [
    "20240115083000",
    "2024-01-15T08:30:00Z",
    "2024-01-15t08:30:00z",
    "2024-01-15T16:30:00+0800",
    "2024-01-15T16:30:00+08:00",
    "2024-01-15T08:30:00.5Z",
    "2024-01-15T08:30:00.123456789Z",
    "2024-01-15T08:30Z",
    "2024-01-14T22:30:00,25-10:00",
]
REJECTED = {
    "2024-01-15T08:30:00": "needs Z (UTC) or an offset",
    "2024-01-15 08:30": "put 'T' between the date and the time",
    "2024-01-15": "a date alone is not accepted",
    "20240115": "not one of the accepted formats",
    "2024-W03-1": "not one of the accepted formats",
    "20240115T083000Z": "not one of the accepted formats",
    "2024-01-15T24:00:00Z": "hour 24",
    "9999-12-31T23:59:59-01:00": "out of the supported range",
}
SEED = [
    ("before", "2024-01-15T08:29:59.999Z"),
    ("at", "2024-01-15T08:30:00.000Z"),
    ("fraction", "2024-01-15T08:30:59.9Z"),
]
# Served as they are, oldest first (the emulator itself normalises created_at and lists newest first): 'latest' must
# compare instants, not text or position. 16:31 at +08:00 is 08:31 UTC, the newest; zone-less created_at is UTC.
MIXED_INSTANCE = "33333333-4444-5555-6666-777777777777"
MIXED = [
    ("junk", "yesterday"),
    ("epoch", 1705307400000),
    ("naive", "2024-01-15T08:30:59.99"),
    ("nanos", "2024-01-15T08:30:59.999999999Z"),
    ("offset", "2024-01-15T16:31:00+0800"),
    ("basic", "2024-01-15T08:30:59.5Z"),
    ("minus", "2024-01-15T03:30:59.9999-05:00"),
]


def test_time_formats_alike_on_the_managed_python(emulator, playbook, instance_id):
    ids = {
        key: emulator.admin.create_task(instance_id=instance_id, name=key, created_at=created_at)["id"]
        for key, created_at in SEED
    }
    emulator.admin.add_fault(
        kind="status",
        status=200,
        scope="path",
        path="/instances/%s/tasks" % MIXED_INSTANCE,
        body={
            "task_count": str(len(MIXED)),
            "tasks": [
                {"id": key, "name": "mixed", "status": "SUCCESS", "created_at": created_at} for key, created_at in MIXED
            ],
        },
    )
    run = playbook(
        "time_formats.yml", {"accepted": ACCEPTED, "rejected": list(REJECTED), "mixed_instance_id": MIXED_INSTANCE}
    )
    assert run.returncode == 0, run
    saved = run.results["time_formats"]

    managed_python = playbook.managed_python
    # The modules ran on the interpreter this run was given, not on the controller's by accident.
    expected_version = subprocess.run(
        [managed_python, "-c", "import sys; print('%d.%d.%d' % sys.version_info[:3])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    python = saved["python"]
    assert "%d.%d.%d" % tuple(python["version_info"][:3]) == expected_version, python
    assert os.path.realpath(python["executable"]) == os.path.realpath(managed_python), python

    for form, result in zip(ACCEPTED, saved["accepted"]):
        assert result.get("failed") is not True, (form, result.get("msg"))
        assert sorted(task["id"] for task in result["tasks"]) == sorted(ids[key] for key in ("at", "fraction")), form

    for (form, reason), result in zip(REJECTED.items(), saved["rejected"]):
        assert result["failed"] is True, form
        message = result["msg"]
        assert message.startswith("Option 'end_time' is not a valid date/time: %r" % form), message
        assert reason in message and "Accepted formats: YYYYMMDDHHmmss" in message, message
        assert "Traceback" not in message and "module_stderr" not in result, result

    assert saved["newest"]["task"]["id"] == "offset", saved["newest"]["task"]
