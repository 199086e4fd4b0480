# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Each module's main() in-process against an emulator process: the unit fixtures that run main() (arguments, the
printed result, warnings, a clean environment, the FakeDms) and ``emulator_args``, the connection options of a freshly
reset emulator (the ``emulator`` fixture of the emulator package's pytest plugin, loaded by tests/conftest.py).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import pytest

# Loaded from its file, not as ansible_collections...conftest: a conftest runs before pytest-ansible installs Ansible's
# collection finder, and an ``ansible_collections`` package imported without it makes the finder refuse every later
# collection import (the unit conftest imports the collection lazily, inside its fixtures, for the same reason).
_UNIT_FIXTURES = Path(__file__).resolve().parents[2] / "unit" / "plugins" / "modules" / "conftest.py"
_spec = importlib.util.spec_from_file_location("hwcloud_dms_module_fixtures", _UNIT_FIXTURES)
_fixtures = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_fixtures)
clean_environment = _fixtures.clean_environment
dms = _fixtures.dms
module_result = _fixtures.module_result
module_warnings = _fixtures.module_warnings
patch_ansible_module = _fixtures.patch_ansible_module
run_module = _fixtures.run_module


@pytest.fixture
def emulator_args(emulator: Any) -> dict[str, Any]:
    """Connection options for the freshly reset emulator (AK/SK and project id given, retries off)."""
    return dict(
        endpoint=emulator.url,
        iam_endpoint=emulator.url,
        access_key=emulator.access_key,
        secret_key=emulator.secret_key,
        project_id=emulator.project_id,
        retries=0,
    )
