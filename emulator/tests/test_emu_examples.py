"""The example user test (examples/test_offline_bind.py) passes from a directory outside any checkout.

It runs in a fresh pytest process in a temporary directory, with no PYTHONPATH: only the installed package
(its `pytest11` entry point and fixtures) can make it pass.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "test_offline_bind.py"


def test_example_user_test_passes_with_only_the_installed_plugin(tmp_path):
    shutil.copy(EXAMPLE, tmp_path / EXAMPLE.name)
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("PYTHONPATH", "PYTEST_DISABLE_PLUGIN_AUTOLOAD", "PYTEST_ADDOPTS")
    }
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", EXAMPLE.name],
        cwd=str(tmp_path),
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2 passed" in done.stdout
