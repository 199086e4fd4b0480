# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.dms contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""One HTTP client per module run: keep-alive session, a signed request per attempt, retries, deadlines.

Retries use urllib3's ``Retry`` for the policy (which statuses and errors, how many, exponential backoff
with jitter, Retry-After parsing), but this module drives the loop itself instead of mounting the policy
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
from ._http_errors import Redactor, api_error, describe_transport_error
from ._signer import QueryPairs, canonical_query

try:
    import requests
    from urllib3.exceptions import InvalidHeader, MaxRetryError
    from urllib3.util.retry import Retry
    from urllib3.util.timeout import Timeout
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None
except ImportError as exc:  # pragma: no cover - reported by the module with missing_required_lib
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = exc

# The collection's version (galaxy.yml's ``version``; test_http checks that they agree).
COLLECTION_VERSION = "1.0.0"
USER_AGENT = "hwcloud.dms-ansible/%s" % COLLECTION_VERSION
BACKOFF_FACTOR = 0.5
BACKOFF_MAX = 20.0
BACKOFF_JITTER = 0.5
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


@dataclass(frozen=True)
class Attempt:
    """The outcome of one signed try: an answer (any status) with its body, or the retryable error that ended it."""

    response: Any = None  # the requests.Response, None when no answer came
    content: bytes = b""
    error: Optional[BaseException] = None  # a connection error or timeout that the retry policy may retry

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
        return ("DMS API %s %s failed with HTTP %d: %s%s. The server kept asking to wait (Retry-After) after this run had waited"
                " %d s in total for it, the most one run waits for Retry-After; try again later, when the API is less busy."
                % (self.method, self.path, self.status, detail, request_id, RETRY_AFTER_BUDGET))


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
        limits: Optional[RunLimits] = None,
        service: str = "DMS API",
    ) -> None:
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
        # Shared with derived clients: IAM calls count against the same deadline and Retry-After budget.
        self.limits = limits if limits is not None else RunLimits()
        self.service = service  # who answers, for messages: "DMS API" or "IAM"

    def derive(self, base_url: Optional[str] = None, auth: Any = None, project_id: Optional[str] = None,
               service: Optional[str] = None) -> "DmsHttpClient":
        """A client with this one's session, timeouts, retries, TLS settings, redaction and run limits, but its own base URL,
        auth, project id (and service name, for messages)."""
        return DmsHttpClient(base_url or self.base_url, auth if auth is not None else self.auth, project_id,
                             request_timeout=self.request_timeout, retries=self.retries, verify=self.verify,
                             clock=self.clock, sleep=self.sleep, session=self.session, redact=self.redact, limits=self.limits,
                             service=service or self.service)

    def close(self) -> None:
        self.session.close()

    def _policy(self) -> "Retry":
        return Retry(
            total=self.retries, connect=self.retries, read=self.retries, status=self.retries, redirect=0,
            status_forcelist=TRANSIENT_STATUSES, allowed_methods=frozenset(("GET", "HEAD", "DELETE")),
            backoff_factor=BACKOFF_FACTOR, backoff_max=BACKOFF_MAX, backoff_jitter=BACKOFF_JITTER,
            respect_retry_after_header=True, raise_on_status=False, raise_on_redirect=False,
        )

    def _remaining(self, deadline: Optional[float]) -> Optional[float]:
        return None if deadline is None else deadline - self.clock()

    def get_json(self, path: str, query: QueryPairs = (), deadline: Optional[float] = None) -> HttpResponse:
        return self.request("GET", path, query, deadline=deadline)

    def request(self, method: str, path: str, query: QueryPairs = (), body: Optional[Any] = None,
                deadline: Optional[float] = None, base_url: Optional[str] = None) -> HttpResponse:
        """Send a signed request, retrying transient failures; raise a DmsError subclass on failure.

        ``deadline`` (time.monotonic) is clipped to the run's deadline (``limits.deadline``), if any.
        """
        if self.limits.deadline is not None:
            deadline = self.limits.deadline if deadline is None else min(deadline, self.limits.deadline)
        url = (base_url or self.base_url) + path
        query_string = canonical_query(query)
        full_url = url + ("?" + query_string if query_string else "")
        payload = json.dumps(body).encode("utf-8") if body is not None else b""
        policy = self._policy()
        while True:
            attempt = self._attempt(method, url, full_url, query, payload, deadline)
            if attempt.error is None and 300 <= attempt.status < 400:
                raise self._redirect_error(method, url, attempt)
            if attempt.error is None and attempt.status < 400:
                return HttpResponse(attempt.status, dict(attempt.response.headers),
                                    _decode_json(attempt.content, method, url, attempt.status, self.service, self.redact))
            retryable = attempt.error is not None or attempt.status in TRANSIENT_STATUSES
            if not retryable or self.retries <= 0:
                raise self._failure(method, url, attempt) from None
            retry_after = None
            try:
                if attempt.error is not None:
                    policy = policy.increment(method, full_url, error=attempt.error)
                else:
                    retry_after = _retry_after(policy, attempt.response)
                    policy = policy.increment(method, full_url, response=attempt.response.raw)
            except MaxRetryError:
                raise self._failure(method, url, attempt, retries_note=True) from None
            if retry_after is not None:
                if self.limits.retry_after_left <= 0:
                    raise self._failure(method, url, attempt, budget_spent=True) from None
                pause = min(retry_after, RETRY_AFTER_MAX, self.limits.retry_after_left)
                self.limits.retry_after_left -= pause
            else:
                pause = policy.get_backoff_time()
            pause = max(pause, MIN_RETRY_PAUSE)
            remaining = self._remaining(deadline)
            if remaining is not None and pause >= remaining:
                # Sleeping would cross the deadline: report the failure we have now instead.
                if attempt.error is not None:
                    raise DeadlineExceeded(describe_transport_error(method, url, attempt.error, self.service, self.redact))
                raise self._failure(method, url, attempt)
            self.retries_done += 1
            if pause > 0:
                self.sleep(pause)

    def _failure(self, method: str, url: str, attempt: Attempt, retries_note: bool = False, budget_spent: bool = False) -> Exception:
        """The error to raise for a final failed attempt: a DmsTransportError without an answer, else a DmsApiError."""
        if attempt.error is not None:
            message = describe_transport_error(method, url, attempt.error, self.service, self.redact)
            return DmsTransportError("%s (after %d retries)" % (message, self.retries_done) if retries_note else message)
        path = url[len(self.base_url):] if url.startswith(self.base_url) else url
        if budget_spent:
            plain = self._api_error(method, path, attempt)
            return RetryAfterBudgetSpent(method, path, plain.status, plain.error_code, plain.error_msg, plain.request_id)
        return self._api_error(method, path, attempt)

    def _api_error(self, method: str, path: str, attempt: Attempt) -> DmsApiError:
        return api_error(method, path, attempt.status, attempt.response.headers, attempt.content, self.redact)

    def _redirect_error(self, method: str, url: str, attempt: Attempt) -> DmsResponseError:
        """3xx is never followed (it would carry a signed request, or a token, to another host): an error naming the target."""
        location = attempt.response.headers.get("Location")
        target = " to %s" % " ".join(str(location).split())[:300] if location else " without a Location"
        return DmsResponseError("%s %s %s answered HTTP %d, a redirect%s; redirects are never followed (they could send the"
                                " signed request or the token elsewhere). Set 'endpoint' (or 'iam_endpoint') to the URL that answers"
                                " directly." % (self.service, method, url, attempt.status, self.redact(target)))

    def _attempt(self, method: str, url: str, full_url: str, query: QueryPairs, payload: bytes, deadline: Optional[float]) -> Attempt:
        """One signed try. Errors no retry can cure (TLS, a malformed request, the deadline) are raised here."""
        remaining = self._remaining(deadline)
        if remaining is not None and remaining <= 0:
            raise DeadlineExceeded("%s %s %s: the deadline passed before the request could be sent" % (self.service, method, url))
        # One budget for the whole attempt: connect, headers and body together (urllib3's ``total``),
        # so neither a slow connect followed by a slow answer nor a dripping body can stretch it.
        budget = self.request_timeout if remaining is None else max(min(self.request_timeout, remaining), MIN_SOCKET_TIMEOUT)
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
                response = self.session.request(method, full_url, headers=headers, data=payload or None, timeout=timeout,
                                                verify=self.verify, allow_redirects=False, stream=True)
                content = read_body(response, method, url, started + budget)
        except (requests.exceptions.RequestException, OSError) as err:
            if watch.fired.is_set():
                # The watchdog cut the socket: a timeout of the whole attempt, whatever error the cut produced.
                return Attempt(error=requests.exceptions.ReadTimeout("the answer was still arriving when the request's time was up"))
            if isinstance(err, requests.exceptions.SSLError):
                raise DmsTransportError(describe_transport_error(method, url, err, self.service, self.redact)) from None
            if isinstance(err, (requests.exceptions.ConnectionError, requests.exceptions.Timeout,
                                requests.exceptions.ChunkedEncodingError, OSError)):
                return Attempt(error=err)
            raise DmsTransportError(describe_transport_error(method, url, err, self.service, self.redact)) from None
        except (ValueError, UnicodeError) as err:
            # A header value or URL that http.client refuses (the options are checked first, so this is a server's doing).
            raise DmsTransportError(describe_transport_error(method, url, err, self.service, self.redact)) from None
        return Attempt(response=response, content=content)


def _retry_after(policy: "Retry", response: Any) -> Optional[float]:
    """Seconds the server asked us to wait, or None; a malformed Retry-After is ignored, not a crash."""
    if not policy.respect_retry_after_header:
        return None
    try:
        seconds = policy.get_retry_after(response.raw)
    except (InvalidHeader, ValueError, OverflowError):
        return None
    return None if seconds is None else max(float(seconds), 0.0)


def _decode_json(content: bytes, method: str, url: str, status: int, service: str = "DMS API", redact: Any = str) -> Any:
    if not content.strip():
        return None
    try:
        return loads_bounded(content)
    except JsonTooComplex as err:
        raise DmsResponseError("%s %s %s answered HTTP %d with JSON that no DMS answer has (%s); refusing it (a proxy or"
                               " server fault)." % (service, method, url, status, err)) from None
    except ValueError:
        # Redacted before the cut, so the excerpt cannot end inside a secret and keep half of it.
        snippet = (redact(content[:8192].decode("utf-8", "replace")) or "")[:120].replace("\n", " ")
        raise DmsResponseError("%s %s %s answered HTTP %d with a body that is not JSON (starts with %r)."
                               % (service, method, url, status, snippet)) from None
