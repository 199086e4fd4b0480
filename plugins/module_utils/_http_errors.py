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
from typing import Any, Iterable, Mapping, Optional

from ._errors import DmsApiError

try:
    import requests
except ImportError:  # pragma: no cover - _http reports the missing library with missing_required_lib
    requests = None  # type: ignore[assignment]

# Headers whose values are credentials: never echoed, even when a server quotes them back in an error.
SECRET_HEADERS = frozenset(("x-security-token", "x-auth-token"))
# The gateway's signature-mismatch message echoes its canonical request, signed header values included.
_ECHOED_SECRET = re.compile(r"(x-security-token|x-auth-token):[^|\n]*", re.IGNORECASE)
_HTML_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
# The (code, message) key spellings Huawei's SDK accepts, in its order.
_ERROR_KEYS = (("error_code", "error_msg"), ("errorCode", "errorMsg"), ("code", "message"))


class Redactor:
    """Hides the credential header values sent in this run, and any quoted back as ``name:value``, in a server's text."""

    def __init__(self) -> None:
        self._secrets: set[str] = set()

    def remember(self, headers: Mapping[str, str]) -> None:
        self._secrets.update(value for name, value in headers.items() if name.lower() in SECRET_HEADERS and value)

    def __call__(self, text: Optional[str]) -> Optional[str]:
        if not text:
            return text
        text = _ECHOED_SECRET.sub(lambda match: match.group(1) + ":<hidden>", text)
        for secret in self._secrets:
            text = text.replace(secret, "<hidden>")
        return text


def _first_fields(candidates: Iterable[Any]) -> tuple[Optional[str], Optional[str]]:
    for item in candidates:
        if not isinstance(item, dict):
            continue
        for code_key, msg_key in _ERROR_KEYS:
            if code_key in item or msg_key in item:
                code, message = item.get(code_key), item.get(msg_key)
                return (str(code) if code is not None else None), (str(message) if message is not None else None)
    return None, None


def error_fields(content: bytes) -> tuple[Optional[str], Optional[str]]:
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
    nested = [value for value in data.values() if isinstance(value, dict)] if isinstance(data, dict) else []
    return _first_fields([data] + nested)


def api_error(method: str, path: str, status: int, headers: Mapping[str, str], content: bytes, redact: Redactor) -> DmsApiError:
    """The DmsApiError for an HTTP error answer, its message redacted."""
    code, message = error_fields(content)
    return DmsApiError(method, path, status, code, redact(message), headers.get("X-Request-Id"))


def describe_transport_error(method: str, url: str, err: BaseException) -> str:
    """A one-line message for an exchange that got no answer, naming the option that fixes it."""
    if isinstance(err, requests.exceptions.SSLError):
        if "CERTIFICATE_VERIFY_FAILED" not in str(err) and "certificate" not in str(err).lower():
            return ("TLS handshake with the DMS API failed for %s %s: %s. Check that 'endpoint' uses the scheme the server speaks"
                    " (https:// only for a TLS port) and any proxy in between." % (method, url, _short(err)))
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
