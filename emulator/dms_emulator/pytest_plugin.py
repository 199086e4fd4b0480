"""pytest fixtures for a running DMS emulator; pytest loads them by the package's `pytest11` entry point.

- `emulator` (and `emulator_tls`): an `EmulatorHandle` for one test -- the URL, the default credentials, the admin
  client, the module options and environment variables that point Ansible at it, and control of time
  (`set_progression`, `advance`). The emulator process is shared by the session and reset before each test.
- `emulator_url`, `emulator_credentials`, `emulator_admin`: the same, one piece each.
- `dms_emulator` / `dms_emulator_tls`: the session's `EmulatorProcess` itself.

A test chooses its progression with the marker ``@pytest.mark.dms_progression("manual")`` (or "immediate");
the whole session's with ``--dms-progression=MODE`` or the ini option ``dms_progression``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, Iterator, Optional

import pytest

from . import DEFAULT_ACCESS_KEY, DEFAULT_PROJECT_ID, DEFAULT_REGION, DEFAULT_SECRET_KEY
from .progression import MODES
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

    @property
    def credentials(self) -> Dict[str, str]:
        return {
            "access_key": self.access_key,
            "secret_key": self.secret_key,
            "project_id": self.project_id,
            "region": self.region,
        }

    @property
    def module_params(self) -> Dict[str, Any]:
        """The hwcloud.dms connection options for this emulator (one host serves DMS, IAM and VPC)."""
        params: Dict[str, Any] = dict(self.credentials, endpoint=self.url, iam_endpoint=self.url)
        if self.ca_path:
            params["ca_path"] = self.ca_path
        return params

    @property
    def environment(self) -> Dict[str, str]:
        """The same as environment variables, for an `ansible-playbook` subprocess."""
        return {
            "HW_ACCESS_KEY": self.access_key,
            "HW_SECRET_KEY": self.secret_key,
            "HW_PROJECT_ID": self.project_id,
            "HW_REGION_NAME": self.region,
            "HW_DMS_ENDPOINT": self.url,
            "HW_AUTH_URL": self.url,
        }

    def set_progression(self, mode: str, instance_id: Optional[str] = None) -> Dict[str, Any]:
        """ "time", "immediate" or "manual", for the emulator or one instance (until the next test's reset)."""
        return self.admin.set_progression(mode, instance_id=instance_id)

    def advance(
        self, seconds: Optional[float] = None, steps: Optional[int] = None, instance_id: Optional[str] = None
    ) -> Dict[str, Any]:
        """Move state on: with no argument, every running task to its next status (see docs/emulator.md)."""
        return self.admin.advance(seconds=seconds, steps=steps, instance_id=instance_id)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--dms-progression",
        choices=MODES,
        default=None,
        help="progression of the DMS emulator's tasks for the session: time (default), immediate, manual",
    )
    parser.addini("dms_progression", "default progression of the DMS emulator (time, immediate, manual)", default="")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "dms_progression(mode): run this test's emulator with progression time, immediate or manual"
    )


def _session_mode(config: pytest.Config) -> Optional[str]:
    mode = config.getoption("--dms-progression") or config.getini("dms_progression") or None
    if mode is not None and mode not in MODES:
        raise pytest.UsageError("dms_progression must be one of %s, got %r" % (", ".join(MODES), mode))
    return mode


@pytest.fixture(scope="session")
def dms_emulator(pytestconfig: pytest.Config) -> Iterator[EmulatorProcess]:
    with EmulatorProcess(progression=_session_mode(pytestconfig)) as process:
        yield process


@pytest.fixture(scope="session")
def dms_emulator_tls(
    pytestconfig: pytest.Config, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[EmulatorProcess]:
    cert_dir = str(tmp_path_factory.mktemp("dms-emulator-ca"))
    with EmulatorProcess(tls=True, cert_dir=cert_dir, progression=_session_mode(pytestconfig)) as process:
        yield process


def _fresh(process: EmulatorProcess, request: pytest.FixtureRequest) -> EmulatorHandle:
    assert process.url is not None
    admin = process.admin()
    admin.reset()
    marker = request.node.get_closest_marker("dms_progression")
    if marker is not None:
        if len(marker.args) != 1 or marker.args[0] not in MODES:
            raise pytest.UsageError("@pytest.mark.dms_progression takes one of %s" % ", ".join(MODES))
        admin.set_progression(marker.args[0])
    return EmulatorHandle(url=process.url, admin=admin, ca_path=process.ca_path)


@pytest.fixture
def emulator(dms_emulator: EmulatorProcess, request: pytest.FixtureRequest) -> EmulatorHandle:
    return _fresh(dms_emulator, request)


@pytest.fixture
def emulator_tls(dms_emulator_tls: EmulatorProcess, request: pytest.FixtureRequest) -> EmulatorHandle:
    return _fresh(dms_emulator_tls, request)


@pytest.fixture
def emulator_url(emulator: EmulatorHandle) -> str:
    return emulator.url


@pytest.fixture
def emulator_credentials(emulator: EmulatorHandle) -> Dict[str, str]:
    return emulator.credentials


@pytest.fixture
def emulator_admin(emulator: EmulatorHandle) -> EmulatorAdmin:
    return emulator.admin
