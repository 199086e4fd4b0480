# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Shared by every pytest suite here: ``ansible-test units`` (tests/unit) and plain pytest (compat, integration, smoke).

The emulator fixtures (``dms_emulator``, ``emulator``, ``emulator_tls``, ...) come from the installed package
``hwcloud-dms-emulator`` (``-e ./emulator`` in requirements/test.txt), whose pytest plugin pytest loads by its
``pytest11`` entry point, as it would in a user's project. Naming it here as well keeps the fixtures when plugin
autoloading is off (``PYTEST_DISABLE_PLUGIN_AUTOLOAD``); the entry point has the module's name, so pytest registers
it once either way.
"""

pytest_plugins = ["dms_emulator.pytest_plugin"]
