# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.dms contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The HTTP client: a signed request per attempt to one server, retried and clipped to the run's deadline.

The retry count and pauses come from _retry.py; this module drives the loop itself instead of mounting a policy
on the adapter: every attempt must be re-signed with a fresh X-Sdk-Date, and every sleep and socket
timeout must be clipped to the caller's deadline, which urllib3's own loop cannot do.

What the clients of one run share (session, timeouts, retries, TLS, redaction, deadline, server clocks) is the
``Transport`` of _transport.py. Reading the body within bounds is _body.py's job; the watchdog _watchdog.py's;
decoding error answers and describing transport errors _http_errors.py's.
"""

from __future__ import annotations

import json
import time
from typing import Any, Optional

from ._body import decode_json, read_body
from ._errors import TRANSIENT_STATUSES, DmsApiError, DmsError, DmsResponseError, DmsTransportError
from ._http_errors import (
    AnswerLost,
    DeadlineAnswerLost,
    DeadlineBeforeSending,
    DeadlineExceeded,
    api_error,
    budget_spent,
    describe_transport_error,
    is_name_resolution_error,
    redirect_error,
    refused,
)
from ._http_response import Attempt, HttpResponse
from ._redact import Redactor
from ._retry import (
    IDEMPOTENT_METHODS,
    MIN_RETRY_PAUSE,
    RETRY_AFTER_MAX,
    RetryPolicy,
    never_reached_server,
    retried_transport_error,
    retry_after_seconds,
)
from ._server_clock import ServerClock, signature_expired_hint
from ._signer import QueryPairs, canonical_query
from ._transport import Transport
from ._watchdog import AttemptWatch

try:
    import requests
    from urllib3.util.timeout import Timeout

    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None
except ImportError as exc:  # pragma: no cover - reported by the module with missing_required_lib
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = exc

# The collection's version (galaxy.yml's ``version``; test_http checks that they agree).
COLLECTION_VERSION = "1.0.0"
USER_AGENT = "hwcloud.dms-ansible/%s" % COLLECTION_VERSION
# A socket timeout below this is pointless and makes requests raise ValueError at 0.
MIN_SOCKET_TIMEOUT = 0.05


class DmsHttpClient:
    """Signed requests to one server (DMS or IAM) with one auth and project id, over the run's shared Transport."""

    def __init__(
        self,
        transport: Transport,
        base_url: str,
        auth: Any,
        project_id: Optional[str] = None,
        service: str = "DMS",
        origin: Optional[str] = None,
    ) -> None:
        self.transport = transport
        self.base_url = base_url.rstrip("/")
        self.auth = auth
        self.project_id = project_id
        # Messages name the service ("DMS", "IAM") and where base_url came from, e.g. "endpoint (from HW_DMS_ENDPOINT)".
        self.service = service
        self.origin = origin
        self.requests_sent = 0

    def with_auth(self, auth: Any, project_id: Optional[str]) -> "DmsHttpClient":
        """A client for the same server over the same transport, with other credentials and project id."""
        return DmsHttpClient(self.transport, self.base_url, auth, project_id, self.service, self.origin)

    def for_service(self, service: str, base_url: str, auth: Any, origin: Optional[str] = None) -> "DmsHttpClient":
        """A client for another service's server (IAM) over the same transport, without a project id header."""
        return DmsHttpClient(self.transport, base_url, auth, None, service, origin)

    @property
    def redact(self) -> Redactor:
        return self.transport.redact

    @property
    def server_clock(self) -> ServerClock:
        """The clock of this client's server (its base URL), as the Date headers of its answers have shown it."""
        return self.transport.server_clock(self.base_url)

    def close(self) -> None:
        self.transport.close()

    def _remaining(self, deadline: Optional[float]) -> Optional[float]:
        return None if deadline is None else deadline - self.transport.clock()

    def get_json(self, path: str, query: QueryPairs = (), deadline: Optional[float] = None) -> HttpResponse:
        return self.request("GET", path, query, deadline=deadline)

    def request(
        self,
        method: str,
        path: str,
        query: QueryPairs = (),
        body: Optional[Any] = None,
        deadline: Optional[float] = None,
        base_url: Optional[str] = None,
        idempotent: Optional[bool] = None,
    ) -> HttpResponse:
        """Send a signed request, retrying transient failures; raise a DmsError subclass on failure.

        ``idempotent`` (default: whether the method is) says whether a 5xx or a connection lost mid-request may be
        retried; when false only a 429 or a connection that was never made is. ``deadline`` (time.monotonic) is
        clipped to the run's deadline (``transport.limits.deadline``), if any.
        """
        transport = self.transport
        limits = transport.limits
        if idempotent is None:
            idempotent = method.upper() in IDEMPOTENT_METHODS
        if limits.deadline is not None:
            deadline = limits.deadline if deadline is None else min(deadline, limits.deadline)
        base_url = base_url or self.base_url
        url = base_url + path
        query_string = canonical_query(query)
        full_url = url + ("?" + query_string if query_string else "")
        payload = json.dumps(body).encode("utf-8") if body is not None else b""
        policy = RetryPolicy(transport.retries)
        while True:
            attempt = self._attempt(method, url, full_url, query, payload, deadline, base_url)
            if attempt.error is None and 300 <= attempt.status < 400:
                location = attempt.response.headers.get("Location")
                raise redirect_error(self.service, method, url, attempt.status, location, transport.redact)
            if attempt.error is None and attempt.status < 400:
                try:
                    data = decode_json(attempt.content, method, url, attempt.status, self.service, transport.redact)
                except DmsResponseError as err:
                    raise refused(err, attempt.response) from None
                return HttpResponse(
                    attempt.status, attempt.response.headers, data, attempt.sent_at, attempt.received_at
                )
            retryable = attempt.error is not None or attempt.status in TRANSIENT_STATUSES
            if not retryable or transport.retries <= 0:
                raise self._failure(method, url, attempt, base_url) from None
            if not idempotent and not never_reached_server(attempt.status, attempt.error):
                # The server may have acted on it: sending it again could make the change twice.
                raise self._failure(method, url, attempt, base_url) from None
            if not policy.record_failure():
                raise self._failure(method, url, attempt, base_url, retries_note=True) from None
            retry_after = None
            if attempt.error is None:
                retry_after = retry_after_seconds(attempt.response.headers.get("Retry-After"), transport.wall)
            if retry_after is not None:
                if limits.retry_after_left <= 0:
                    raise budget_spent(self._api_error(method, attempt, base_url, path)) from None
                pause = min(retry_after, RETRY_AFTER_MAX, limits.retry_after_left)
                limits.retry_after_left -= pause
            else:
                pause = policy.backoff()
            pause = max(pause, MIN_RETRY_PAUSE)
            remaining = self._remaining(deadline)
            if remaining is not None and pause >= remaining:
                # Sleeping would cross the deadline: report the failure we have now instead.
                if attempt.error is not None:
                    if never_reached_server(0, attempt.error):
                        raise DeadlineExceeded(self._describe(method, url, attempt.error))
                    raise DeadlineAnswerLost(self._describe(method, url, attempt.error), attempt.cut_status)
                raise self._failure(method, url, attempt, base_url)
            transport.sleep(pause)

    def _failure(self, method: str, url: str, attempt: Attempt, base_url: str, retries_note: bool = False) -> DmsError:
        """The error for a final failed attempt: a DmsTransportError without an answer, else a DmsApiError."""
        if attempt.error is not None:
            message = self._describe(method, url, attempt.error)
            message = "%s (after %d retries)" % (message, self.transport.retries) if retries_note else message
            if never_reached_server(0, attempt.error):
                return DmsTransportError(message)
            return AnswerLost(message, attempt.cut_status)
        return self._api_error(method, attempt, base_url, url[len(base_url) :])

    def _api_error(self, method: str, attempt: Attempt, base_url: str, path: str) -> DmsApiError:
        error = api_error(
            method, path, attempt.status, attempt.response.headers, attempt.content, self.redact, service=self.service
        )
        if error.status == 401:
            # "signature expired" is the gateway's clock check: say it is this host's clock, with both times.
            clock = self.transport.server_clock(base_url)
            error.hint = signature_expired_hint(error.error_code, error.error_msg, clock) or error.hint
        return error

    def _describe(self, method: str, url: str, err: BaseException) -> str:
        return describe_transport_error(method, url, err, service=self.service, origin=self.origin, redact=self.redact)

    def _attempt(
        self,
        method: str,
        url: str,
        full_url: str,
        query: QueryPairs,
        payload: bytes,
        deadline: Optional[float],
        base_url: str,
    ) -> Attempt:
        """One signed try. Errors no retry can cure (TLS, a malformed request, the deadline) are raised here."""
        remaining = self._remaining(deadline)
        if remaining is not None and remaining <= 0:
            raise DeadlineBeforeSending(
                "%s %s %s: the deadline passed before the request could be sent" % (self.service, method, url)
            )
        # One budget for the whole attempt: connect, headers and body together (urllib3's ``total``),
        # so neither a slow connect followed by a slow answer nor a dripping body can stretch it.
        budget = (
            self.transport.request_timeout
            if remaining is None
            else max(min(self.transport.request_timeout, remaining), MIN_SOCKET_TIMEOUT)
        )
        timeout = Timeout(connect=budget, read=budget, total=budget)
        started = time.monotonic()
        headers = {"Content-Type": "application/json", "User-Agent": USER_AGENT}
        if self.project_id:
            headers["X-Project-Id"] = self.project_id
        headers = self.auth.headers(method, url, query, headers, payload)
        self.transport.redact.remember(headers)
        self.requests_sent += 1
        response = None
        watch = AttemptWatch(budget - (time.monotonic() - started))
        try:
            with watch:
                sent_at = self.transport.wall()
                response = self.transport.session.request(
                    method,
                    full_url,
                    headers=headers,
                    data=payload or None,
                    timeout=timeout,
                    verify=self.transport.verify,
                    allow_redirects=False,
                    stream=True,
                )
                # The headers are in: the server dated them between sent_at and now (error answers count too).
                received_at = self.transport.wall()
                self.transport.server_clock(base_url).observe(response.headers.get("Date"), sent_at, received_at)
                try:
                    content = read_body(response, method, url, watch)
                except DmsResponseError as err:
                    raise refused(err, response) from None
        except (requests.exceptions.RequestException, OSError) as err:
            if watch.fired.is_set():
                # The watchdog cut the socket: a timeout of the whole attempt, whatever error the cut produced.
                return Attempt(
                    error=requests.exceptions.ReadTimeout(
                        "the answer was still arriving when the request's time was up"
                    ),
                    cut_status=response.status_code if response is not None else None,
                )
            # A name that does not resolve now will not in the seconds retries take: fail at once.
            unresolved = isinstance(err, requests.exceptions.ConnectionError) and is_name_resolution_error(err)
            if retried_transport_error(err) and not unresolved:
                return Attempt(error=err)
            raise DmsTransportError(self._describe(method, url, err)) from None
        except (ValueError, UnicodeError) as err:
            # A header value or URL that http.client refuses (the options are checked first, so this is a server's doing).
            raise DmsTransportError(self._describe(method, url, err)) from None
        return Attempt(response=response, content=content, sent_at=sent_at, received_at=received_at)
