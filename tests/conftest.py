# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Shared by every pytest suite here: ``ansible-test units`` (tests/unit) and plain pytest (compat, integration, smoke).

The emulator fixtures (``dms_emulator``, ``emulator``, ``emulator_tls``, ...) come from its pytest plugin, declared
once here: pytest accepts ``pytest_plugins`` only in a conftest it loads at start-up, which this root one always is
(ansible-test runs pytest with ``--confcutdir`` at the collection root and every test path below it).

The emulator is a development tool outside the collection's Python namespace (``python -m dms_emulator``, left out
of the Galaxy artifact), so its directory is put on ``sys.path`` here, the one place every runner passes through.
That keeps one copy of it, the one in this tree: installing it into the shared venv would test a stale copy, and
importing it as ``ansible_collections.hwcloud.dms.emulator.dms_emulator`` would give it a second name beside the one
``python -m dms_emulator``, the docs and the emulator's own subprocesses use.
"""

from __future__ import annotations

import sys
from pathlib import Path

EMULATOR_DIR = str(Path(__file__).resolve().parents[1] / "emulator")
if EMULATOR_DIR not in sys.path:
    sys.path.insert(0, EMULATOR_DIR)

pytest_plugins = ["dms_emulator.pytest_plugin"]
