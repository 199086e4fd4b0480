# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.dms contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What DMS's refusal of a public-access change means (busy, may be made, may be so already, final), counted per run."""

from __future__ import annotations

from typing import Callable, Optional

from ._errors import DmsApiError

# "This operation is not allowed due to the instance status": another change runs, or the instance is not RUNNING.
# CBC.99003651 ("another operation is being performed", billing) is retried by Terraform for the same reason.
BUSY_ERROR_CODES = frozenset(("DMS.00400026", "CBC.99003651"))
# Refusals that may mean "already so" (or "not any more"): read the instance again before believing them.
MAYBE_ALREADY_STATUSES = frozenset((400, 409))

BUSY = "busy"  # pause, read again, send again
MAYBE_MADE = "maybe made"  # a 5xx: the change may have been made
MAYBE_ALREADY = "maybe already"  # 400/409: read again before believing it
FINAL = "final"  # any other refusal


class Refusals:
    """The error answers to one run's change calls: the last one, how many said busy, and since when."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self.clock = clock
        self.last: Optional[DmsApiError] = None
        self.busy = 0
        self.busy_since: Optional[float] = None

    def record(self, err: DmsApiError) -> str:
        """Remember ``err`` and say what it means: BUSY, MAYBE_MADE, MAYBE_ALREADY or FINAL."""
        self.last = err
        if err.error_code in BUSY_ERROR_CODES:
            self.busy += 1
            if self.busy_since is None:
                self.busy_since = self.clock()
            return BUSY
        if err.status >= 500:
            return MAYBE_MADE
        return MAYBE_ALREADY if err.status in MAYBE_ALREADY_STATUSES else FINAL

    def busy_for(self) -> Optional[float]:
        """How long DMS has said busy, when the last refusal was a busy one."""
        if self.last is not None and self.last.error_code in BUSY_ERROR_CODES and self.busy_since is not None:
            return self.clock() - self.busy_since
        return None
