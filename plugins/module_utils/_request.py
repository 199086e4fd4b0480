# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.dms contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""dms_request's action: its options checked before anything is sent, one signed DMS call, the wait for its job(s).

Its options are ``_request_options``'s; where the request may go (the path's safety) is ``_request_path``'s job.
"""

from __future__ import annotations

from typing import Any, Optional

from ._context import DmsContext
from ._errors import DmsApiError, DmsError, DmsFailure, DmsTransportError
from ._http_errors import AnswerLost, AnswerRefused, shown
from ._ids import is_id
from ._request_body import secret_warning
from ._request_options import RequestOptions
from ._request_path import display_url, fill_path
from ._task_query import QueryOptions, TaskRead
from ._tasks import DmsTaskApi


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


class DmsRequest:
    """dms_request's action: send the call (or say, in check mode, what would be sent), then wait for its job(s)."""

    def __init__(self, options: RequestOptions) -> None:
        self.options = options

    def run(self, context: DmsContext) -> dict[str, Any]:
        options = self.options
        if options.secret_keys:
            context.warn(secret_warning(options.secret_keys))
        path = fill_path(options.path, context.project_id, options.instance_id)
        if context.check_mode and options.changes:
            # Nothing is sent: say what would have been.
            return {
                "changed": True,
                "status": None,
                "json": None,
                "request_id": None,
                "elapsed": context.elapsed(),
                "request": {
                    "method": options.method,
                    "url": display_url(context.client.base_url, path, options.query),
                    "body": options.body,
                },
            }
        result: dict[str, Any] = {"changed": False, "status": None, "json": None, "request_id": None}
        try:
            return self._run(context, path, result)
        except DmsFailure as failure:
            raise self._failure(context, str(failure), dict(result, **failure.result)) from None
        except DmsError as err:
            raise self._failure(context, str(err), result) from None
        except Exception as err:  # pylint: disable=broad-exception-caught
            if not context.change.sent:
                raise
            # Once the change went out, even a bug must not hide it: say so, with what was answered.
            raise self._failure(
                context,
                "Internal error after the request was sent (please report it): %s: %s."
                % (type(err).__name__, shown(" ".join(str(err).split()), 300)),
                result,
            ) from None

    def _failure(self, context: DmsContext, message: str, result: dict[str, Any]) -> DmsFailure:
        """Every failure: the real elapsed time, and once the change was sent, changed and a plain note saying so."""
        result = dict(result, elapsed=context.elapsed())
        if context.change.sent:
            result["changed"] = True
            if "request was sent" not in message.lower():
                message += self._sent_note(result.get("status"))
        return DmsFailure(message, result)

    def _sent_note(self, status: Any) -> str:
        answered = " (answered HTTP %s)" % status if status else ""
        return (
            " The request was sent%s: its change may have been made (changed is true). Check the instance (for example"
            " its tasks with hwcloud.dms.dms_task_info) before running it again." % answered
        )

    def _run(self, context: DmsContext, path: str, result: dict[str, Any]) -> dict[str, Any]:
        options = self.options
        try:
            response = context.client.request(
                options.method, path, options.query, body=options.body, idempotent=options.idempotent
            )
        except DmsApiError as err:
            result.update(status=err.status, request_id=err.request_id)
            if options.changes and err.status >= 500:
                context.change.mark()  # a server error may come after the change was made
            if options.status_codes is not None and err.status in options.status_codes:
                # An error status the user expects (e.g. 404 to test for absence): a success with the API's error fields.
                result.update(
                    changed=context.change.sent,
                    elapsed=context.elapsed(),
                    json={"error_code": err.error_code, "error_msg": err.error_msg},
                )
                return result
            raise DmsFailure(str(err) + self._not_retried(err), result) from None
        except AnswerRefused as err:
            # The server answered, so it had the request: a change it carried may have been made.
            result.update(status=err.status, request_id=err.request_id)
            if options.changes:
                context.change.mark()
            raise
        except DmsTransportError as err:
            if isinstance(err, AnswerLost):
                result["status"] = err.status  # the status line of an answer whose body never ended, if any came
                if options.changes:
                    context.change.mark()  # the request went out; its answer was lost
            raise DmsFailure(str(err) + self._not_retried(err), result) from None
        result.update(status=response.status, json=response.data, request_id=response.headers.get("X-Request-Id"))
        if options.changes:
            context.change.mark()  # the change was sent: every later failure reports changed: true
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
                    " (X-Request-Id: %s)" % shown(result["request_id"], 80) if result["request_id"] else "",
                ),
                dict(result, changed=options.changes),
            )
        result["changed"] = options.changes
        if options.wait_for:
            self._wait(context, path, jobs, result)
        result["elapsed"] = context.elapsed()
        return result

    def _not_retried(self, err: DmsError) -> str:
        if self.options.idempotent:
            return ""
        if isinstance(err, DmsApiError) and err.status < 500:
            return ""
        if not isinstance(err, (DmsApiError, AnswerLost)):
            return ""  # the connection was never made: nothing reached DMS
        return (
            " %s is not retried after a server error or a connection lost mid-request, because the change may"
            " already have been made." % self.options.method
        )

    def _wait(
        self, context: DmsContext, path: str, jobs: list[tuple[str, Optional[str]]], result: dict[str, Any]
    ) -> None:
        """Each job in turn, all by the run's one deadline (wait_timeout from the module's start)."""
        options = self.options
        if not jobs:
            raise DmsFailure(
                "wait_for is true but the answer of %s %s (HTTP %s) has no job_id (at the top level, in results[] or in"
                " jobs[]), so there is no task to wait for. The request WAS sent and its change may be under way (changed"
                " is true). Remove wait_for for this call, or wait for its task with dms_task_info (by name, latest: true)."
                % (options.method, path, result["status"]),
                dict(result, elapsed=context.elapsed()),
            )
        for job_id, instance_id in jobs:
            if not is_id(job_id) or not is_id(instance_id):
                raise DmsFailure(
                    "The API answered with job_id %r (instance %r), which is not a DMS id; not waiting on it (it would go"
                    " into a URL). The request WAS sent." % (job_id[:80], str(instance_id)[:80]),
                    dict(result, elapsed=context.elapsed()),
                )
        options.wait.announce(context.warn)
        tasks: list[dict[str, Any]] = []
        for job_id, instance_id in jobs:
            job = QueryOptions(
                instance_id=str(instance_id),
                task_id=job_id,
                wait_for=True,
                wait=options.wait,
                fail_on_task_failure=options.fail_on_task_failure,
            )
            try:
                outcome = TaskRead(job, DmsTaskApi(context.client, context.project_id, job.instance_id), context).run()
            except DmsFailure as failure:
                waited = failure.result.get("task")
                failed = dict(result, elapsed=context.elapsed(), tasks=tasks + ([waited] if waited else []))
                if waited:
                    failed["task"] = waited
                raise DmsFailure(str(failure), failed) from None
            tasks.append(outcome["task"])
        result["task"] = tasks[0]
        if len(tasks) > 1:
            result["tasks"] = tasks
