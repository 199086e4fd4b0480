# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.dms contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""``int_or_none()``: a count read leniently from a server's answer or a task's option, None when it is not one."""

from __future__ import annotations

from typing import Any, Optional


def int_or_none(value: Any) -> Optional[int]:
    """``int(value)``, or None for what is not a number (True is not a count, nor is infinity)."""
    if isinstance(value, bool):
        return None
    try:
        return int(value)
    except (TypeError, ValueError, OverflowError):
        return None
