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
