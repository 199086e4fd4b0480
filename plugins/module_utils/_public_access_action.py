# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.dms contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""dms_public_access on the action contract: a thin adapter over ``_public_access`` until that file is cut by concern.

``PublicAccessOptions`` warns while it parses; here its warnings are kept and given to the context's ``warn`` as the
action starts, so parsing stays ``from_params(params)`` like every other module's.
"""

from __future__ import annotations

from typing import Any, Mapping, Optional

from ._context import DmsContext
from ._public_access import PublicAccess, PublicAccessOptions


class PublicAccessParsed:
    """The checked options, the warnings parsing gave, and the run's deadline (wait_timeout, waiting or not)."""

    def __init__(self, options: PublicAccessOptions, warnings: list[str]) -> None:
        self.options = options
        self.warnings = warnings

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> "PublicAccessParsed":
        warnings: list[str] = []
        return cls(PublicAccessOptions(params, warnings.append), warnings)

    @property
    def run_timeout(self) -> Optional[float]:
        return float(self.options.wait_timeout)


class PublicAccessAction:
    def __init__(self, parsed: PublicAccessParsed) -> None:
        self.parsed = parsed

    def run(self, context: DmsContext) -> dict[str, Any]:
        for warning in self.parsed.warnings:
            context.warn(warning)
        action = PublicAccess(
            self.parsed.options,
            context.client,
            context.project_id,
            context.warn,
            started=context.started,
            clock=context.clock,
            sleep=context.sleep,
            wall_clock=context.wall,
        )
        return action.run(context.check_mode, context.diff_mode)
