"""Fixtures for the emulator's unit tests (helpers live in emu_harness)."""
from __future__ import annotations

from emu_harness import clock, harness  # noqa: F401 pylint: disable=unused-import
