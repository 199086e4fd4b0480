# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""pytest-ansible smoke test set-up: Ansible's collection loader, the emulator (tests/conftest.py), a localhost inventory.

pytest-ansible resolves a module by its fully-qualified name only once Ansible's plugin loader knows the
collection paths, so this initialises it from ANSIBLE_COLLECTIONS_PATH (make test points that at the laid
collection tree).
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path
from typing import Any

import pytest
from ansible.plugins.loader import init_plugin_loader

with warnings.catch_warnings():
    # When pytest starts in a collection root, pytest-ansible has set the finder up already; that is fine.
    warnings.filterwarnings("ignore", "AnsibleCollectionFinder has already been configured")
    init_plugin_loader()


@pytest.fixture
def localhost_inventory(tmp_path: Path) -> str:
    """An inventory with localhost on the local connection, running modules with this very Python."""
    inventory = tmp_path / "inventory.ini"
    inventory.write_text("localhost ansible_connection=local ansible_python_interpreter=%s\n" % sys.executable)
    return str(inventory)


@pytest.fixture
def emulator_env(emulator: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The module's connection settings, as the environment variables it reads, pointing at the emulator."""
    for name in (
        "HW_ACCESS_KEY",
        "HW_SECRET_KEY",
        "HW_PROJECT_ID",
        "HW_DMS_ENDPOINT",
        "HW_REGION_NAME",
        "HW_SECURITY_TOKEN",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HW_ACCESS_KEY", emulator.access_key)
    monkeypatch.setenv("HW_SECRET_KEY", emulator.secret_key)
    monkeypatch.setenv("HW_PROJECT_ID", emulator.project_id)
    monkeypatch.setenv("HW_DMS_ENDPOINT", emulator.url)
    return emulator
