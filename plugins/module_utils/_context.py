# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.dms contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What every action gets from the module base: a ready client, the run's facts and its clocks, no Ansible."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable, Optional

from ._http import DmsHttpClient
from ._server_clock import ServerClock


class ChangeRecord:
    """Whether this run has sent a change: once it has, every later failure reports ``changed: true``."""

    def __init__(self) -> None:
        self.sent = False

    def mark(self) -> None:
        self.sent = True


@dataclass(frozen=True)
class DmsContext:
    client: DmsHttpClient  # signed with the final auth; sends X-Project-Id = project_id
    project_id: str  # given, or looked up from the region through IAM
    check_mode: bool
    diff_mode: bool
    warn: Callable[[str], None]
    started: float  # clock() when the module started: elapsed time counts from here
    deadline: float  # clock() by which the whole run ends (the client's deadline too)
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    wall: Callable[[], float] = time.time  # this host's calendar clock, for times sent to the API
    change: ChangeRecord = field(default_factory=ChangeRecord, compare=False)
    # The VPC service (EIPs), signed like ``client``; None when its endpoint is unknown (no region, no vpc_endpoint).
    vpc: Optional[DmsHttpClient] = None

    @property
    def server_clock(self) -> ServerClock:
        """The DMS server's clock, as the Date headers of its answers show it."""
        return self.client.server_clock

    def elapsed(self) -> float:
        return round(self.clock() - self.started, 3)

    def remaining(self) -> float:
        return self.deadline - self.clock()
