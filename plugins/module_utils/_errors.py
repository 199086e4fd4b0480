# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.dms contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Exceptions the module turns into one clear failure line each.

Messages never contain credentials: they are built from status codes,
error codes, paths and ids only.
"""

from __future__ import annotations

from typing import Any, Optional


class DmsError(Exception):
    """Base class: ``str(error)`` is the user-facing message."""


# The HTTP statuses worth asking again, for the client's retries and for a wait's polls alike:
# 429 is the gateway's throttling; 500, 502, 503 and 504 are transient gateway or backend failures;
# 408 means the server (or a proxy) gave up waiting for our request before handling it, so sending it
# again is safe, and it is the same kind of failure as a read timeout, which is retried too.
# 400, 401, 403 and 404 are never in it: the gateway locks an access key after 5 bad signatures in a row.
TRANSIENT_STATUSES = frozenset((408, 429, 500, 502, 503, 504))


class ConfigurationError(DmsError):
    """An option is missing or malformed; the message names it and the fix."""


class DmsApiError(DmsError):
    """The API (DMS, IAM or their gateway) answered with an HTTP error status.

    ``hint`` is the fix a caller that knows the call adds (for example the permission a DMS task call needs);
    ``str()`` is built when read, so a caller can add it and re-raise the same error.
    """

    def __init__(self, method: str, path: str, status: int, error_code: Optional[str], error_msg: Optional[str],
                 request_id: Optional[str], hint: str = "") -> None:
        self.method = method
        self.path = path
        self.status = status
        self.error_code = error_code
        self.error_msg = error_msg
        self.request_id = request_id
        self.hint = hint
        super().__init__(method, path, status, error_code, error_msg, request_id)

    def __str__(self) -> str:
        detail = " ".join(part for part in (self.error_code, self.error_msg) if part) or "no error details in the body"
        request_id = " (X-Request-Id: %s)" % self.request_id if self.request_id else ""
        hint = token_hint(self.status, self.error_code, self.error_msg) or self.hint or _HINTS.get(self.status, "")
        return "DMS API %s %s failed with HTTP %d: %s%s%s" % (self.method, self.path, self.status, detail, request_id, hint)

    @property
    def transient(self) -> bool:
        return self.status in TRANSIENT_STATUSES

    @property
    def not_found(self) -> bool:
        return self.status == 404

    def as_dict(self) -> dict[str, Any]:
        return {"status": self.status, "error_code": self.error_code, "error_msg": self.error_msg, "request_id": self.request_id}


_HINTS = {
    401: ". Check access_key/secret_key (or the token) and that this machine's clock is right; the gateway"
         " locks an access key for 5 minutes after 5 bad signatures in a row.",
    407: ". HTTP 407 comes from the HTTP proxy (HTTPS_PROXY/HTTP_PROXY), not from the API: the proxy wants credentials"
         " (user:password in the proxy URL) or must allow this host; or bypass it for this host with NO_PROXY.",
    429: ". The API gateway is throttling this account; raise 'retries' or 'wait_sleep'.",
}


# What the gateway says about a bad token (shared/dms-api.md §2.2): APIGW.0301 texts and DMS's 102401xx codes.
_EXPIRED_TOKEN_TEXTS = ("token expires", "token expired", "decrypt token fail", "invalid token")
_EXPIRED_TOKEN_CODES = ("DMS.10240101", "DMS.10240102", "10240101", "10240102")
_TOKEN_PROJECT_CODES = ("DMS.10240104", "10240104")


def token_hint(status: int, error_code: Optional[str], error_msg: Optional[str]) -> str:
    """A fix for a 401 caused by the IAM token; empty for any other error."""
    if status != 401:
        return ""
    text = (error_msg or "").lower()
    if error_code in _TOKEN_PROJECT_CODES:
        return (". The IAM token is scoped to another project than project_id: get a token for this project"
                " (or leave project_id unset so it is looked up for the region).")
    if error_code in _EXPIRED_TOKEN_CODES or any(part in text for part in _EXPIRED_TOKEN_TEXTS):
        return (". The IAM token has expired or is invalid (tokens last 24 hours and die when the user's password or keys change):"
                " get a new one with POST /v3/auth/tokens and set auth_token (HW_AUTH_TOKEN) again, or give user_name,"
                " password and domain_name so the module gets a fresh token on every run.")
    return ""


class DmsResponseError(DmsError):
    """The API answered 2xx with a body this module cannot use."""


class DmsTransportError(DmsError):
    """No usable answer: connection refused or dropped, timed out, TLS failure, or retries used up."""


def is_transient(error: DmsError) -> bool:
    """Whether asking again later may succeed: a transient HTTP status, or no answer at all."""
    if isinstance(error, DmsApiError):
        return error.transient
    return isinstance(error, DmsTransportError)


class TaskNotFoundError(DmsError):
    """The task (or instance) does not exist."""
