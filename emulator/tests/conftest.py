"""Fixtures for the emulator's unit tests: an in-process Emulator on a fake clock (helpers live in emu_harness)."""

from __future__ import annotations

import pytest
from emu_harness import Harness

from dms_emulator.app import Emulator
from dms_emulator.clock import FakeClock


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def harness(clock: FakeClock) -> Harness:
    h = Harness(Emulator(clock=clock), clock)
    h.emu.sleep = h.slept.append
    return h
