# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Shared fixtures for the units (``ansible-test units``): ``clock`` (a fake monotonic clock whose sleep only advances
time) and ``pauses`` (a recording sleep), from tests/unit/fakes.py, where the shared scripted fake lives too.

Also two adjustments for how ansible-test runs pytest, each named where it is made.
"""

from __future__ import annotations

import os

import pytest

# ansible-test units loads its collection plugin through PYTEST_PLUGINS; plain pytest runs do not.
UNDER_ANSIBLE_TEST = "ansible_pytest_collections" in os.environ.get("PYTEST_PLUGINS", "").split(",")
_forked = []


def _mark_forked() -> None:
    _forked.append(True)


os.register_at_fork(after_in_child=_mark_forked)


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    # pytest-ansible (installed for tests/smoke) otherwise appends ~/.ansible/collections to ANSIBLE_COLLECTIONS_PATH
    # when pytest starts next to galaxy.yml; ansible-test's collection plugin in the xdist workers then reads that
    # list as one path and refuses every test file. Its inject-only mode leaves the variable as ansible-test set it.
    if UNDER_ANSIBLE_TEST and hasattr(config.option, "ansible_unit_inject_only"):
        config.option.ansible_unit_inject_only = True


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: "pytest.Item | None"):
    result = yield
    if _forked and nextitem is not None:
        # ansible-test runs every test in a fork that exits (os._exit) right after it: module- and session-scoped
        # fixtures set up in that fork, such as an emulator process, are torn down now or they would outlive it.
        item.session._setupstate.teardown_exact(None)  # pylint: disable=protected-access
    return result


# The fixtures import tests/unit/fakes.py when first used, not when this conftest loads: under plain pytest that is
# before pytest-ansible installs Ansible's collection finder, and an ``ansible_collections`` package imported without
# it makes the finder refuse every later collection import.
# pylint: disable=import-outside-toplevel


@pytest.fixture
def clock():
    """A fake monotonic clock (tests/unit/fakes.py: FakeClock); its sleep only advances time."""
    from ansible_collections.hwcloud.dms.tests.unit.fakes import FakeClock

    return FakeClock()


@pytest.fixture
def pauses():
    """An injected ``sleep`` that records each pause instead of sleeping (tests/unit/fakes.py: Pauses)."""
    from ansible_collections.hwcloud.dms.tests.unit.fakes import Pauses

    return Pauses()
