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


class DmsFailure(DmsError):
    """The one failure that carries a partial result: ``result`` is merged into the failed module result.

    An action raises it when it has something to report beside the message (``changed`` after a change was sent,
    the ``task`` or ``status`` seen, ``elapsed``); the module base's one failure path merges it.
    """

    def __init__(self, message: str, result: Optional[dict[str, Any]] = None) -> None:
        self.result: dict[str, Any] = dict(result or {})
        super().__init__(message)


class ConfigurationError(DmsError):
    """An option is missing or malformed; the message names it and the fix."""


class DmsApiError(DmsError):
    """The API (DMS, IAM or their gateway) answered with an HTTP error status.

    ``hint`` is the fix a caller that knows the call adds (for example the permission a DMS task call needs);
    ``str()`` is built when read, so a caller can add it and re-raise the same error.
    """

    def __init__(
        self,
        method: str,
        path: str,
        status: int,
        error_code: Optional[str],
        error_msg: Optional[str],
        request_id: Optional[str],
        hint: str = "",
        service: str = "DMS",
    ) -> None:
        self.service = service
        self.method = method
        self.path = path
        self.status = status
        self.error_code = error_code
        self.error_msg = error_msg
        self.request_id = request_id
        self.hint = hint
        super().__init__(method, path, status, error_code, error_msg, request_id)

    def __str__(self) -> str:
        summary, dump = _split_dump(self.error_msg)
        detail = " ".join(part for part in (self.error_code, summary) if part) or "no error details in the body"
        request_id = " (X-Request-Id: %s)" % self.request_id if self.request_id else ""
        hint = (
            lockout_hint(self.status, self.error_msg)
            or token_hint(self.status, self.error_code, self.error_msg)
            or self.hint
            or _HINTS.get(self.status, "")
        )
        # The gateway's canonical-request echo comes last and short: the advice must not drown under it.
        tail = " The gateway's echo of what it signed (compare with -vvv): %s" % dump if dump else ""
        return "%s API %s %s failed with HTTP %d: %s%s%s%s" % (
            self.service,
            self.method,
            self.path,
            self.status,
            detail,
            request_id,
            hint,
            tail,
        )

    @property
    def transient(self) -> bool:
        return self.status in TRANSIENT_STATUSES

    @property
    def not_found(self) -> bool:
        return self.status == 404

    def as_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "error_code": self.error_code,
            "error_msg": self.error_msg,
            "request_id": self.request_id,
        }


_HINTS = {
    401: ". Check access_key/secret_key (or the token) and that this machine's clock is right; the gateway"
    " locks an access key for 5 minutes after 5 bad signatures in a row.",
    407: ". HTTP 407 comes from the HTTP proxy (HTTPS_PROXY/HTTP_PROXY), not from the API: the proxy wants credentials"
    " (user:password in the proxy URL) or must allow this host; or bypass it for this host with NO_PROXY.",
    429: ". The API gateway is throttling this account; raise 'retries' or 'wait_sleep'.",
}


# The gateway's answer once an access key has failed signature checks 5 times in a row.
_LOCKOUT_TEXT = "ak access failed to reach the limit"
# Where the gateway starts echoing its canonical request in a signature-mismatch message, and how much of it to show.
_DUMP_MARKER = "canonicalrequest"
DUMP_SHOWN = 160


def lockout_hint(status: int, error_msg: Optional[str]) -> str:
    """The fix for a locked access key; empty for any other error."""
    if status not in (401, 403) or _LOCKOUT_TEXT not in (error_msg or "").lower():
        return ""
    return (
        ". The API gateway has locked this access key for 5 minutes after 5 failed signature checks in a row"
        " ('AK access failed to reach the limit'). Wait 5 minutes, then run once: the key may be right now (a"
        " corrected secret_key is refused too while the lock lasts), and every failed run restarts the lock."
    )


def _split_dump(error_msg: Optional[str]) -> tuple[Optional[str], str]:
    """The message up to the gateway's canonical-request echo, and that echo cut to DUMP_SHOWN characters."""
    if not error_msg:
        return error_msg, ""
    at = error_msg.lower().find(_DUMP_MARKER)
    if at < 0:
        return error_msg, ""
    summary = error_msg[:at].rstrip(" ,;:")
    dump = error_msg[at:]
    return summary, dump if len(dump) <= DUMP_SHOWN else dump[:DUMP_SHOWN] + "... (cut)"


# What the gateway says about a bad token: APIGW.0301 texts and DMS's 102401xx codes.
_EXPIRED_TOKEN_TEXTS = ("token expires", "token expired", "decrypt token fail", "invalid token")
_EXPIRED_TOKEN_CODES = ("DMS.10240101", "DMS.10240102", "10240101", "10240102")
_TOKEN_PROJECT_CODES = ("DMS.10240104", "10240104")


def token_hint(status: int, error_code: Optional[str], error_msg: Optional[str]) -> str:
    """A fix for a 401 caused by the IAM token; empty for any other error."""
    if status != 401:
        return ""
    text = (error_msg or "").lower()
    if error_code in _TOKEN_PROJECT_CODES:
        return (
            ". The IAM token is scoped to another project than project_id: get a token for this project"
            " (or leave project_id unset so it is looked up for the region)."
        )
    if error_code in _EXPIRED_TOKEN_CODES or any(part in text for part in _EXPIRED_TOKEN_TEXTS):
        return (
            ". The IAM token has expired or is invalid (tokens last 24 hours and die when the user's password or keys change):"
            " get a new one with POST /v3/auth/tokens and set auth_token (HW_AUTH_TOKEN) again, or give user_name,"
            " password and domain_name so the module gets a fresh token on every run."
        )
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
    """The task does not exist (yet: a wait keeps reading it for a short grace period)."""


class InstanceNotFoundError(TaskNotFoundError):
    """The instance does not exist in the project. A TaskNotFoundError for callers that only care that nothing was
    found, but a wait ends on it at once: unlike a task that is about to appear, an unknown instance stays unknown."""


# DMS's answer for an instance id it does not know, told apart from a missing task.
INSTANCE_NOT_FOUND_CODES = ("DMS.00404022",)


def is_instance_not_found(error: DmsApiError) -> bool:
    text = (error.error_msg or "").lower()
    return error.status == 404 and (error.error_code in INSTANCE_NOT_FOUND_CODES or "instance does not exist" in text)
