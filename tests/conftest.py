# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Shared by every pytest suite here: ``ansible-test units`` (tests/unit) and plain pytest (compat, integration, smoke).

The emulator fixtures (``dms_emulator``, ``emulator``, ``emulator_tls``, ...) come from the installed package
``hwcloud-dms-emulator`` (``-e ./emulator`` in requirements/test.txt), whose pytest plugin pytest loads by its
``pytest11`` entry point, as it would in a user's project. Naming it here as well keeps the fixtures when plugin
autoloading is off (``PYTEST_DISABLE_PLUGIN_AUTOLOAD``); the entry point has the module's name, so pytest registers
it once either way.
"""

import pytest

pytest_plugins = ["dms_emulator.pytest_plugin"]

# Files whose tests all read one costly run made once per session (the reliability playbooks, the recorded run, the
# built and installed artifact): their tests go to one pytest-xdist worker together, so that run happens once.
ONE_WORKER_FILES = frozenset(
    (
        "tests/integration/test_reliability_cases.py",
        "tests/integration/test_record_replay.py",
        "tests/integration/test_artifact.py",
    )
)


@pytest.hookimpl(optionalhook=True, tryfirst=True)
def pytest_xdist_make_scheduler(config, log):
    """``--dist loadgroup`` here: each test is sent to a worker on its own, except ONE_WORKER_FILES' tests.

    Our own rule in place of pytest-xdist's ``xdist_group`` marker: xdist 3.8 carries the marker to the scheduler by
    rewriting a node id attribute that pytest 9 no longer reads, so marked tests were spread like any others.
    """
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class OneWorkerFilesScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            path = nodeid.split("::", 1)[0]
            return path if path in ONE_WORKER_FILES else nodeid

    return OneWorkerFilesScheduling(config, log)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "long: this test takes 20 s or more; it starts before the others")


def pytest_collection_modifyitems(items: list) -> None:
    # Long tests start first: under pytest-xdist a long test sent last keeps one worker busy after the others are done.
    items.sort(key=lambda item: item.get_closest_marker("long") is None)
