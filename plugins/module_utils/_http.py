# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.dms contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""One HTTP client per module run: keep-alive session, signing, retries, deadlines, error decoding.

Retries use urllib3's ``Retry`` for the policy (which statuses and errors,
how many, exponential backoff with jitter, Retry-After parsing), but this
module drives the loop itself instead of mounting the policy on the
adapter: every attempt must be re-signed with a fresh X-Sdk-Date, and
every sleep and socket timeout must be clipped to the caller's deadline,
which urllib3's own loop cannot do.
"""

from __future__ import annotations

import json
import re
import socket
import threading
import time
from typing import Any, Callable, Optional, Union

from ._errors import DmsApiError, DmsResponseError, DmsTransportError
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

USER_AGENT = "hwcloud.dms-ansible/1.0.0"
# 429 is the gateway's throttling answer; the 5xx are transient gateway/backend failures.
RETRY_STATUSES = frozenset((429, 500, 502, 503, 504))
BACKOFF_FACTOR = 0.5
BACKOFF_MAX = 20.0
BACKOFF_JITTER = 0.5
# A Retry-After larger than this is not waited for in full (the deadline may clip it further).
RETRY_AFTER_MAX = 60.0
# Task documents are small; a bigger body is a broken proxy or server, not data to parse.
MAX_RESPONSE_BYTES = 4 * 1024 * 1024
# A socket timeout below this is pointless and makes requests raise ValueError at 0.
MIN_SOCKET_TIMEOUT = 0.05
# Headers whose values are credentials: never echoed, even when a server quotes them back in an error.
SECRET_HEADERS = frozenset(("x-security-token", "x-auth-token"))
# The gateway's signature-mismatch message echoes its canonical request, signed header values included.
_ECHOED_SECRET = re.compile(r"(x-security-token|x-auth-token):[^|\n]*", re.IGNORECASE)
_HTML_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)


class DeadlineExceeded(DmsTransportError):
    """The caller's deadline passed before an answer came."""


class HttpResponse:
    """What the client hands back: status, headers, decoded JSON (or None for an empty body)."""

    def __init__(self, status: int, headers: dict[str, str], data: Any) -> None:
        self.status = status
        self.headers = headers
        self.data = data


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
        if verify is False:
            # The module warns once about validate_certs=false; urllib3's per-request warning would only add noise.
            import urllib3
            urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)
        self.requests_sent = 0
        self.retries_done = 0
        self._secrets: set[str] = set()

    def derive(self, base_url: Optional[str] = None, auth: Any = None, project_id: Optional[str] = None) -> "DmsHttpClient":
        """A client with this one's session, timeouts, retries and TLS settings, but its own base URL, auth and project id."""
        return DmsHttpClient(base_url or self.base_url, auth if auth is not None else self.auth, project_id,
                             request_timeout=self.request_timeout, retries=self.retries, verify=self.verify,
                             clock=self.clock, sleep=self.sleep, session=self.session)

    def close(self) -> None:
        self.session.close()

    def _policy(self) -> "Retry":
        return Retry(
            total=self.retries, connect=self.retries, read=self.retries, status=self.retries, redirect=0,
            status_forcelist=RETRY_STATUSES, allowed_methods=frozenset(("GET", "HEAD", "DELETE")),
            backoff_factor=BACKOFF_FACTOR, backoff_max=BACKOFF_MAX, backoff_jitter=BACKOFF_JITTER,
            respect_retry_after_header=True, raise_on_status=False, raise_on_redirect=False,
        )

    def _remaining(self, deadline: Optional[float]) -> Optional[float]:
        return None if deadline is None else deadline - self.clock()

    def get_json(self, path: str, query: QueryPairs = (), deadline: Optional[float] = None) -> HttpResponse:
        return self.request("GET", path, query, deadline=deadline)

    def request(self, method: str, path: str, query: QueryPairs = (), body: Optional[dict[str, Any]] = None,
                deadline: Optional[float] = None, base_url: Optional[str] = None) -> HttpResponse:
        """Send a signed request, retrying transient failures; raise a DmsError subclass on failure."""
        url = (base_url or self.base_url) + path
        query_string = canonical_query(query)
        full_url = url + ("?" + query_string if query_string else "")
        payload = json.dumps(body).encode("utf-8") if body is not None else b""
        policy = self._policy()
        while True:
            outcome = self._attempt(method, url, full_url, query, payload, deadline)
            if isinstance(outcome, HttpResponse):
                return outcome
            raw_response, error = outcome
            retry_after = None
            try:
                if error is not None:
                    policy = policy.increment(method, full_url, error=error)
                else:
                    retry_after = _retry_after(policy, raw_response)
                    policy = policy.increment(method, full_url, response=raw_response.raw)
            except MaxRetryError:
                if error is not None:
                    raise DmsTransportError("%s (after %d retries)" % (_describe_transport_error(method, url, error), self.retries_done)) from None
                raise self._api_error(method, url, raw_response) from None
            pause = retry_after if retry_after is not None else max(policy.get_backoff_time(), BACKOFF_FACTOR)
            pause = min(pause, RETRY_AFTER_MAX)
            remaining = self._remaining(deadline)
            if remaining is not None and pause >= remaining:
                # Sleeping would cross the deadline: report the failure we have now instead.
                if error is not None:
                    raise DeadlineExceeded(_describe_transport_error(method, url, error))
                raise self._api_error(method, url, raw_response)
            self.retries_done += 1
            if pause > 0:
                self.sleep(pause)

    def _attempt(self, method: str, url: str, full_url: str, query: QueryPairs, payload: bytes, deadline: Optional[float]):
        """One signed try: an HttpResponse on success, else (retryable response, None) or (None, error)."""
        remaining = self._remaining(deadline)
        if remaining is not None and remaining <= 0:
            raise DeadlineExceeded("DMS API %s %s: the deadline passed before the request could be sent" % (method, url))
        # One budget for the whole attempt: connect, headers and body together (urllib3's ``total``),
        # so neither a slow connect followed by a slow answer nor a dripping body can stretch it.
        budget = self.request_timeout if remaining is None else max(min(self.request_timeout, remaining), MIN_SOCKET_TIMEOUT)
        timeout = Timeout(connect=budget, read=budget, total=budget)
        started = time.monotonic()
        headers = {"Content-Type": "application/json", "User-Agent": USER_AGENT}
        if self.project_id:
            headers["X-Project-Id"] = self.project_id
        headers = self.auth.headers(method, url, query, headers, payload)
        self._secrets.update(value for name, value in headers.items() if name.lower() in SECRET_HEADERS and value)
        self.requests_sent += 1
        try:
            response = self.session.request(method, full_url, headers=headers, data=payload or None, timeout=timeout,
                                            verify=self.verify, allow_redirects=False, stream=True)
            content = _read_capped(response, method, url, started + budget)
        except requests.exceptions.SSLError as err:
            raise DmsTransportError(_describe_transport_error(method, url, err)) from None
        except (requests.exceptions.ConnectionError, requests.exceptions.Timeout, requests.exceptions.ChunkedEncodingError) as err:
            if self.retries <= 0:
                raise DmsTransportError(_describe_transport_error(method, url, err)) from None
            return None, err
        except requests.exceptions.RequestException as err:
            raise DmsTransportError(_describe_transport_error(method, url, err)) from None
        if response.status_code in RETRY_STATUSES and self.retries > 0:
            response._dms_content = content  # kept for the error message if retries run out
            return response, None
        if response.status_code >= 400:
            response._dms_content = content
            raise self._api_error(method, url, response)
        return HttpResponse(response.status_code, dict(response.headers), _decode_json(content, method, url, response.status_code))

    def _api_error(self, method: str, url: str, response: Any) -> DmsApiError:
        code, message = _error_fields(getattr(response, "_dms_content", b""))
        path = url[len(self.base_url):] if url.startswith(self.base_url) else url
        return DmsApiError(method, path, response.status_code, code, self._redact(message), response.headers.get("X-Request-Id"))

    def _redact(self, text: Optional[str]) -> Optional[str]:
        """Hide credentials a server quoted back (the gateway echoes signed headers on a signature mismatch)."""
        if not text:
            return text
        text = _ECHOED_SECRET.sub(lambda match: match.group(1) + ":<hidden>", text)
        for secret in self._secrets:
            text = text.replace(secret, "<hidden>")
        return text


def _retry_after(policy: "Retry", response: Any) -> Optional[float]:
    """Seconds the server asked us to wait, or None; a malformed Retry-After is ignored, not a crash."""
    if not policy.respect_retry_after_header:
        return None
    try:
        seconds = policy.get_retry_after(response.raw)
    except (InvalidHeader, ValueError, OverflowError):
        return None
    return None if seconds is None else max(float(seconds), 0.0)


def _abort_read(response: Any, fired: threading.Event) -> None:
    """Watchdog: cut the socket under a body that is still arriving when the attempt's time is up."""
    fired.set()
    # http.client detaches the socket from the connection when the server says "Connection: close",
    # so look for it under the response's file object first.
    sock = getattr(getattr(getattr(getattr(response.raw, "_fp", None), "fp", None), "raw", None), "_sock", None)
    if sock is None:
        sock = getattr(getattr(response.raw, "connection", None), "sock", None)
    if sock is not None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def _read_capped(response: Any, method: str, url: str, attempt_deadline: float) -> bytes:
    """The body, at most MAX_RESPONSE_BYTES, read before ``attempt_deadline`` (time.monotonic) or a ReadTimeout."""
    fired = threading.Event()
    watchdog = threading.Timer(max(attempt_deadline - time.monotonic(), 0.0), _abort_read, (response, fired))
    watchdog.daemon = True
    watchdog.start()
    chunks = []
    size = 0
    try:
        for chunk in response.iter_content(chunk_size=65536):
            size += len(chunk)
            if size > MAX_RESPONSE_BYTES:
                response.close()
                raise DmsResponseError("DMS API %s %s answered with a body over %d bytes; refusing to read it (a proxy or server fault)."
                                       % (method, url, MAX_RESPONSE_BYTES))
            chunks.append(chunk)
            if fired.is_set():
                break
    except (requests.exceptions.ConnectionError, requests.exceptions.ChunkedEncodingError):
        if not fired.is_set():
            raise
    finally:
        watchdog.cancel()
    if fired.is_set():
        response.close()
        raise requests.exceptions.ReadTimeout("the body was still arriving when the request's time was up")
    return b"".join(chunks)


def _decode_json(content: bytes, method: str, url: str, status: int) -> Any:
    if not content.strip():
        return None
    try:
        return json.loads(content.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        snippet = content[:120].decode("utf-8", "replace").replace("\n", " ")
        raise DmsResponseError("DMS API %s %s answered HTTP %d with a body that is not JSON (starts with %r)." % (method, url, status, snippet)) from None


def _error_fields(content: bytes) -> tuple[Optional[str], Optional[str]]:
    """Error code and message, in the key spellings Huawei's SDK accepts; HTML or junk gives a short excerpt."""
    try:
        data = json.loads(content.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        text = content[:2000].decode("utf-8", "replace")
        title = _HTML_TITLE.search(text)
        if title and title.group(1).strip():
            # A proxy's HTML error page: its title says it all ("502 Bad Gateway"), the markup says nothing.
            return None, "HTML error page: %s" % " ".join(title.group(1).split())[:200]
        text = " ".join(text[:200].split())
        return None, ("non-JSON body: %s" % text) if text else None
    candidates = [data] + ([value for value in data.values() if isinstance(value, dict)] if isinstance(data, dict) else [])
    for item in candidates:
        if not isinstance(item, dict):
            continue
        for code_key, msg_key in (("error_code", "error_msg"), ("errorCode", "errorMsg"), ("code", "message")):
            if code_key in item or msg_key in item:
                code, message = item.get(code_key), item.get(msg_key)
                return (str(code) if code is not None else None), (str(message) if message is not None else None)
    return None, None


def _describe_transport_error(method: str, url: str, err: BaseException) -> str:
    if isinstance(err, requests.exceptions.SSLError) and "CERTIFICATE_VERIFY_FAILED" not in str(err) and "certificate" not in str(err).lower():
        return ("TLS handshake with the DMS API failed for %s %s: %s. Check that 'endpoint' uses the scheme the server speaks"
                " (https:// only for a TLS port) and any proxy in between." % (method, url, _short(err)))
    if isinstance(err, requests.exceptions.SSLError):
        return ("TLS verification failed for DMS API %s %s: %s. Set 'ca_path' to the CA bundle that signed the server's"
                " certificate, or (not recommended) validate_certs: false." % (method, url, _short(err)))
    if isinstance(err, requests.exceptions.Timeout):
        return "DMS API %s %s timed out (%s). Raise 'request_timeout' or check the network path." % (method, url, type(err).__name__)
    if isinstance(err, requests.exceptions.ConnectionError):
        return "Could not reach the DMS API for %s %s: %s. Check 'endpoint'/'region' and proxy settings." % (method, url, _short(err))
    return "DMS API %s %s failed: %s" % (method, url, _short(err))


def _short(err: BaseException) -> str:
    # The innermost reason is what a user can act on; urllib3 wraps it several levels deep.
    reason = err
    while True:
        inner = reason.args[0] if reason.args and isinstance(reason.args[0], BaseException) else getattr(reason, "reason", None)
        if not isinstance(inner, BaseException) or inner is reason:
            break
        reason = inner
    return " ".join(str(reason).split())[:300]
