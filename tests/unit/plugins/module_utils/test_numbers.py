# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""int_or_none: the one lenient count reader of _tasks (task_count), _instance_info (instance_num), the action plugin."""

from __future__ import annotations

import pytest

from ansible_collections.hwcloud.dms.plugins.module_utils._numbers import int_or_none


@pytest.mark.parametrize("value, expected", [(3, 3), ("12", 12), (7.9, 7), ("0", 0)])
def test_numbers_and_numeric_text_are_counts(value, expected):
    assert int_or_none(value) == expected


@pytest.mark.parametrize("value", [None, "", "ten", [], {}, True, False, float("inf"), float("nan")])
def test_what_is_not_a_count_is_none(value):
    assert int_or_none(value) is None
