# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.dms contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What every HTTP client of one module run shares: one session, timeouts, retries, TLS, redaction, one deadline.

``open_transport`` builds it once per run; the DMS client and the IAM clients made from it
(``DmsHttpClient.with_auth``/``for_service``) all hold the same ``Transport``, so an IAM call counts against the
run's deadline and Retry-After budget, a token IAM issued is hidden in a DMS error, and every answer's ``Date``
adds to its server's clock estimate.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Callable, Optional, Union

from ._redact import Redactor
from ._retry import RETRY_AFTER_BUDGET
from ._server_clock import ServerClock
from ._watchdog import watch_session

try:
    import requests
    import urllib3
except ImportError:  # pragma: no cover - _http reports the missing library with missing_required_lib
    requests = None  # type: ignore[assignment]


@dataclass
class RunLimits:
    """The run's one deadline (time.monotonic, None for none) and what is left of its Retry-After budget."""

    deadline: Optional[float] = None
    retry_after_left: float = RETRY_AFTER_BUDGET


@dataclass(frozen=True)
class Transport:
    """The session and settings every client of one run shares; ``limits`` and ``server_clocks`` change as it runs."""

    session: Any  # a requests.Session prepared by open_transport
    request_timeout: float = 30.0
    retries: int = 5
    verify: Union[bool, str] = True
    redact: Redactor = field(default_factory=Redactor)
    limits: RunLimits = field(default_factory=RunLimits)
    # What each server's Date headers taught about its clock, per base URL (IAM's hosts are not DMS's).
    server_clocks: dict[str, ServerClock] = field(default_factory=dict)
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    wall: Callable[[], float] = time.time  # this host's wall clock, compared with the servers' Date

    def server_clock(self, base_url: str) -> ServerClock:
        """The clock of the server at ``base_url``, as the Date headers of its answers have shown it."""
        return self.server_clocks.setdefault(base_url.rstrip("/"), ServerClock())

    def close(self) -> None:
        self.session.close()


def _no_netrc(request: Any) -> Any:
    # A session auth hook stops requests from reading ~/.netrc, which would replace our Authorization header.
    return request


def open_transport(
    request_timeout: float = 30.0,
    retries: int = 5,
    verify: Union[bool, str] = True,
    redact: Optional[Redactor] = None,
    deadline: Optional[float] = None,
    session_factory: Optional[Callable[[], Any]] = None,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
    wall: Callable[[], float] = time.time,
) -> Transport:
    """A Transport on a new session (``session_factory``, default ``requests.Session``) made ready for signed calls."""
    session = (session_factory or requests.Session)()
    session.auth = _no_netrc
    # Every attempt, status line and headers included, ends by its time (see _watchdog.AttemptWatch).
    watch_session(session)
    # Uncompressed answers only: the 4 MiB cap counts decoded bytes, and a small gzip body can expand a thousandfold.
    # Added by requests after signing, like its default "gzip, deflate" was, so the signature is unchanged.
    session.headers["Accept-Encoding"] = "identity"
    if verify is False:
        # The module warns once about validate_certs=false; urllib3's per-request warning would only add noise.
        urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)
    return Transport(
        session,
        request_timeout=float(request_timeout),
        retries=int(retries),
        verify=verify,
        redact=redact if redact is not None else Redactor(),
        limits=RunLimits(deadline=deadline),
        clock=clock,
        sleep=sleep,
        wall=wall,
    )
