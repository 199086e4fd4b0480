"""Admin API and seed files."""

from __future__ import annotations

import json
import os

import pytest
from emu_harness import INSTANCE, Harness

from dms_emulator import DEFAULT_PROJECT_ID
from dms_emulator.app import Emulator
from dms_emulator.seed import load_seed_file

EXAMPLE_SEED = os.path.join(os.path.dirname(__file__), "..", "examples", "seed.json")


def test_create_task_defaults(harness):
    status, task = harness.admin("POST", "/_emulator/tasks", {"instance_id": INSTANCE})
    assert status == 201
    assert len(task["id"]) == 32 and int(task["id"], 16) >= 0
    assert task["project_id"] == DEFAULT_PROJECT_ID and task["engine"] == "kafka" and task["status"] == "SUCCESS"
    assert task["params"] == "{}"


def test_create_task_reply_is_the_task_and_where_it_lives_without_internal_fields(harness):
    # Issue 16: the README's walk-through printed the store's internal visible_at (an epoch float).
    dummy, task = harness.admin(
        "POST", "/_emulator/tasks", {"instance_id": INSTANCE, "name": "bindInstancePublicIp", "appear_after": 5}
    )
    assert set(task) == {
        "id",
        "name",
        "user_name",
        "user_id",
        "params",
        "status",
        "created_at",
        "updated_at",
        "project_id",
        "instance_id",
        "engine",
    }


def test_string_params_are_kept(harness):
    dummy, task = harness.admin("POST", "/_emulator/tasks", {"instance_id": INSTANCE, "params": '{"x": 1}'})
    assert task["params"] == '{"x": 1}'


@pytest.mark.parametrize(
    "spec",
    [
        {},
        {"instance_id": INSTANCE, "bogus": 1},
        {"instance_id": INSTANCE, "engine": "redis"},
        {"instance_id": INSTANCE, "timeline": []},
    ],
)
def test_create_task_rejects_bad_input(harness, spec):
    status, body = harness.admin("POST", "/_emulator/tasks", spec)
    assert status == 400 and body["error"]


def test_stats_and_reset(harness):
    harness.admin("POST", "/_emulator/tasks", {"instance_id": INSTANCE, "id": "t"})
    harness.call("GET", harness.task_path("t"))
    harness.call("GET", harness.task_path())
    dummy, stats = harness.admin("GET", "/_emulator/stats")
    assert stats["requests"] == 2 and stats["signature_failures"] == 0
    assert stats["requests_by_route"] == {"dms.show_task": 1, "dms.list_tasks": 1}
    assert stats["auth_headers_seen"] == {"sdk-hmac-sha256": 2}
    harness.admin("POST", "/_emulator/reset", {})
    dummy, stats = harness.admin("GET", "/_emulator/stats")
    assert stats["requests"] == 0
    assert harness.call("GET", harness.task_path("t"))[0].status == 404


def test_reset_drops_added_credentials_unless_kept(harness):
    harness.admin("POST", "/_emulator/credentials", {"access_keys": [{"access_key": "AK2", "secret_key": "SK2"}]})
    harness.admin("POST", "/_emulator/instances", {"instance_id": INSTANCE})
    assert harness.call("GET", harness.task_path(), ak="AK2", sk="SK2")[0].status == 200
    harness.admin("POST", "/_emulator/reset", {"keep_credentials": True})
    harness.admin("POST", "/_emulator/instances", {"instance_id": INSTANCE})
    assert harness.call("GET", harness.task_path(), ak="AK2", sk="SK2")[0].status == 200
    harness.admin("POST", "/_emulator/reset", {})
    harness.admin("POST", "/_emulator/instances", {"instance_id": INSTANCE})
    assert harness.call("GET", harness.task_path(), ak="AK2", sk="SK2")[0].status == 401


def test_unknown_admin_endpoint(harness):
    status, body = harness.admin("GET", "/_emulator/nope")
    assert status == 404 and body["error"]


def test_example_seed_loads(clock):
    seed = load_seed_file(EXAMPLE_SEED)
    harness = Harness(Emulator(clock=clock, seed=seed), clock)
    dummy, body = harness.admin("GET", "/_emulator/tasks")
    assert len(body["tasks"]) == len(seed["tasks"])
    for key in seed.get("access_keys", []):
        assert harness.emu.identity.key(key["access_key"]) is not None
    # Defaults are still there unless the seed says replace_defaults.
    assert harness.emu.identity.project_by_id(DEFAULT_PROJECT_ID) is not None
    # Reset re-applies the seed.
    harness.admin("POST", "/_emulator/reset", {})
    dummy, body = harness.admin("GET", "/_emulator/tasks")
    assert len(body["tasks"]) == len(seed["tasks"])


def test_seed_replace_defaults(clock, tmp_path):
    path = tmp_path / "seed.json"
    path.write_text(
        json.dumps(
            {
                "replace_defaults": True,
                "access_keys": [{"access_key": "A", "secret_key": "S"}],
                "projects": [{"id": "p" * 32, "name": "eu-west-101"}],
            }
        )
    )
    emu = Emulator(clock=clock, seed=load_seed_file(str(path)))
    assert emu.identity.project_by_id(DEFAULT_PROJECT_ID) is None
    assert emu.identity.key("A") is not None


def test_seed_rejects_unknown_keys(tmp_path):
    path = tmp_path / "seed.json"
    path.write_text(json.dumps({"taskz": []}))
    with pytest.raises(ValueError):
        load_seed_file(str(path))
