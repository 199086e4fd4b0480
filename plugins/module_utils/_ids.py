# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.dms contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Ids that go into URL paths (project, instance, task): one rule for options and for ids a server returns."""

from __future__ import annotations

import re
from typing import Any, Optional

from ._errors import ConfigurationError

# Letters, digits, '-' and '_' only: no input can add a path segment, a query or a header line.
ID_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,128}")  # used with fullmatch: "$" would let a trailing newline through


def is_id(value: Any) -> bool:
    return isinstance(value, str) and bool(ID_PATTERN.fullmatch(value))


# What each kind of id looks like, for the message (instance ids are UUIDs; task and project ids 32 hex digits).
EXAMPLES = {
    "instance_id": "a DMS instance id such as 6e3a3b1c-1111-4a4a-9b9b-000000000001",
    "project_id": "a project id such as 0123456789abcdef0123456789abcdef",
}
DEFAULT_EXAMPLE = "a DMS id such as 8abfa7b272adc5b40172b73130065ae7"


def validate_id(value: Optional[str], option: str) -> Optional[str]:
    """The option's value if it is an id (None passes through); else a ConfigurationError naming the option."""
    if value is None:
        return None
    if not is_id(value):
        text = str(value)
        spaces = (
            " (it has a leading or trailing space: remove it)" if text != text.strip() and is_id(text.strip()) else ""
        )
        raise ConfigurationError(
            "Option '%s' must be 1-128 letters, digits, '-' or '_' (%s), got %r%s."
            % (option, EXAMPLES.get(option, DEFAULT_EXAMPLE), text[:80], spaces)
        )
    return value
