# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.dms contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What dms_request does, without Ansible: check the options, send one signed DMS call, wait for its job.

Safety first: ``path`` is checked before anything is sent, so no input can reach another host, climb out of the
API with ``..`` (plain, percent-encoded, double-encoded) or smuggle a query, fragment or header into the request.
"""

from __future__ import annotations

import re
import time
from typing import Any, Callable, Optional
from urllib.parse import quote, unquote, urlsplit, urlunsplit

from ._errors import ConfigurationError, DmsApiError, DmsError, DmsFailure, DmsTransportError
from ._http import IDEMPOTENT_METHODS
from ._ids import is_id, validate_id
from ._signer import canonical_query
from ._task_query import QueryOptions, TaskQuery
from ._tasks import DmsTaskApi

METHODS = ("GET", "POST", "PUT", "DELETE", "PATCH")
PLACEHOLDERS = ("project_id", "instance_id")
MAX_PATH_LENGTH = 2048
# A value decoded this many times and still changing is an attack or garbage, not an API path.
MAX_DECODE_ROUNDS = 5
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
# Printable ASCII only; a space, a control character or a non-ASCII letter must be percent-encoded by the user.
_PRINTABLE = re.compile(r"^[\x21-\x7e]*$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _unsafe(path: str, why: str, fix: str) -> ConfigurationError:
    return ConfigurationError("Option 'path' %s (got %r). %s" % (why, path[:120], fix))


def check_path(path: Any) -> str:
    """The path unchanged if it is a safe DMS API path (placeholders not yet filled); else ConfigurationError."""
    if not isinstance(path, str) or not path:
        raise ConfigurationError(
            "Option 'path' is required: the DMS API path, e.g. /v2/{project_id}/instances/{instance_id}/tasks."
        )
    if len(path) > MAX_PATH_LENGTH:
        raise _unsafe(path, "is longer than %d characters" % MAX_PATH_LENGTH, "Shorten it.")
    if _CONTROL.search(path):
        raise _unsafe(path, "contains a control character", "Remove it.")
    if not _PRINTABLE.match(path):
        raise _unsafe(path, "contains a space or a non-ASCII character", "Percent-encode it (a space is %20).")
    if "://" in path or re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", path):
        raise _unsafe(path, "is an absolute URL", "Give only the path; the host comes from 'endpoint' or 'region'.")
    if not path.startswith("/"):
        raise _unsafe(path, "must begin with '/'", "Write it as the API reference does, e.g. /v2/{project_id}/...")
    if "?" in path or "#" in path:
        raise _unsafe(path, "contains '?' or '#'", "Put query parameters in 'query' (a dictionary).")
    if _PERCENT.search(path):
        raise _unsafe(path, "has a '%' that is not followed by two hex digits", "Encode a literal '%' as %25.")
    decoded = path
    for _round in range(MAX_DECODE_ROUNDS):
        step = unquote(decoded)
        if step == decoded:
            break
        decoded = step
    else:
        raise _unsafe(
            path, "is percent-encoded more than %d times over" % MAX_DECODE_ROUNDS, "Send the path encoded once."
        )
    if "\\" in decoded:
        raise _unsafe(path, "contains a backslash (or an encoded one)", "Use '/' between segments.")
    if _CONTROL.search(decoded):
        raise _unsafe(path, "contains an encoded control character", "Remove it.")
    # A literal '//' anywhere, or an encoded one that opens the path, could be read as '//host'. An encoded '/' inside
    # the path stays allowed: RabbitMQ's default vhost '/' is addressed as .../vhosts/%2F/... (SDK 3.1.219).
    if "//" in path or decoded.startswith("//"):
        raise _unsafe(path, "contains an empty segment ('//')", "A '//' could name another host; remove the extra '/'.")
    for segment in decoded.split("/"):
        if segment in (".", ".."):
            raise _unsafe(
                path,
                "contains a '.' or '..' segment (also when percent-encoded)",
                "Write the path without relative segments.",
            )
    if re.match(r"^/v3(/|$)", decoded, re.IGNORECASE):
        # /v3/ is IAM's API (tokens, projects), not DMS's: no DMS operation lives there (SDK 3.1.219 uses /v1, /v1.0
        # and /v2 only), and sending it to iam_endpoint would give this module a second host to reach.
        raise _unsafe(
            path,
            "is an IAM path (/v3/...), not a DMS API path",
            "dms_request calls only the DMS endpoint; project lookup and tokens are done by the module itself.",
        )
    for name in _PLACEHOLDER.findall(path):
        if name not in PLACEHOLDERS:
            raise _unsafe(
                path,
                "has the placeholder {%s}, which the module cannot fill" % name,
                "Only {project_id} and {instance_id} are filled in; write other values into the path.",
            )
    if "{" in _PLACEHOLDER.sub("", path) or "}" in _PLACEHOLDER.sub("", path):
        raise _unsafe(path, "has an unbalanced '{' or '}'", "Placeholders are written {project_id} and {instance_id}.")
    return path


def fill_path(path: str, project_id: Optional[str], instance_id: Optional[str]) -> str:
    """Replace {project_id} and {instance_id} with the validated, quoted ids."""
    if "{instance_id}" in path and not instance_id:
        raise ConfigurationError(
            "Option 'path' contains {instance_id}: set 'instance_id' to the ID of the DMS instance."
        )
    if "{project_id}" in path:
        if not project_id:
            raise ConfigurationError(
                "Option 'path' contains {project_id} but no project ID is known: set 'project_id'"
                " (HW_PROJECT_ID) or 'region' so it can be looked up."
            )
        path = path.replace("{project_id}", quote(validate_id(project_id, "project_id") or "", safe=""))
    if instance_id:
        path = path.replace("{instance_id}", quote(instance_id, safe=""))
    return path


def _query_value(key: str, value: Any) -> str:
    # Huawei's SDK sends booleans as 'true'/'false' and everything else with str() (huaweicloudsdkcore signer/client).
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        return str(value)
    raise ConfigurationError(
        "Option 'query' key %r has a value of type %s; use a string, number, boolean or a list of them."
        % (key, type(value).__name__)
    )


def query_pairs(query: Any) -> list[tuple[str, str]]:
    """A query dictionary as (key, value) pairs: a list repeats its key, None leaves the key out (as the SDK does)."""
    if query is None:
        return []
    if not isinstance(query, dict):
        raise ConfigurationError(
            "Option 'query' must be a dictionary of parameter names to values, got %s." % type(query).__name__
        )
    pairs: list[tuple[str, str]] = []
    for key, value in query.items():
        if not isinstance(key, str) or not key:
            raise ConfigurationError("Option 'query' has an empty or non-string key %r." % (key,))
        if value is None:
            continue
        if isinstance(value, (list, tuple)):
            pairs.extend((key, _query_value(key, item)) for item in value if item is not None)
        else:
            pairs.append((key, _query_value(key, value)))
    return pairs


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
        self.body = body
        self.status_codes = _status_codes(params.get("status_code"))
        self.wait_for = bool(params.get("wait_for"))
        self.fail_on_task_failure = params.get("fail_on_task_failure") is not False
        self.wait_params = {
            "wait_for": True,
            "wait_timeout": params.get("wait_timeout"),
            "wait_sleep": params.get("wait_sleep"),
            "fail_on_task_failure": self.fail_on_task_failure,
        }
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
            # The wait options are checked now, by dms_task_info's own rules, so a bad one fails before the change.
            QueryOptions.from_params(dict(self.wait_params, instance_id=self.instance_id, task_id="0"))
        if "{instance_id}" in self.path and not self.instance_id:
            # Checked here too (fill_path checks it again), so it fails before the project lookup or any other request.
            raise ConfigurationError(
                "Option 'path' contains {instance_id}: set 'instance_id' to the ID of the DMS instance."
            )

    @property
    def wait_timeout(self) -> Optional[float]:
        """The run's deadline in seconds when waiting (DmsModule.run's ``timeout``); None: the module's bound without a wait."""
        if not self.wait_for:
            return None
        timeout = self.wait_params["wait_timeout"]
        return float(QueryOptions.wait_timeout if timeout is None else timeout)

    @property
    def idempotent(self) -> bool:
        return self.method in IDEMPOTENT_METHODS

    @property
    def changes(self) -> bool:
        return self.method != "GET"


def find_jobs(data: Any, default_instance: Optional[str]) -> list[tuple[str, Optional[str]]]:
    """(job_id, instance_id) pairs of an answer: top-level job_id, else those in results[] or jobs[] (SDK 3.1.219
    models: most calls answer {"job_id"}; the recycle-bin restore answers results[] of {instance_id, job_id})."""
    if not isinstance(data, dict):
        return []
    if isinstance(data.get("job_id"), str) and data["job_id"]:
        return [(data["job_id"], default_instance)]
    found: list[tuple[str, Optional[str]]] = []
    for key in ("results", "jobs"):
        items = data.get(key)
        if not isinstance(items, list):
            continue
        for item in items:
            if isinstance(item, dict) and isinstance(item.get("job_id"), str) and item["job_id"]:
                instance = item.get("instance_id")
                found.append((item["job_id"], instance if isinstance(instance, str) and instance else default_instance))
    return found


def _header(headers: dict[str, str], name: str) -> Optional[str]:
    wanted = name.lower()
    return next((value for key, value in headers.items() if key.lower() == wanted), None)


def display_url(base_url: str, path: str, query: list[tuple[str, str]]) -> str:
    """The URL as sent, without any user:password an endpoint might carry."""
    parts = urlsplit(base_url.rstrip("/") + path)
    netloc = parts.hostname or ""
    if ":" in netloc:
        netloc = "[%s]" % netloc
    if parts.port:
        netloc += ":%d" % parts.port
    return urlunsplit((parts.scheme, netloc, parts.path, canonical_query(query), ""))


class DmsRequest:
    """One dms_request run: ``context`` has client, project_id, check_mode, warn and started (the module's DmsContext)."""

    def __init__(
        self,
        options: RequestOptions,
        context: Any,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.options = options
        self.context = context
        self.clock = clock
        self.sleep = sleep

    def _elapsed(self) -> float:
        started = getattr(self.context, "started", None)
        return round(self.clock() - started, 3) if started is not None else 0.0

    def run(self) -> dict[str, Any]:
        options = self.options
        client = self.context.client
        path = fill_path(options.path, self.context.project_id, options.instance_id)
        if self.context.check_mode and options.changes:
            # Nothing is sent: say what would have been.
            return {
                "changed": True,
                "status": None,
                "json": None,
                "request_id": None,
                "elapsed": self._elapsed(),
                "request": {
                    "method": options.method,
                    "url": display_url(client.base_url, path, options.query),
                    "body": options.body,
                },
            }
        result: dict[str, Any] = {"changed": False, "status": None, "json": None, "request_id": None}
        try:
            response = client.request(
                options.method, path, options.query, body=options.body, idempotent=options.idempotent
            )
        except DmsApiError as err:
            if options.status_codes is not None and err.status in options.status_codes:
                # An error status the user expects (e.g. 404 to test for absence): a success with the API's error fields.
                result.update(
                    status=err.status,
                    request_id=err.request_id,
                    elapsed=self._elapsed(),
                    json={"error_code": err.error_code, "error_msg": err.error_msg},
                )
                return result
            raise DmsFailure(
                str(err) + self._not_retried(err),
                dict(result, status=err.status, request_id=err.request_id, elapsed=self._elapsed()),
            ) from None
        except DmsTransportError as err:
            raise DmsFailure(str(err) + self._not_retried(err), dict(result, elapsed=self._elapsed())) from None
        result.update(status=response.status, json=response.data, request_id=_header(response.headers, "X-Request-Id"))
        # Before the status check: a job the API started is worth reporting even when the status was not the one expected.
        jobs = find_jobs(response.data, options.instance_id)
        if jobs:
            result["job_id"] = jobs[0][0]
            if len(jobs) > 1:
                result["job_ids"] = [job_id for job_id, _instance in jobs]
        expected = options.status_codes
        if (expected is None and not 200 <= response.status < 300) or (
            expected is not None and response.status not in expected
        ):
            wanted = "any 2xx" if expected is None else ", ".join(str(code) for code in sorted(expected))
            raise DmsFailure(
                "DMS API %s %s answered HTTP %d, not the expected status (%s)%s. Set status_code to accept it."
                % (
                    options.method,
                    path,
                    response.status,
                    wanted,
                    " (X-Request-Id: %s)" % result["request_id"] if result["request_id"] else "",
                ),
                dict(result, changed=options.changes, elapsed=self._elapsed()),
            )
        result["changed"] = options.changes
        if options.wait_for:
            self._wait(path, jobs, result)
        result["elapsed"] = self._elapsed()
        return result

    def _not_retried(self, err: DmsError) -> str:
        if self.options.idempotent:
            return ""
        if isinstance(err, DmsApiError) and err.status < 500:
            return ""
        return (
            " %s is not retried after a server error or a connection lost mid-request, because the change may"
            " already have been made: check the instance (e.g. its tasks with dms_task_info) before running it again."
            % self.options.method
        )

    def _wait(self, path: str, jobs: list[tuple[str, Optional[str]]], result: dict[str, Any]) -> None:
        options = self.options
        if not jobs:
            raise DmsFailure(
                "wait_for is true but the answer of %s %s (HTTP %s) has no job_id (at the top level, in results[] or in"
                " jobs[]), so there is no task to wait for. The request WAS sent and its change may be under way (changed"
                " is true). Remove wait_for for this call, or wait for its task with dms_task_info (by name, latest: true)."
                % (options.method, path, result["status"]),
                dict(result, elapsed=self._elapsed()),
            )
        for job_id, instance_id in jobs:
            if not is_id(job_id) or not is_id(instance_id):
                raise DmsFailure(
                    "The API answered with job_id %r (instance %r), which is not a DMS id; not waiting on it (it would go"
                    " into a URL). The request WAS sent." % (job_id[:80], str(instance_id)[:80]),
                    dict(result, elapsed=self._elapsed()),
                )
        deadline = self.clock() + float(options.wait_params["wait_timeout"] or 600)
        tasks: list[dict[str, Any]] = []
        for job_id, instance_id in jobs:
            remaining = max(int(deadline - self.clock() + 0.999), 1)
            sleep = options.wait_params["wait_sleep"]
            sleep = QueryOptions.wait_sleep if sleep is None else float(sleep)
            # A later job gets what is left of the one wait_timeout; its poll interval shrinks to fit.
            query_options = QueryOptions.from_params(
                dict(
                    options.wait_params,
                    instance_id=instance_id,
                    task_id=job_id,
                    wait_timeout=remaining,
                    wait_sleep=min(sleep, remaining),
                )
            )
            query = TaskQuery(
                query_options,
                DmsTaskApi(self.context.client, self.context.project_id, instance_id),
                warn=self.context.warn,
                clock=self.clock,
                sleep=self.sleep,
            )
            try:
                outcome = query.run()
            except DmsFailure as failure:
                waited = failure.result.get("task")
                failed = dict(result, elapsed=self._elapsed(), tasks=tasks + ([waited] if waited else []))
                if waited:
                    failed["task"] = waited
                raise DmsFailure(str(failure), failed) from None
            tasks.append(outcome["task"])
        result["task"] = tasks[0]
        if len(tasks) > 1:
            result["tasks"] = tasks
