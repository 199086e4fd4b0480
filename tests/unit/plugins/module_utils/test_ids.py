# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""_ids: the one id rule for URL path segments, for options and for ids a server returns."""

from __future__ import annotations

import pytest

from ansible_collections.hwcloud.dms.plugins.module_utils._errors import ConfigurationError
from ansible_collections.hwcloud.dms.plugins.module_utils._ids import is_id, validate_id

# --- validate_id -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value", ["../x", "a/b", "%2F", "", " ", "a b", "abc ", "x" * 129, "a.b", "a?b=c", "a#b", "é", "a\nb"]
)
def test_validate_id_rejects_anything_that_could_change_the_path(value):
    with pytest.raises(ConfigurationError) as info:
        validate_id(value, "task_id")
    assert "'task_id'" in str(info.value)


@pytest.mark.parametrize(
    "value", ["11111111-2222-3333-4444-555555555555", "8abfa7b272adc5b40172b73130065ae7", "job_id_1", "A", "x" * 128]
)
def test_validate_id_accepts_uuids_hex_and_underscores(value):
    assert validate_id(value, "task_id") == value


def test_validate_id_passes_none_through_and_truncates_long_values_in_the_message():
    assert validate_id(None, "task_id") is None
    with pytest.raises(ConfigurationError) as info:
        validate_id("/" * 500, "instance_id")
    assert "'instance_id'" in str(info.value)
    assert len(str(info.value)) < 300


@pytest.mark.parametrize("value", [None, 12, b"abc", ["abc"], "../x"])
def test_is_id_is_false_for_non_strings_and_bad_strings(value):
    assert is_id(value) is False


def test_validate_id_message_survives_a_non_string():
    with pytest.raises(ConfigurationError) as info:
        validate_id(12345, "project_id")
    assert "'project_id'" in str(info.value) and "12345" in str(info.value)
