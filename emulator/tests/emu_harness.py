"""Shared helpers for the emulator's own unit tests: an in-process Emulator with a fake clock.

A uniquely named module (not conftest) that test files import as ``emu_harness``: this directory is no package, so
pytest's default import mode puts it on ``sys.path`` for its test files; the ``clock`` and ``harness`` fixtures built
on it are in this directory's conftest.py.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, Optional

from dms_emulator import DEFAULT_ACCESS_KEY, DEFAULT_PROJECT_ID, DEFAULT_SECRET_KEY
from dms_emulator.app import Emulator
from dms_emulator.clock import FakeClock
from dms_emulator.request import Received
from dms_emulator.signing import sign_headers
from dms_emulator.timefmt import format_sdk_date

HOST = "127.0.0.1:8443"
# What a user's own pytest run would not have: this checkout's import path, and make test's plugin and option settings.
NOT_A_USERS = ("PYTHONPATH", "PYTEST_DISABLE_PLUGIN_AUTOLOAD", "PYTEST_ADDOPTS")
INSTANCE = "11111111-2222-3333-4444-555555555555"


class Harness:
    """Drives Emulator.dispatch() directly, signing requests like the SDK does."""

    def __init__(self, emulator: Emulator, clock: FakeClock) -> None:
        self.emu = emulator
        self.clock = clock
        self.slept = []

    def call(
        self,
        method: str,
        path: str,
        query: str = "",
        body: bytes = b"",
        headers: Optional[Dict[str, str]] = None,
        ak: str = DEFAULT_ACCESS_KEY,
        sk: str = DEFAULT_SECRET_KEY,
        sign: bool = True,
        date: Optional[str] = None,
    ):
        hdrs = {
            "host": HOST,
            "content-type": "application/json",
            "x-project-id": DEFAULT_PROJECT_ID,
            "x-sdk-date": date or format_sdk_date(self.clock.now()),
        }
        hdrs.update({k.lower(): v for k, v in (headers or {}).items()})
        if sign:
            hdrs["authorization"] = sign_headers(ak, sk, method, path, query, hdrs, body)
        reply = self.emu.dispatch(Received(method, path, query, hdrs, body, "req-1"))
        payload: Any = None
        if reply.body and reply.headers.get("Content-Type", "").startswith("application/json"):
            payload = json.loads(reply.body.decode("utf-8"))
        return reply, payload

    def admin(self, method: str, path: str, payload: Any = None):
        body = json.dumps(payload).encode("utf-8") if payload is not None else b""
        reply = self.emu.dispatch(Received(method, path, "", {"content-type": "application/json"}, body, "adm"))
        return reply.status, (json.loads(reply.body.decode("utf-8")) if reply.body else None)

    def task_path(self, task_id: str = "", instance: str = INSTANCE, project: str = DEFAULT_PROJECT_ID) -> str:
        base = "/v2/%s/instances/%s/tasks" % (project, instance)
        return base + ("/" + task_id if task_id else "")


def run_pytest_as_a_user(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    """pytest in cwd as a user's project runs it: the installed package's plugin loaded by its entry point."""
    env = {key: value for key, value in os.environ.items() if key not in NOT_A_USERS}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"] + list(args),
        cwd=str(cwd),
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
