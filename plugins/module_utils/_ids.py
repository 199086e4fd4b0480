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


def validate_id(value: Optional[str], option: str) -> Optional[str]:
    """The option's value if it is an id (None passes through); else a ConfigurationError naming the option."""
    if value is None:
        return None
    if not is_id(value):
        raise ConfigurationError(
            "Option '%s' must be 1-128 letters, digits, '-' or '_' (a DMS id such as 8abfa7b272adc5b40172b73130065ae7), got %r."
            % (option, str(value)[:80]))
    return value
