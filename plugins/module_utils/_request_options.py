# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.dms contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""dms_request's options (``RequestOptions``), all checked before anything is sent."""

from __future__ import annotations

from typing import Any, Optional

from ._errors import ConfigurationError
from ._ids import validate_id
from ._poll import WaitOptions
from ._request_body import check_json_body, secret_like_keys
from ._request_path import check_path, query_pairs
from ._retry import IDEMPOTENT_METHODS

METHODS = ("GET", "POST", "PUT", "DELETE", "PATCH")


def _status_codes(value: Any) -> Optional[frozenset[int]]:
    if value is None or value == []:
        return None
    codes = []
    for item in value if isinstance(value, (list, tuple)) else [value]:
        try:
            code = int(item)
        except (TypeError, ValueError):
            code = 0
        if not 100 <= code <= 599:
            raise ConfigurationError("Option 'status_code' must list HTTP status codes (100-599), got %r." % (item,))
        codes.append(code)
    return frozenset(codes)


class RequestOptions:
    """The options of dms_request, checked before anything is sent."""

    def __init__(self, params: dict[str, Any]) -> None:
        method = str(params.get("method") or "GET").upper()
        if method not in METHODS:
            raise ConfigurationError(
                "Option 'method' must be one of %s, got %r." % (", ".join(METHODS), params.get("method"))
            )
        self.method = method
        self.path = check_path(params.get("path"))
        self.instance_id: Optional[str] = validate_id(params.get("instance_id"), "instance_id")
        self.query = query_pairs(params.get("query"))
        body = params.get("body")
        if body is not None and not isinstance(body, (dict, list)):
            raise ConfigurationError(
                "Option 'body' must be a dictionary or a list (sent as JSON), got %s. For JSON text, use"
                ' body: "{{ text | from_json }}".' % type(body).__name__
            )
        if body is not None and method == "GET":
            raise ConfigurationError(
                "Option 'body' cannot be sent with method GET (the default): set 'method' to the call's"
                " method (POST, PUT, PATCH or DELETE), or use 'query' for GET parameters."
            )
        check_json_body(body)
        self.body = body
        # Keys that look like credentials, for one warning when the task has no no_log (the module base says so).
        self.secret_keys = [] if params.get("_ansible_no_log") else secret_like_keys(body, params.get("query"))
        self.status_codes = _status_codes(params.get("status_code"))
        self.wait_for = bool(params.get("wait_for"))
        self.fail_on_task_failure = params.get("fail_on_task_failure") is not False
        self.wait = WaitOptions()
        if self.wait_for and method == "GET":
            # A GET starts no job; with wait_for it is most likely a change whose 'method: POST' was forgotten.
            raise ConfigurationError(
                "Option 'wait_for' cannot be used with method GET (the default), which starts no job to"
                " wait for: set 'method' to the call's method (e.g. POST), or wait for an existing task"
                " with hwcloud.dms.dms_task_info."
            )
        if self.wait_for:
            if not self.instance_id:
                raise ConfigurationError(
                    "Option 'wait_for' needs 'instance_id': a job is a task of an instance, read at"
                    " /v2/{project_id}/instances/{instance_id}/tasks/{job_id}."
                )
            # Checked now, by the rules of every wait, so a bad one fails before the change.
            self.wait = WaitOptions.from_params(params)
        if "{instance_id}" in self.path and not self.instance_id:
            # Checked here too (fill_path checks it again), so it fails before the project lookup or any other request.
            raise ConfigurationError(
                "Option 'path' contains {instance_id}: set 'instance_id' to the ID of the DMS instance."
            )

    @classmethod
    def from_params(cls, params: dict[str, Any]) -> "RequestOptions":
        return cls(params)

    @property
    def run_timeout(self) -> Optional[float]:
        """The run's deadline in seconds when waiting (wait_timeout); None: the module's bound without a wait."""
        return float(self.wait.timeout) if self.wait_for else None

    @property
    def idempotent(self) -> bool:
        return self.method in IDEMPOTENT_METHODS

    @property
    def changes(self) -> bool:
        return self.method != "GET"
