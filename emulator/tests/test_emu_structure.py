"""The emulator's inner contracts: one route table, an admin API without a way back to the Emulator, the plugin's
session option."""

from __future__ import annotations

import ast
from pathlib import Path

from emu_harness import run_pytest_as_a_user

import dms_emulator
from dms_emulator.app import Emulator
from dms_emulator.reply import json_reply
from dms_emulator.request import Received

PACKAGE = Path(dms_emulator.__file__).resolve().parent


def _imports(module: str) -> set:
    tree = ast.parse((PACKAGE / (module + ".py")).read_text(encoding="utf-8"))
    return {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}


def test_admin_api_and_its_state_never_import_the_app():
    assert "app" not in _imports("admin_api") and "app" not in _imports("state")


def test_every_route_name_is_registered_once():
    names = Emulator().routes.names()
    assert len(names) == len(set(names))
    assert {"iam.list_projects", "iam.create_token", "dms.show_task", "instances.show", "kafka.extend"} <= set(names)


def test_a_new_service_is_one_add_service_call():
    emu = Emulator()
    seen = []

    def handle(name, groups, req, principal):
        seen.append((name, groups, principal))
        return json_reply(200, {"ok": True})

    emu.routes.add("GET", r"^/v9/([^/]+)/things/?$", "things.list", handle, signed=False)
    reply = emu.dispatch(Received("GET", "/v9/p1/things", "", {}, b"", "r"))
    assert reply.status == 200 and seen == [("things.list", ("p1",), None)]
    assert emu.stats.snapshot()["requests_by_route"] == {"things.list": 1}


def test_a_new_admin_endpoint_is_one_register_call():
    emu = Emulator()
    emu.admin.register("GET", "/_emulator/things", lambda req: json_reply(200, {"things": []}))
    reply = emu.dispatch(Received("GET", "/_emulator/things/", "", {}, b"", "r"))
    assert reply.status == 200 and reply.json_body == {"things": []}


def test_plugin_session_option_starts_the_emulator_with_that_progression(tmp_path):
    (tmp_path / "test_mode.py").write_text(
        "def test_mode(emulator):\n    assert emulator.admin.progression()['start_mode'] == 'manual'\n",
        encoding="utf-8",
    )
    done = run_pytest_as_a_user(tmp_path, "--dms-progression=manual", "test_mode.py")
    assert done.returncode == 0, done.stdout + done.stderr
