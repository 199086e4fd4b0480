"""Compat tests use the emulator's own pytest fixtures (emulator, emulator_tls, ...)."""
from __future__ import annotations

from dms_emulator.pytest_plugin import dms_emulator, dms_emulator_tls, emulator, emulator_tls  # noqa: F401 pylint: disable=unused-import
