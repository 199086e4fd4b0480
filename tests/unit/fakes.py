# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Test doubles shared by the units: scripted answers, recorded pauses, a fake monotonic clock.

Import them by the collection's name, as ansible-test units loads the tests:
``from ansible_collections.hwcloud.dms.tests.unit.fakes import Script``. The ``clock`` and ``pauses`` fixtures built on
them are in tests/unit/conftest.py.
"""

from __future__ import annotations

import threading
from typing import Any, Iterable


class Script:
    """Scripted answers, handed out in order by ``next()``; the last one repeats for every later call.

    An answer that is an exception is raised instead of returned. ``taken`` counts the answers handed out. Safe to use
    from a test server's request threads.
    """

    def __init__(self, answers: Iterable[Any]) -> None:
        self._answers = list(answers)
        self._lock = threading.Lock()
        self.taken = 0

    def next(self) -> Any:
        with self._lock:
            if not self._answers:
                raise IndexError("the script has no answers left to give")
            answer = self._answers.pop(0) if len(self._answers) > 1 else self._answers[0]
            self.taken += 1
        if isinstance(answer, BaseException):
            raise answer
        return answer


class Pauses(list):
    """An injected sleep that records the pauses instead of sleeping."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


class FakeClock:
    """A monotonic clock for tests: ``sleep`` records the pause and moves time on; ``advance`` simulates slow work."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        assert seconds >= 0, "a negative sleep is a bug in the caller"
        self.sleeps.append(seconds)
        self.now += seconds

    def advance(self, seconds: float) -> None:
        self.now += seconds


def make_context(
    clock: Any,
    client: Any = None,
    warn: Any = None,
    timeout: float = 600.0,
    check_mode: bool = False,
    diff_mode: bool = False,
    project_id: str = "0123456789abcdef0123456789abcdef",
) -> Any:
    """A DmsContext for an action under test: started now on ``clock``, the run's deadline ``timeout`` later.

    ``client`` is anything with the client's interface the action uses (``server_clock`` at least; one without a
    measured clock is given by default).
    """
    from types import SimpleNamespace

    from ansible_collections.hwcloud.dms.plugins.module_utils._context import DmsContext
    from ansible_collections.hwcloud.dms.plugins.module_utils._server_clock import ServerClock

    return DmsContext(
        client=client if client is not None else SimpleNamespace(server_clock=ServerClock()),
        project_id=project_id,
        check_mode=check_mode,
        diff_mode=diff_mode,
        warn=warn if warn is not None else (lambda message: None),
        started=clock(),
        deadline=clock() + timeout,
        clock=clock,
        sleep=clock.sleep,
    )
