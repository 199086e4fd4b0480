# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.dms contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The action plugin the three waiting modules share: run the module where Ansible runs it, print "still waiting".

A module cannot print while it runs. When a task will wait (and progress_interval is not 0, the task has no
``async`` and the target is POSIX), this plugin starts the module as Ansible's own async job on the task's host
(``_execute_module(wrap_async=True)``, so localhost, ``delegate_to`` and remote hosts all work as before), hands it
the path of a small status file in ``HWCLOUD_DMS_PROGRESS_FILE``, and polls with one shell command that waits on the
target until the job ends or a line is due (``_progress_lines.poll_command``). When the job file holds the module's
result, the plugin removes both files and returns that result as ``_execute_module`` would have (same parsing,
internal keys removed). Every other task runs the module the normal way, at no extra cost.
"""

from __future__ import annotations

import inspect
import secrets
import time
from typing import Any, Optional

from ansible.module_utils.common.text.converters import to_text
from ansible.module_utils.parsing.convert_bool import boolean
from ansible.plugins.action import ActionBase
from ansible.utils.display import Display
from ansible.utils.vars import merge_hash
from ansible.vars.clean import remove_internal_keys

from ansible_collections.hwcloud.dms.plugins.module_utils._numbers import int_or_none
from ansible_collections.hwcloud.dms.plugins.module_utils._poll import DEFAULT_PROGRESS_INTERVAL
from ansible_collections.hwcloud.dms.plugins.plugin_utils._progress_lines import (
    ProgressPacer,
    cleanup_command,
    ending,
    job_finished,
    parse_observation,
    poll_command,
    poll_tick,
    progress_line,
    split_poll_output,
    status_key,
)

display = Display()

ENVIRONMENT_VARIABLE = "HWCLOUD_DMS_PROGRESS_FILE"  # the module side reads it in module_utils/_progress_feed.py
# The async job's own time limit beyond wait_timeout: the module's deadline ends it first (its deadline covers the
# whole run); this only stops a module that hangs outside any wait.
JOB_LIMIT_MARGIN = 120
# Keys the async wrapper adds to a module's result that a normal run does not have.
WRAPPER_KEYS = ("stderr", "ansible_job_id")


class DmsProgressAction(ActionBase):
    """Subclasses name the module's wait option and its defaults."""

    _supports_check_mode = True
    _supports_async = True

    WAIT_OPTION = "wait_for"
    WAIT_ALIASES: tuple[str, ...] = ("wait",)
    WAIT_DEFAULT = False
    DEFAULT_TIMEOUT = 600
    WAITS_IN_CHECK_MODE = False  # dms_task_info reads (and waits) in check mode; the others send no change there

    def run(self, tmp: Any = None, task_vars: Optional[dict[str, Any]] = None) -> dict[str, Any]:
        result = super().run(tmp, task_vars)
        del tmp  # no effect any more (as in Ansible's own normal action)
        args = self._task.args
        interval = int_or_none(args.get("progress_interval", DEFAULT_PROGRESS_INTERVAL))
        if interval is not None and interval < 0:
            result.update(
                failed=True,
                msg="Option 'progress_interval' must be 0 (no progress lines) or a number of seconds, got %s."
                % interval,
            )
            return result
        if not self._shows_progress(interval):
            return self._run_normally(result, task_vars)
        return merge_hash(result, self._run_with_progress(interval or 0, task_vars or {}))

    def _shows_progress(self, interval: Optional[int]) -> bool:
        # No line can come before the module's own deadline ends it when wait_timeout <= progress_interval.
        timeout = int_or_none(self._option("wait_timeout")) or self.DEFAULT_TIMEOUT
        wait = self._option(self.WAIT_OPTION, self.WAIT_ALIASES)
        return bool(
            interval
            and timeout > interval
            and not self._task.async_val
            and (self.WAIT_DEFAULT if wait is None else boolean(wait, strict=False))
            and (self.WAITS_IN_CHECK_MODE or not self._task.check_mode)
            and getattr(self._connection._shell, "SHELL_FAMILY", "sh") != "powershell"
            and not self._connection.always_pipeline_modules
            and not self._connection.has_native_async
        )

    def _option(self, name: str, aliases: tuple[str, ...] = ()) -> Any:
        for key in (name,) + aliases:
            if self._task.args.get(key) is not None:
                return self._task.args[key]
        return None

    def _run_normally(self, result: dict[str, Any], task_vars: Optional[dict[str, Any]]) -> dict[str, Any]:
        wrap_async = self._task.async_val and not self._connection.has_native_async
        result = merge_hash(result, self._execute_module(task_vars=task_vars, wrap_async=wrap_async))
        if not wrap_async:
            self._remove_tmp_path(self._connection._shell.tmpdir)
        return result

    # the module as an async job, and its progress
    def _host(self, task_vars: dict[str, Any]) -> str:
        host = str(task_vars.get("inventory_hostname") or self._play_context.remote_addr or "?")
        delegate = self._task.delegate_to
        return "%s -> %s" % (host, delegate) if delegate and delegate != host else host

    def _run_with_progress(self, interval: int, task_vars: dict[str, Any]) -> dict[str, Any]:
        timeout = int_or_none(self._option("wait_timeout")) or self.DEFAULT_TIMEOUT
        async_dir = self.get_shell_option("async_dir", default="~/.ansible_async")
        if async_dir.startswith("~") and not async_dir.startswith("~/"):
            async_dir = self._remote_expand_user(async_dir)  # ~user/...: the shell and Python differ; ask the host
        progress_path = self._connection._shell.join_path(async_dir, "hwcloud-dms-%s.progress" % secrets.token_hex(8))
        environment = self._task.environment if isinstance(self._task.environment, list) else []
        self._task.environment = environment
        environment.append({ENVIRONMENT_VARIABLE: progress_path})
        self._task.async_val = timeout + JOB_LIMIT_MARGIN
        try:
            started = time.monotonic()
            launched = self._execute_module(task_vars=task_vars, wrap_async=True)
        finally:
            # The task object goes back to the executor: it must not look like an async task (it would poll it).
            self._task.async_val = 0
            environment.pop()
        job_path = launched.get("results_file")
        if launched.get("failed") or not job_path:
            return launched  # the job did not start: the wrapper's own failure, as with async
        removed = False
        job_text = ""
        try:
            job_text, removed = self._watch(job_path, progress_path, interval, started, timeout, task_vars)
        finally:
            if not removed:
                self._low_level_execute_command(cleanup_command(job_path, progress_path, progress_path + ".tmp"))
        return self._module_result(job_text, launched)

    def _watch(
        self,
        job_path: str,
        progress_path: str,
        interval: int,
        started: float,
        timeout: int,
        task_vars: dict[str, Any],
    ) -> tuple[str, bool]:
        """Poll until the job ends (or its limit passed); (the job file's last text, whether the poll removed it)."""
        pacer = ProgressPacer(interval)
        host = self._host(task_vars)
        module = self._task.resolved_action or self._task.action
        details = not self._task.no_log
        instance_id = self._task.args.get("instance_id")
        give_up = started + timeout + JOB_LIMIT_MARGIN + 30
        while True:
            elapsed = time.monotonic() - started
            command = poll_command(job_path, progress_path, pacer.poll_seconds(elapsed), poll_tick(elapsed))
            res = self._low_level_execute_command(command)
            job_text, progress_text, removed = split_poll_output(
                to_text(res.get("stdout", ""), errors="surrogate_or_strict")
            )
            if job_finished(job_text) or time.monotonic() > give_up:
                return job_text, removed
            observed = parse_observation(progress_text)
            elapsed = time.monotonic() - started
            if not ending(observed) and pacer.due(elapsed, status_key(observed)):
                display.display(
                    progress_line(
                        host,
                        module,
                        elapsed,
                        timeout,
                        observed,
                        instance_id if isinstance(instance_id, str) else None,
                        details=details,
                    )
                )

    def _module_result(self, job_text: str, launched: dict[str, Any]) -> dict[str, Any]:
        """The module's result from the job file, parsed as a normal run parses the module's output."""
        if not job_finished(job_text):
            return dict(
                failed=True,
                msg="The module did not finish within wait_timeout + %d s and left no result; it was started as"
                " async job %s on this host." % (JOB_LIMIT_MARGIN, launched.get("ansible_job_id")),
            )
        data = self._parse(job_text)
        wrapped = data.get("data") if isinstance(data.get("data"), str) and "cmd" in data else None
        if data.get("failed") and wrapped is not None:
            # The wrapper could not decode the module's output: decode it as a normal run would, for the same failure.
            data = self._parse(wrapped, stderr=data.get("stderr") or "")
        for key in WRAPPER_KEYS:
            data.pop(key, None)
        remove_internal_keys(data)
        if launched.get("ansible_facts"):
            data.setdefault("ansible_facts", {}).update(launched["ansible_facts"])  # interpreter discovery
        return data

    def _parse(self, stdout: str, stderr: str = "") -> dict[str, Any]:
        res = {"stdout": stdout, "stderr": stderr, "rc": 0}
        # ansible-core 2.19 takes the module's serialization profile; 2.16 to 2.18 take the output only.
        if len(inspect.signature(self._parse_returned_data).parameters) > 1:
            return self._parse_returned_data(res, "legacy")  # pylint: disable=too-many-function-args
        return self._parse_returned_data(res)  # pylint: disable=no-value-for-parameter
