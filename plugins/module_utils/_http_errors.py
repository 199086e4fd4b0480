# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.dms contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What a failed HTTP exchange says, made safe to show: error bodies decoded, credentials redacted, transport errors described.

Every text that comes from a server or from the network stack and ends up in a message passes through here;
this is the one place to tighten what may be echoed.
"""

from __future__ import annotations

import json
import re
import socket
from typing import Any, Iterable, Mapping, Optional
from urllib.parse import urlsplit

from ._body import loads_bounded
from ._errors import DmsApiError, DmsResponseError
from ._redact import Redactor
from ._retry import RETRY_AFTER_BUDGET

try:
    import requests
except ImportError:  # pragma: no cover - _http reports the missing library with missing_required_lib
    requests = None  # type: ignore[assignment]

_HTML_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
# The (code, message) key spellings Huawei's SDK accepts, in its order.
_ERROR_KEYS = (("error_code", "error_msg"), ("errorCode", "errorMsg"), ("code", "message"))
# What an error field may contribute to a message: a server can put anything there.
_MAX_FIELD = 300


def _first_fields(candidates: Iterable[Any]) -> tuple[Optional[str], Optional[str]]:
    for item in candidates:
        if not isinstance(item, dict):
            continue
        for code_key, msg_key in _ERROR_KEYS:
            if code_key in item or msg_key in item:
                code, message = item.get(code_key), item.get(msg_key)
                return _field(code), _field(message)
    return None, None


def _field(value: Any) -> Optional[str]:
    """A server's error field as one short line of text (it may be any JSON type, of any size)."""
    if value is None:
        return None
    text = value if isinstance(value, str) else json.dumps(value)[: _MAX_FIELD * 2]
    return " ".join(text.split())[:_MAX_FIELD]


def error_fields(content: bytes, redact: Any = None) -> tuple[Optional[str], Optional[str]]:
    """Error code and message, in the key spellings Huawei's SDK accepts; HTML or junk gives a short excerpt."""
    try:
        data = loads_bounded(content)
    except ValueError:
        text = content[:8192].decode("utf-8", "replace")
        # Redacted before any cut: an excerpt must not end in the middle of a secret and so keep half of it.
        text = redact(text) if redact is not None else text
        title = _HTML_TITLE.search(text)
        if title and title.group(1).strip():
            # A proxy's HTML error page: its title says it all ("502 Bad Gateway"), the markup says nothing.
            return None, "HTML error page: %s" % " ".join(title.group(1).split())[:200]
        text = " ".join(text[:200].split())
        return None, ("non-JSON body: %s" % text) if text else None
    nested = [value for value in data.values() if isinstance(value, dict)] if isinstance(data, dict) else []
    return _first_fields([data] + nested)


def api_error(
    method: str,
    path: str,
    status: int,
    headers: Mapping[str, str],
    content: bytes,
    redact: Redactor,
    service: str = "DMS",
) -> DmsApiError:
    """The DmsApiError for an HTTP error answer, its message redacted."""
    code, message = error_fields(content, redact)
    request_id = _field(headers.get("X-Request-Id"))
    return DmsApiError(method, path, status, redact(code), redact(message), redact(request_id), service=service)


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


def budget_spent(error: DmsApiError) -> RetryAfterBudgetSpent:
    """``error`` (a 429 or 503 with Retry-After) told as the end of the run's Retry-After budget."""
    return RetryAfterBudgetSpent(
        error.method,
        error.path,
        error.status,
        error.error_code,
        error.error_msg,
        error.request_id,
        service=error.service,
    )


def redirect_error(
    service: str, method: str, url: str, status: int, location: Optional[str], redact: Redactor
) -> DmsResponseError:
    """3xx is never followed (it would carry a signed request or a token to another host): an error naming the target."""
    target = " to %s" % " ".join(str(location).split())[:300] if location else " without a Location"
    return DmsResponseError(
        "%s API %s %s answered HTTP %d, a redirect%s; redirects are never followed (they could send"
        " the signed request or the token elsewhere). Set 'endpoint' (or 'iam_endpoint') to the URL"
        " that answers directly." % (service, method, url, status, redact(target))
    )


def is_name_resolution_error(err: BaseException) -> bool:
    """Whether the host name did not resolve: retrying in seconds will not fix a misspelt host."""
    seen = 0
    reason: Any = err
    while isinstance(reason, BaseException) and seen < 10:
        if isinstance(reason, socket.gaierror) or type(reason).__name__ == "NameResolutionError":
            return True
        inner = (
            reason.args[0]
            if reason.args and isinstance(reason.args[0], BaseException)
            else getattr(reason, "reason", None)
        )
        reason = inner if inner is not reason else None
        seen += 1
    return "Name or service not known" in str(err) or "Failed to resolve" in str(err)


def _fix(service: str, origin: Optional[str]) -> str:
    """What to check for an unreachable service, naming where its URL came from."""
    if service == "IAM":
        where = origin or "'iam_endpoint'/'region'"
        return (
            "Check %s; or set 'project_id' (HW_PROJECT_ID) so no IAM project lookup is needed (user_name/password"
            " always need IAM)" % where
        )
    return "Check %s and proxy settings" % (origin or "'endpoint'/'region'")


def describe_transport_error(
    method: str, url: str, err: BaseException, service: str = "DMS", origin: Optional[str] = None, redact: Any = None
) -> str:
    """A one-line message for an exchange that got no answer, naming the service and the option (and its source).

    ``redact`` runs over the error's text before it is cut short (a bad status line or chunk size can quote a token).
    """

    def _short(error: BaseException) -> str:
        return _shorten(error, redact)

    if isinstance(err, requests.exceptions.ProxyError):
        return (
            "Could not reach the %s API through the proxy %s, which failed for %s %s. Check HTTPS_PROXY/HTTP_PROXY"
            " (and NO_PROXY for hosts that must bypass it) in the environment the module runs in. Cause: %s."
            % (service, _proxy_for(url), method, url, _short(err))
        )
    if isinstance(err, requests.exceptions.SSLError):
        if "CERTIFICATE_VERIFY_FAILED" not in str(err) and "certificate" not in str(err).lower():
            return (
                "TLS handshake with the %s API failed for %s %s: %s. Check that %s uses the scheme the server speaks"
                " (https:// only for a TLS port) and any proxy in between."
                % (service, method, url, _short(err), origin or "'endpoint'")
            )
        return (
            "TLS verification failed for %s API %s %s: %s. Set 'ca_path' to the CA bundle that signed the server's"
            " certificate, or (not recommended) validate_certs: false." % (service, method, url, _short(err))
        )
    if isinstance(err, requests.exceptions.Timeout):
        return "%s API %s %s timed out (%s). Raise 'request_timeout' or check the network path." % (
            service,
            method,
            url,
            type(err).__name__,
        )
    if isinstance(err, requests.exceptions.ConnectionError):
        if is_name_resolution_error(err):
            host = urlsplit(url).hostname or url
            return (
                "Could not reach the %s API: host %s does not resolve (DNS), for %s %s; not retried. %s. Cause: %s."
                % (service, host, method, url, _fix(service, origin), _short(err))
            )
        # The fix before the cause: urllib3's cause is a nested repr that can run to hundreds of characters.
        return "Could not reach the %s API for %s %s. %s. Cause: %s." % (
            service,
            method,
            url,
            _fix(service, origin),
            _short(err),
        )
    return "%s API %s %s failed: %s" % (service, method, url, _short(err))


def _proxy_for(url: str) -> str:
    """The proxy requests chose from the environment for url, without any user:password in it."""
    try:
        proxy = requests.utils.select_proxy(url, requests.utils.get_environ_proxies(url))
    except (ValueError, TypeError):  # pragma: no cover - a malformed proxy variable
        proxy = None
    if not proxy:
        return "(from the environment)"
    parts = urlsplit(proxy if "://" in proxy else "http://" + proxy)
    host = parts.hostname or "?"
    return "%s://%s%s" % (parts.scheme, host, ":%d" % parts.port if parts.port else "")


def _shorten(err: BaseException, redact: Any = None) -> str:
    # The innermost reason is what a user can act on; urllib3 wraps it several levels deep.
    reason = err
    while True:
        inner = (
            reason.args[0]
            if reason.args and isinstance(reason.args[0], BaseException)
            else getattr(reason, "reason", None)
        )
        if not isinstance(inner, BaseException) or inner is reason:
            break
        reason = inner
    text = " ".join(str(reason).split())
    return (redact(text) if redact is not None else text)[:300]
