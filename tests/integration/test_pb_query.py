# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reading through ansible-playbook without waiting: by id, every list filter, latest, paging, params, the `wait` alias."""

from __future__ import annotations

PAGED_INSTANCE = "22222222-3333-4444-5555-666666666666"
PAGED_COUNT = 250

# created_at of each seeded task; the filters below are checked against these instants (all UTC).
SEED = [
    ("bind1", "bindInstancePublicIp", "2024-01-15T08:00:00.000Z", "SUCCESS", {"public_ip_address": "100.93.2.18"}),
    (
        "retention",
        "changeRetentionPolicy",
        "2024-01-15T09:00:00.000Z",
        "SUCCESS",
        '{"new_retention_policy":"produce_reject","origin_retention_policy":"time_base"}',
    ),
    ("bind2", "bindInstancePublicIp", "2024-01-15T10:00:00.000Z", "SUCCESS", {"public_ip_address": "100.93.2.19"}),
    ("unbind", "unbindInstancePublicIp", "2024-01-16T08:00:00.000Z", "FAILED", {"public_ip_address": "100.93.2.19"}),
]

# filter name -> (module options, expected seed keys, newest first)
FILTERS = {
    "name": ({"name": "bindInstancePublicIp"}, ["bind2", "bind1"]),
    "begin_api_format": ({"begin_time": "20240115083000"}, ["unbind", "bind2", "retention"]),
    "end_api_format": ({"end_time": "20240115093000"}, ["retention", "bind1"]),
    "begin_iso_plus_offset": ({"begin_time": "2024-01-15T17:30:00+08:00"}, ["unbind", "bind2"]),
    "end_iso_minus_offset": ({"end_time": "2024-01-15T03:00:00-05:00"}, ["bind1"]),
    "end_iso_z_inclusive": ({"end_time": "2024-01-15T10:00:00Z"}, ["bind2", "retention", "bind1"]),
    "window_mixed_formats": (
        {"begin_time": "2024-01-15T16:00:00+08:00", "end_time": "20240115090000"},
        ["retention", "bind1"],
    ),
    "latest": ({"latest": True}, ["unbind"]),
    "name_and_latest": ({"name": "bindInstancePublicIp", "latest": True}, ["bind2"]),
    "name_and_begin": ({"name": "bindInstancePublicIp", "begin_time": "2024-01-15T09:00:01Z"}, ["bind2"]),
}


def _seed(emulator, instance_id):
    ids = {}
    for key, name, created_at, status, params in SEED:
        ids[key] = emulator.admin.create_task(
            instance_id=instance_id, name=name, created_at=created_at, timeline=status, params=params
        )["id"]
    for number in range(PAGED_COUNT):
        emulator.admin.create_task(
            instance_id=PAGED_INSTANCE,
            id="paged%027d" % number,
            name="task-%03d" % number,
            created_at="2023-01-01T%02d:%02d:00.000Z" % divmod(number, 60),
        )
    return ids


def test_show_list_filters_latest_paging(emulator, playbook, instance_id):
    ids = _seed(emulator, instance_id)
    key_of = {task_id: key for key, task_id in ids.items()}
    run = playbook(
        "query_and_list.yml",
        {
            "first_bind_id": ids["bind1"],
            "paged_instance_id": PAGED_INSTANCE,
            "filters": {name: options for name, (options, _expected) in FILTERS.items()},
        },
    )
    assert run.returncode == 0, run
    saved = run.results["query"]

    by_id = saved["by_id"]
    assert by_id["task"]["id"] == ids["bind1"] and by_id["tasks"] == [by_id["task"]] and by_id["task_count"] == 1
    assert by_id["task"]["params"] == {"public_ip_address": "100.93.2.18"}
    assert by_id["task"]["created_at"] == "2024-01-15T08:00:00.000Z"
    assert set(by_id["task"]) >= {"id", "name", "user_name", "user_id", "params", "status", "created_at", "updated_at"}
    # The real numbers: one request, and the time the module measured (5 s of margin for a loaded machine).
    assert by_id["attempts"] == 1 and 0 < by_id["elapsed"] < 5
    assert "transient_errors" not in by_id

    listed = saved["all_tasks"]
    assert [key_of[task["id"]] for task in listed["tasks"]] == ["unbind", "bind2", "retention", "bind1"]
    assert listed["task_count"] == 4 and "task" not in listed
    # params is a JSON string in the API; the module hands back a dict, whichever way the task was created.
    assert listed["tasks"][2]["params"] == {
        "new_retention_policy": "produce_reject",
        "origin_retention_policy": "time_base",
    }

    results = {item["item"]["key"]: item for item in saved["filtered"]["results"]}
    assert set(results) == set(FILTERS)
    for name, (options, expected) in FILTERS.items():
        got = results[name]
        assert [key_of[task["id"]] for task in got["tasks"]] == expected, (name, options)
        assert got["task_count"] == len(expected), name
        if options.get("latest"):
            assert got["task"] == got["tasks"][0], name
        else:
            assert "task" not in got, name

    alias = saved["via_alias"]
    assert alias["task"]["id"] == ids["bind2"] and alias["task"]["status"] == "SUCCESS"
    assert alias["attempts"] == 1 and alias["transient_errors"] == 0  # transient_errors only comes back from a wait

    paged = saved["paged"]
    assert paged["task_count"] == PAGED_COUNT
    assert [task["name"] for task in paged["tasks"]] == [
        "task-%03d" % number for number in reversed(range(PAGED_COUNT))
    ]
    assert len({task["id"] for task in paged["tasks"]}) == PAGED_COUNT

    stats = emulator.admin.stats()
    assert stats["signature_failures"] == 0 and stats["auth_failures"] == 0
    # 1 show; lists: all + one per filter + the alias wait (one poll) + 3 pages of 100 for the paged instance.
    assert stats["requests_by_route"] == {"dms.show_task": 1, "dms.list_tasks": 1 + len(FILTERS) + 1 + 3}
    # One kept-alive connection per module run (14 runs): the three pages shared one.
    assert stats["connections"] - stats["admin_requests"] == 4 + len(FILTERS), stats
