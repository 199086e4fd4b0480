# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures to run a module's main() in-process: its arguments, what it printed, the FakeDms transport.

    @pytest.mark.parametrize("patch_ansible_module", [dict(instance_id="x", _ansible_check_mode=True)], indirect=True)
    def test_x(patch_ansible_module, module_result):
        result = module_result(dms_task_info.main)      # runs main(), expects SystemExit, returns the printed JSON

or, with arguments built inside the test, ``run_module(dms_task_info.main, {...})``; ``dms`` is the FakeDms every
module of the test reaches (no process, no socket). tests/integration/modules/ runs main() against an emulator process
with these fixtures. The HW_* and HUAWEICLOUD_SDK_* variables of the developer's shell are removed for every test here, so only what a
test sets reaches the module.
"""

from __future__ import annotations

import contextlib
import json
from typing import Any, Callable, Iterator, Optional

import pytest
from ansible.module_utils import basic

try:
    from ansible.module_utils.testing import patch_module_args
except ImportError:  # ansible-core < 2.19 reads the arguments from basic._ANSIBLE_ARGS alone

    @contextlib.contextmanager
    def patch_module_args(args: Optional[dict[str, Any]] = None) -> Iterator[None]:
        payload = json.dumps({"ANSIBLE_MODULE_ARGS": args or {}}).encode("utf-8")
        original = basic._ANSIBLE_ARGS  # pylint: disable=protected-access
        basic._ANSIBLE_ARGS = payload  # pylint: disable=protected-access
        try:
            yield
        finally:
            basic._ANSIBLE_ARGS = original  # pylint: disable=protected-access


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    for name in list(os.environ):
        if name.startswith(("HW_", "HUAWEICLOUD_SDK_")):
            monkeypatch.delenv(name)


@pytest.fixture
def patch_ansible_module(request: pytest.FixtureRequest) -> Iterator[dict[str, Any]]:
    """The module arguments of ``request.param`` (a dict; ``_ansible_check_mode``/``_ansible_diff`` allowed)."""
    args = dict(getattr(request, "param", {}) or {})
    with patch_module_args(args):
        yield args


def _printed_json(text: str) -> dict[str, Any]:
    lines = [line for line in text.splitlines() if line.startswith("{")]
    assert lines, "the module printed no JSON result: %r" % text[-500:]
    return json.loads(lines[-1])


@pytest.fixture
def module_result(capsys: pytest.CaptureFixture[str]) -> Callable[[Callable[[], None]], dict[str, Any]]:
    """Call a module's main() (arguments already patched), expect SystemExit, return the JSON it printed (+ 'rc')."""

    def call(main: Callable[[], None]) -> dict[str, Any]:
        with pytest.raises(SystemExit) as exited:
            main()
        result = _printed_json(capsys.readouterr().out)
        result["rc"] = exited.value.code
        return result

    return call


@pytest.fixture
def run_module(module_result: Callable[[Callable[[], None]], dict[str, Any]]) -> Callable[..., dict[str, Any]]:
    """``run_module(main, args)``: patch the arguments, run main(), return the printed JSON (+ 'rc')."""

    def call(main: Callable[[], None], args: dict[str, Any]) -> dict[str, Any]:
        with patch_module_args(args):
            return module_result(main)

    return call


@pytest.fixture
def module_warnings(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The messages passed to AnsibleModule.warn (inside pytest ansible-core may count as the controller and print them)."""
    recorded: list[str] = []
    monkeypatch.setattr(basic.AnsibleModule, "warn", lambda self, warning, *args, **kwargs: recorded.append(warning))
    return recorded


@pytest.fixture
def dms(monkeypatch: pytest.MonkeyPatch) -> Any:
    """A FakeDms (fake_dms.py) every module of the test reaches instead of the network (DmsModule.session_factory)."""
    from ansible_collections.hwcloud.dms.plugins.module_utils._module import DmsModule
    from ansible_collections.hwcloud.dms.tests.unit.plugins.modules.fake_dms import FakeDms

    fake = FakeDms()
    monkeypatch.setattr(DmsModule, "session_factory", staticmethod(fake.session))
    return fake
