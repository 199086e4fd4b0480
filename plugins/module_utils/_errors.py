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


class ConfigurationError(DmsError):
    """An option is missing or malformed; the message names it and the fix."""


class DmsApiError(DmsError):
    """The API (DMS or its gateway) answered with an HTTP error status."""

    def __init__(self, method: str, path: str, status: int, error_code: Optional[str], error_msg: Optional[str],
                 request_id: Optional[str]) -> None:
        self.method = method
        self.path = path
        self.status = status
        self.error_code = error_code
        self.error_msg = error_msg
        self.request_id = request_id
        super().__init__(self._message())

    def _message(self) -> str:
        detail = " ".join(part for part in (self.error_code, self.error_msg) if part) or "no error details in the body"
        request_id = " (X-Request-Id: %s)" % self.request_id if self.request_id else ""
        hint = _HINTS.get(self.status, "")
        return "DMS API %s %s failed with HTTP %d: %s%s%s" % (self.method, self.path, self.status, detail, request_id, hint)

    @property
    def not_found(self) -> bool:
        return self.status == 404

    def as_dict(self) -> dict[str, Any]:
        return {"status": self.status, "error_code": self.error_code, "error_msg": self.error_msg, "request_id": self.request_id}


_HINTS = {
    401: ". Check access_key/secret_key (or the token) and that this machine's clock is right; the gateway"
         " locks an access key for 5 minutes after 5 bad signatures in a row.",
    403: ". The credentials lack permission dms:instance:getBackgroundTask on this project.",
    429: ". The API gateway is throttling this account; raise 'retries' or 'wait_sleep'.",
}


class DmsResponseError(DmsError):
    """The API answered 2xx with a body this module cannot use."""


class DmsTransportError(DmsError):
    """No usable answer: connection refused or dropped, timed out, TLS failure, or retries used up."""


class TaskNotFoundError(DmsError):
    """The task (or instance) does not exist."""
