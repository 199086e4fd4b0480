"""The example user test (examples/test_offline_bind.py) passes from a directory outside any checkout.

It runs in a fresh pytest process in a temporary directory, with no PYTHONPATH: only the installed package
(its `pytest11` entry point and fixtures) can make it pass.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from emu_harness import run_pytest_as_a_user

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "test_offline_bind.py"


def test_example_user_test_passes_with_only_the_installed_plugin(tmp_path):
    shutil.copy(EXAMPLE, tmp_path / EXAMPLE.name)
    done = run_pytest_as_a_user(tmp_path, EXAMPLE.name)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2 passed" in done.stdout
