# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The shared test doubles behave as the tests that lean on them assume."""

from __future__ import annotations

import pytest

from ansible_collections.hwcloud.dms.tests.unit.fakes import Pauses, Script


def test_script_answers_in_order_then_repeats_the_last():
    script = Script(["a", "b"])
    assert [script.next() for call in range(4)] == ["a", "b", "b", "b"]
    assert script.taken == 4


def test_script_raises_an_answer_that_is_an_exception_and_goes_on():
    script = Script([ValueError("boom"), "ok"])
    with pytest.raises(ValueError, match="boom"):
        script.next()
    assert script.next() == "ok"


def test_an_empty_script_says_so():
    with pytest.raises(IndexError, match="no answers"):
        Script([]).next()


def test_pauses_record_instead_of_sleeping():
    pauses = Pauses()
    pauses(1.5)
    pauses(0)
    assert pauses == [1.5, 0]
