# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.dms contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What one exchange gave back: ``HttpResponse`` to the client's callers, ``Attempt`` inside its retry loop."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Optional


@dataclass(frozen=True)
class HttpResponse:
    """What the client hands back: status, headers (requests' case-insensitive dict), decoded JSON (None if empty)."""

    status: int
    headers: Mapping[str, str]
    data: Any
    # This host's wall clock (time.time()) when the request went out and when the answer's headers came back:
    # with the answer's Date they place the call on the server's clock (_server_clock.ServerClock.change_begin_time).
    sent_at: Optional[float] = None
    received_at: Optional[float] = None


@dataclass(frozen=True)
class Attempt:
    """The outcome of one signed try: an answer (any status) with its body, or the retryable error that ended it."""

    response: Any = None  # the requests.Response, None when no answer came
    content: bytes = b""
    error: Optional[BaseException] = None  # a connection error or timeout that the retry policy may retry
    sent_at: Optional[float] = None  # this host's wall clock around the exchange (HttpResponse.sent_at)
    received_at: Optional[float] = None
    cut_status: Optional[int] = None  # the status line of an answer whose body the deadline cut (error is set)

    @property
    def status(self) -> int:
        return self.response.status_code if self.response is not None else 0
