# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Playbook integration tests: real ansible-playbook runs of the collection against the DMS emulator.

Each test gets a freshly reset emulator (``emulator`` fixture from dms_emulator.pytest_plugin, which
tests/conftest.py loads) and a ``playbook`` runner (``playbook_tls`` for the HTTPS emulator). Playbooks live in tests/integration/playbooks/;
they save registered results with ``ansible.builtin.copy`` of ``{{ result | to_json }}`` to ``{{ out_dir }}/<name>.json``,
which the test reads back as ``run.results["<name>"]``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Optional

import pytest

PLAYBOOKS = Path(__file__).parent / "playbooks"
INSTANCE = "11111111-2222-3333-4444-555555555555"
# The Python the modules run on (ansible_python_interpreter). make test sets it to a venv of Python 3.9, the oldest
# the modules support, for one stage; by default it is the controller's own Python.
MANAGED_PYTHON = os.environ.get("DMS_TEST_MANAGED_PYTHON") or sys.executable


class PlaybookRun:
    def __init__(self, returncode: int, stdout: str, stderr: str, wall: float, results: dict[str, Any]) -> None:
        self.returncode = returncode
        self.stdout = stdout
        self.stderr = stderr
        self.wall = wall
        self.results = results

    def __repr__(self) -> str:
        return "PlaybookRun(rc=%d, wall=%.2f)\n--- stdout\n%s\n--- stderr\n%s" % (
            self.returncode,
            self.wall,
            self.stdout[-6000:],
            self.stderr[-3000:],
        )


class PlaybookRunner:
    """Runs a playbook from PLAYBOOKS with the emulator's connection settings in the environment."""

    managed_python = MANAGED_PYTHON

    def __init__(self, handle: Any, tmp_path: Path) -> None:
        self.handle = handle
        self.tmp_path = tmp_path

    def env(self, credentials: bool = True, **extra: str) -> dict[str, str]:
        env = {key: value for key, value in os.environ.items() if not key.startswith(("HW_", "HUAWEICLOUD_SDK_"))}
        env.update(
            ANSIBLE_NOCOLOR="1",
            ANSIBLE_FORCE_COLOR="0",
            ANSIBLE_RETRY_FILES_ENABLED="0",
            ANSIBLE_LOCALHOST_WARNING="0",
            ANSIBLE_INVENTORY_UNPARSED_WARNING="0",
            ANSIBLE_PYTHON_INTERPRETER=MANAGED_PYTHON,
        )
        if credentials:
            env.update(
                HW_ACCESS_KEY=self.handle.access_key,
                HW_SECRET_KEY=self.handle.secret_key,
                HW_PROJECT_ID=self.handle.project_id,
                HW_DMS_ENDPOINT=self.handle.url,
            )
        env.update(extra)
        return env

    def __call__(
        self,
        name: str,
        extra_vars: Optional[dict[str, Any]] = None,
        env: Optional[dict[str, str]] = None,
        args: Optional[list[str]] = None,
        timeout: float = 300,
    ) -> PlaybookRun:
        out_dir = self.tmp_path / ("out-" + name.replace("/", "_"))
        out_dir.mkdir(exist_ok=True)
        variables = {"out_dir": str(out_dir), "instance_id": INSTANCE, "emulator_url": self.handle.url}
        variables.update(extra_vars or {})
        command = [
            os.path.join(os.path.dirname(sys.executable), "ansible-playbook"),
            "-i",
            "localhost,",
            "-c",
            "local",
            "-e",
            json.dumps(variables),
            str(PLAYBOOKS / name),
        ] + list(args or [])
        started = time.monotonic()
        done = subprocess.run(
            command,
            env=env if env is not None else self.env(),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        wall = time.monotonic() - started
        results = {path.stem: json.loads(path.read_text()) for path in out_dir.glob("*.json")}
        return PlaybookRun(done.returncode, done.stdout, done.stderr, wall, results)


@pytest.fixture
def playbook(emulator: Any, tmp_path: Path) -> PlaybookRunner:
    return PlaybookRunner(emulator, tmp_path)


@pytest.fixture
def instance_id() -> str:
    return INSTANCE


@pytest.fixture
def playbook_tls(emulator_tls: Any, tmp_path: Path) -> PlaybookRunner:
    """The same runner, pointed at the HTTPS emulator (HW_DMS_ENDPOINT is its https:// URL)."""
    return PlaybookRunner(emulator_tls, tmp_path)
