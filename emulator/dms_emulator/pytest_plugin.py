"""pytest fixtures: `-p dms_emulator.pytest_plugin` or `pytest_plugins = ["dms_emulator.pytest_plugin"]`.

`dms_emulator` / `dms_emulator_tls` are session-scoped processes; `emulator` / `emulator_tls`
hand each test a freshly reset one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator, Optional

import pytest

from . import DEFAULT_ACCESS_KEY, DEFAULT_PROJECT_ID, DEFAULT_REGION, DEFAULT_SECRET_KEY
from .testing import EmulatorAdmin, EmulatorProcess


@dataclass
class EmulatorHandle:
    url: str
    admin: EmulatorAdmin
    ca_path: Optional[str] = None
    access_key: str = DEFAULT_ACCESS_KEY
    secret_key: str = DEFAULT_SECRET_KEY
    project_id: str = DEFAULT_PROJECT_ID
    region: str = DEFAULT_REGION


@pytest.fixture(scope="session")
def dms_emulator() -> Iterator[EmulatorProcess]:
    with EmulatorProcess() as process:
        yield process


@pytest.fixture(scope="session")
def dms_emulator_tls(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmulatorProcess]:
    with EmulatorProcess(tls=True, cert_dir=str(tmp_path_factory.mktemp("dms-emulator-ca"))) as process:
        yield process


def _fresh(process: EmulatorProcess) -> EmulatorHandle:
    assert process.url is not None
    admin = process.admin()
    admin.reset()
    return EmulatorHandle(url=process.url, admin=admin, ca_path=process.ca_path)


@pytest.fixture
def emulator(dms_emulator: EmulatorProcess) -> EmulatorHandle:
    return _fresh(dms_emulator)


@pytest.fixture
def emulator_tls(dms_emulator_tls: EmulatorProcess) -> EmulatorHandle:
    return _fresh(dms_emulator_tls)
