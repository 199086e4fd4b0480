# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.dms contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What a module's action gets from DmsModule.run: a ready client and the run's facts, no Ansible."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from ._http import DmsHttpClient


@dataclass(frozen=True)
class DmsContext:
    client: DmsHttpClient  # signed with the final auth; sends X-Project-Id = project_id
    project_id: str  # given, or looked up from the region through IAM
    check_mode: bool
    diff_mode: bool
    warn: Callable[[str], None]
    started: float  # time.monotonic() when the module started: elapsed time counts from here
