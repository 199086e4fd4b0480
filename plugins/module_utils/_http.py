# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.dms contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""One HTTP client per module run: keep-alive session, a signed request per attempt, retries, deadlines.

The retry count and pauses come from _retry.py; this module drives the loop itself instead of mounting a policy
on the adapter: every attempt must be re-signed with a fresh X-Sdk-Date, and every sleep and socket
timeout must be clipped to the caller's deadline, which urllib3's own loop cannot do.

Reading the body within bounds is _body.py's job; decoding error answers and redacting them is
_http_errors.py's.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any, Callable, Optional, Union

from ._body import AttemptWatch, JsonTooComplex, loads_bounded, read_body, watch_session
from ._errors import TRANSIENT_STATUSES, DmsApiError, DmsResponseError, DmsTransportError
from ._http_errors import Redactor, api_error, describe_transport_error, is_name_resolution_error
from ._retry import RetryPolicy, retry_after_seconds
from ._server_clock import ServerClock, signature_expired_hint
from ._signer import QueryPairs, canonical_query

try:
    import requests
    from urllib3.exceptions import ConnectTimeoutError
    from urllib3.util.timeout import Timeout

    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None
except ImportError as exc:  # pragma: no cover - reported by the module with missing_required_lib
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = exc

# The collection's version (galaxy.yml's ``version``; test_http checks that they agree).
COLLECTION_VERSION = "1.0.0"
USER_AGENT = "hwcloud.dms-ansible/%s" % COLLECTION_VERSION
# Methods that may be sent twice with the effect of once (RFC 9110 §9.2.2). Any other method is retried only when the
# server cannot have acted on it: a 429 (the gateway throttled it) or a connection that failed before the request went out.
IDEMPOTENT_METHODS = frozenset(("GET", "HEAD", "OPTIONS", "PUT", "DELETE"))
# A Retry-After larger than this is not waited for in full (the deadline may clip it further).
RETRY_AFTER_MAX = 60.0
# ...and all the Retry-After pauses of one module run together wait at most this long (not 60 s per retry).
RETRY_AFTER_BUDGET = 60.0
# No retry follows sooner than this, whatever Retry-After says (``Retry-After: 0`` made 21 requests in 0.64 s).
MIN_RETRY_PAUSE = 0.5
# A socket timeout below this is pointless and makes requests raise ValueError at 0.
MIN_SOCKET_TIMEOUT = 0.05


class DeadlineExceeded(DmsTransportError):
    """The caller's deadline passed before an answer came."""


@dataclass(frozen=True)
class HttpResponse:
    """What the client hands back: status, headers, decoded JSON (or None for an empty body)."""

    status: int
    headers: dict[str, str]
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

    @property
    def status(self) -> int:
        return self.response.status_code if self.response is not None else 0


class RunLimits:
    """What all the clients of one module run share: its one deadline and what is left of the Retry-After budget."""

    def __init__(self, deadline: Optional[float] = None, retry_after_budget: float = RETRY_AFTER_BUDGET) -> None:
        self.deadline = deadline  # time.monotonic() value, or None for no deadline
        self.retry_after_left = retry_after_budget


class RetryAfterBudgetSpent(DmsApiError):
    """The server kept asking to wait (Retry-After) after the run's Retry-After budget was spent."""

    def __str__(self) -> str:
        detail = " ".join(part for part in (self.error_code, self.error_msg) if part) or "no error details in the body"
        request_id = " (X-Request-Id: %s)" % self.request_id if self.request_id else ""
        return (
            "%s API %s %s failed with HTTP %d: %s%s. The server kept asking to wait (Retry-After) after this run had"
            " waited %d s in total for it, the most one run waits for Retry-After; try again later, when the API is less"
            " busy." % (self.service, self.method, self.path, self.status, detail, request_id, RETRY_AFTER_BUDGET)
        )


def _no_netrc(request: Any) -> Any:
    # A session auth hook stops requests from reading ~/.netrc, which would replace our Authorization header.
    return request


class DmsHttpClient:
    def __init__(
        self,
        base_url: str,
        auth: Any,
        project_id: Optional[str],
        request_timeout: float = 30.0,
        retries: int = 5,
        verify: Union[bool, str] = True,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        session: Any = None,
        redact: Optional[Redactor] = None,
        wall: Callable[[], float] = time.time,
        server_clocks: Optional[dict[str, ServerClock]] = None,
        service: str = "DMS",
        origin: Optional[str] = None,
        limits: Optional[RunLimits] = None,
    ) -> None:
        # Messages name the service ("DMS", "IAM") and where base_url came from, e.g. "endpoint (from HW_DMS_ENDPOINT)".
        self.service = service
        self.origin = origin
        self.base_url = base_url.rstrip("/")
        self.auth = auth
        self.project_id = project_id
        self.request_timeout = float(request_timeout)
        self.retries = int(retries)
        self.verify = verify
        self.clock = clock
        self.sleep = sleep
        self.session = session if session is not None else requests.Session()
        self.session.auth = _no_netrc
        # Every attempt, status line and headers included, ends by its time (see _body.AttemptWatch).
        watch_session(self.session)
        if isinstance(self.session, requests.Session):
            # Uncompressed answers only: the 4 MiB cap counts decoded bytes, and a small gzip body can expand a thousandfold.
            # Added by requests after signing, like its default "gzip, deflate" was, so the signature is unchanged.
            self.session.headers["Accept-Encoding"] = "identity"
        if verify is False:
            # The module warns once about validate_certs=false; urllib3's per-request warning would only add noise.
            import urllib3

            urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)
        self.requests_sent = 0
        self.retries_done = 0
        # Shared with derived clients: a token sent to IAM is hidden in a DMS error too, and the other way round.
        self.redact = redact if redact is not None else Redactor()
        # What each server's Date header taught about its clock, per base URL (IAM's hosts are not DMS's);
        # shared with derived clients so that every call of the run adds to one estimate.
        self.wall = wall
        self.server_clocks: dict[str, ServerClock] = server_clocks if server_clocks is not None else {}
        # Shared with derived clients: IAM calls count against the same deadline and Retry-After budget.
        self.limits = limits if limits is not None else RunLimits()

    def derive(
        self,
        base_url: Optional[str] = None,
        auth: Any = None,
        project_id: Optional[str] = None,
        service: Optional[str] = None,
        origin: Optional[str] = None,
    ) -> "DmsHttpClient":
        """A client with this one's session, timeouts, retries, TLS settings, redaction and run limits, but its own
        base URL, auth and project id.

        service/origin default to this client's only when the base URL is kept.
        """
        same_url = base_url is None or base_url == self.base_url
        return DmsHttpClient(
            base_url or self.base_url,
            auth if auth is not None else self.auth,
            project_id,
            request_timeout=self.request_timeout,
            retries=self.retries,
            verify=self.verify,
            clock=self.clock,
            sleep=self.sleep,
            session=self.session,
            redact=self.redact,
            wall=self.wall,
            server_clocks=self.server_clocks,
            limits=self.limits,
            service=service or self.service,
            origin=origin if origin is not None or not same_url else self.origin,
        )

    @property
    def server_clock(self) -> ServerClock:
        """The clock of this client's server (its base URL), as the Date headers of its answers have shown it."""
        return self.server_clock_of(self.base_url)

    def server_clock_of(self, base_url: str) -> ServerClock:
        return self.server_clocks.setdefault(base_url.rstrip("/"), ServerClock())

    def close(self) -> None:
        self.session.close()

    def _remaining(self, deadline: Optional[float]) -> Optional[float]:
        return None if deadline is None else deadline - self.clock()

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
        clipped to the run's deadline (``limits.deadline``), if any.
        """
        if idempotent is None:
            idempotent = method.upper() in IDEMPOTENT_METHODS
        if self.limits.deadline is not None:
            deadline = self.limits.deadline if deadline is None else min(deadline, self.limits.deadline)
        url = (base_url or self.base_url) + path
        query_string = canonical_query(query)
        full_url = url + ("?" + query_string if query_string else "")
        payload = json.dumps(body).encode("utf-8") if body is not None else b""
        policy = RetryPolicy(self.retries)
        while True:
            attempt = self._attempt(method, url, full_url, query, payload, deadline, base_url or self.base_url)
            if attempt.error is None and 300 <= attempt.status < 400:
                raise self._redirect_error(method, url, attempt)
            if attempt.error is None and attempt.status < 400:
                return HttpResponse(
                    attempt.status,
                    dict(attempt.response.headers),
                    _decode_json(attempt.content, method, url, attempt.status, self.service, self.redact),
                    sent_at=attempt.sent_at,
                    received_at=attempt.received_at,
                )
            retryable = attempt.error is not None or attempt.status in TRANSIENT_STATUSES
            if not retryable or self.retries <= 0:
                raise self._failure(method, url, attempt, base_url=base_url) from None
            if not idempotent and not _never_reached_server(attempt):
                # The server may have acted on it: sending it again could make the change twice.
                raise self._failure(method, url, attempt, base_url=base_url) from None
            if not policy.record_failure():
                raise self._failure(method, url, attempt, retries_note=True, base_url=base_url) from None
            retry_after = None
            if attempt.error is None:
                retry_after = retry_after_seconds(attempt.response.headers.get("Retry-After"), self.wall)
            if retry_after is not None:
                if self.limits.retry_after_left <= 0:
                    raise self._failure(method, url, attempt, budget_spent=True, base_url=base_url) from None
                pause = min(retry_after, RETRY_AFTER_MAX, self.limits.retry_after_left)
                self.limits.retry_after_left -= pause
            else:
                pause = policy.backoff()
            pause = max(pause, MIN_RETRY_PAUSE)
            remaining = self._remaining(deadline)
            if remaining is not None and pause >= remaining:
                # Sleeping would cross the deadline: report the failure we have now instead.
                if attempt.error is not None:
                    raise DeadlineExceeded(self._describe(method, url, attempt.error))
                raise self._failure(method, url, attempt, base_url=base_url)
            self.retries_done += 1
            if pause > 0:
                self.sleep(pause)

    def _failure(
        self,
        method: str,
        url: str,
        attempt: Attempt,
        retries_note: bool = False,
        budget_spent: bool = False,
        base_url: Optional[str] = None,
    ) -> Exception:
        """The error to raise for a final failed attempt: a DmsTransportError without an answer, else a DmsApiError."""
        if attempt.error is not None:
            message = self._describe(method, url, attempt.error)
            return DmsTransportError(
                "%s (after %d retries)" % (message, self.retries_done) if retries_note else message
            )
        path = url[len(self.base_url) :] if url.startswith(self.base_url) else url
        error = self._api_error(method, path, attempt, self.server_clock_of(base_url or self.base_url))
        if budget_spent:
            return RetryAfterBudgetSpent(
                method, path, error.status, error.error_code, error.error_msg, error.request_id, service=error.service
            )
        return error

    def _api_error(self, method: str, path: str, attempt: Attempt, clock: Optional[ServerClock] = None) -> DmsApiError:
        error = api_error(
            method, path, attempt.status, attempt.response.headers, attempt.content, self.redact, service=self.service
        )
        if error.status == 401:
            # "signature expired" is the gateway's clock check: say it is this host's clock, with both times.
            error.hint = signature_expired_hint(error.error_code, error.error_msg, clock) or error.hint
        return error

    def _describe(self, method: str, url: str, err: BaseException) -> str:
        return describe_transport_error(method, url, err, service=self.service, origin=self.origin, redact=self.redact)

    def _redirect_error(self, method: str, url: str, attempt: Attempt) -> DmsResponseError:
        """3xx is never followed (it would carry a signed request, or a token, to another host): an error naming the target."""
        location = attempt.response.headers.get("Location")
        target = " to %s" % " ".join(str(location).split())[:300] if location else " without a Location"
        return DmsResponseError(
            "%s API %s %s answered HTTP %d, a redirect%s; redirects are never followed (they could send"
            " the signed request or the token elsewhere). Set 'endpoint' (or 'iam_endpoint') to the URL"
            " that answers directly." % (self.service, method, url, attempt.status, self.redact(target))
        )

    def _attempt(
        self,
        method: str,
        url: str,
        full_url: str,
        query: QueryPairs,
        payload: bytes,
        deadline: Optional[float],
        base_url: Optional[str] = None,
    ) -> Attempt:
        """One signed try. Errors no retry can cure (TLS, a malformed request, the deadline) are raised here."""
        remaining = self._remaining(deadline)
        if remaining is not None and remaining <= 0:
            raise DeadlineExceeded(
                "%s %s %s: the deadline passed before the request could be sent" % (self.service, method, url)
            )
        # One budget for the whole attempt: connect, headers and body together (urllib3's ``total``),
        # so neither a slow connect followed by a slow answer nor a dripping body can stretch it.
        budget = (
            self.request_timeout if remaining is None else max(min(self.request_timeout, remaining), MIN_SOCKET_TIMEOUT)
        )
        timeout = Timeout(connect=budget, read=budget, total=budget)
        started = time.monotonic()
        headers = {"Content-Type": "application/json", "User-Agent": USER_AGENT}
        if self.project_id:
            headers["X-Project-Id"] = self.project_id
        headers = self.auth.headers(method, url, query, headers, payload)
        self.redact.remember(headers)
        self.requests_sent += 1
        watch = AttemptWatch(budget - (time.monotonic() - started))
        try:
            with watch:
                sent_at = self.wall()
                response = self.session.request(
                    method,
                    full_url,
                    headers=headers,
                    data=payload or None,
                    timeout=timeout,
                    verify=self.verify,
                    allow_redirects=False,
                    stream=True,
                )
                # The headers are in: the server dated them between sent_at and now (error answers count too).
                received_at = self.wall()
                self.server_clock_of(base_url or self.base_url).observe(
                    response.headers.get("Date"), sent_at, received_at
                )
                content = read_body(response, method, url, watch)
        except (requests.exceptions.RequestException, OSError) as err:
            if watch.fired.is_set():
                # The watchdog cut the socket: a timeout of the whole attempt, whatever error the cut produced.
                return Attempt(
                    error=requests.exceptions.ReadTimeout(
                        "the answer was still arriving when the request's time was up"
                    )
                )
            if isinstance(err, requests.exceptions.SSLError):
                raise DmsTransportError(self._describe(method, url, err)) from None
            if isinstance(err, requests.exceptions.ConnectionError) and is_name_resolution_error(err):
                # A name that does not resolve now will not in the seconds retries take: fail at once (issue 16).
                raise DmsTransportError(self._describe(method, url, err)) from None
            if isinstance(
                err,
                (
                    requests.exceptions.ConnectionError,
                    requests.exceptions.Timeout,
                    requests.exceptions.ChunkedEncodingError,
                    OSError,
                ),
            ):
                return Attempt(error=err)
            raise DmsTransportError(self._describe(method, url, err)) from None
        except (ValueError, UnicodeError) as err:
            # A header value or URL that http.client refuses (the options are checked first, so this is a server's doing).
            raise DmsTransportError(self._describe(method, url, err)) from None
        return Attempt(response=response, content=content, sent_at=sent_at, received_at=received_at)


def _never_reached_server(attempt: Attempt) -> bool:
    """A 429 (refused by the gateway's throttle) or a connection that was never established: safe to send again."""
    error = attempt.error
    if error is None:
        return attempt.status == 429
    if isinstance(error, requests.exceptions.ConnectTimeout):
        return True
    # requests wraps urllib3's MaxRetryError, whose reason says which phase failed; NewConnectionError (refused,
    # unreachable, DNS) is a ConnectTimeoutError subclass. A connection reset after sending stays ambiguous.
    reason = getattr(error.args[0], "reason", None) if error.args else None
    return isinstance(error, requests.exceptions.ConnectionError) and isinstance(reason, ConnectTimeoutError)


def _decode_json(content: bytes, method: str, url: str, status: int, service: str = "DMS", redact: Any = str) -> Any:
    if not content.strip():
        return None
    try:
        return loads_bounded(content)
    except JsonTooComplex as err:
        raise DmsResponseError(
            "%s API %s %s answered HTTP %d with JSON that no DMS answer has (%s); refusing it (a proxy or"
            " server fault)." % (service, method, url, status, err)
        ) from None
    except ValueError:
        # Redacted before the cut, so the excerpt cannot end inside a secret and keep half of it.
        snippet = (redact(content[:8192].decode("utf-8", "replace")) or "")[:120].replace("\n", " ")
        raise DmsResponseError(
            "%s API %s %s answered HTTP %d with a body that is not JSON (starts with %r)."
            % (service, method, url, status, snippet)
        ) from None
