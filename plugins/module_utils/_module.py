# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.dms contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""DmsModule: the AnsibleModule wrapper every hwcloud.dms module uses (the only module_utils file importing Ansible).

A module's main() is its argument spec, ``DmsModule(spec, failure_result=..., supports_check_mode=True)``,
one ``module.run(action)`` and ``exit_json``. ``run`` binds the environment to the shared options the task
left unset, builds one HTTP client, exchanges a password for a token and looks up the project id (IAM),
calls ``action(DmsContext)``, always closes the client, and turns any DmsError into the one ``fail_json``
(with the partial result the error carries, if any).
"""

from __future__ import annotations

import time
from typing import Any, Callable, NoReturn, Optional, TypeVar

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ._auth import Unsigned
from ._context import DmsContext
from ._endpoints import URL_OPTIONS, may_hold_user_info
from ._errors import DmsError
from ._http import HAS_REQUESTS, REQUESTS_IMPORT_ERROR, RETRY_AFTER_BUDGET, DmsHttpClient, RunLimits
from ._iam import resolve_auth_and_project
from ._progress_feed import start_progress_feed
from ._redact import Redactor
from ._settings import SECRET_OPTIONS, SHARED_ARGUMENT_SPEC, bind_environment, connection_settings

T = TypeVar("T")


class DmsModule:
    """AnsibleModule wrapper every hwcloud.dms module uses."""

    def __init__(
        self, argument_spec: dict[str, Any], failure_result: Optional[dict[str, Any]] = None, **kwargs: Any
    ) -> None:
        self.started = time.monotonic()
        spec = dict(argument_spec)
        overlap = set(spec) & set(SHARED_ARGUMENT_SPEC)
        if overlap:
            raise ValueError("argument_spec redefines the shared options %s" % ", ".join(sorted(overlap)))
        spec.update(SHARED_ARGUMENT_SPEC)
        self.module = AnsibleModule(argument_spec=spec, **kwargs)
        # The one redaction gate: everything this module prints passes through it (see _redact.py).
        self.redact = Redactor(self.params.get(name) for name in SECRET_OPTIONS)
        self._deadline_given = False
        self.failure_result: dict[str, Any] = dict(changed=False, **(failure_result or {}))
        if not HAS_REQUESTS:
            self.fail_json(msg=missing_required_lib("requests"), exception=str(REQUESTS_IMPORT_ERROR))

    @property
    def params(self) -> dict[str, Any]:
        return self.module.params

    @property
    def check_mode(self) -> bool:
        return bool(self.module.check_mode)

    @property
    def diff_mode(self) -> bool:
        return bool(self.module._diff)  # pylint: disable=protected-access  # AnsibleModule's only spelling of --diff

    def warn(self, message: str) -> None:
        self.module.warn(self.redact(message) or "")

    def validate(self, parse: Callable[[dict[str, Any]], T]) -> T:
        """``parse(params)``, failing the module on a DmsError: checks a module's own options before any request."""
        try:
            return parse(self.params)
        except DmsError as err:
            self._fail(err)
        except Exception as err:  # pylint: disable=broad-exception-caught
            self._unexpected(err)

    def run(self, action: Callable[[DmsContext], dict[str, Any]], timeout: Optional[float] = None) -> dict[str, Any]:
        """Settings, client, IAM, then ``action(context)``; the client is always closed; a DmsError fails the module.

        One deadline covers it all, IAM included, counted from the module's start: ``timeout`` seconds (a wait's
        wait_timeout), else request_timeout x (retries + 1) + the Retry-After budget (docs/reliability.md).
        """
        client: Optional[DmsHttpClient] = None
        try:
            bound = bind_environment(self.params)
            for option, _variable in bound.from_environment.items():
                value = bound.values.get(option)
                if SHARED_ARGUMENT_SPEC[option].get("no_log") and isinstance(value, str) and value:
                    # Ansible masks the no_log values it filled in itself; these it never saw.
                    self.module.no_log_values.add(value)
                    self.redact.add(value)
            for option in URL_OPTIONS:
                value = bound.values.get(option)
                if isinstance(value, str) and may_hold_user_info(value):
                    # Refused below, but Ansible would still print it in the invocation (-v): mask it like a no_log value.
                    self.module.no_log_values.add(value)
                    self.redact.add(value)
            settings = connection_settings(bound.values, explicit=bound.from_task, sources=bound.from_environment)
            for warning in settings.warnings:
                self.warn(warning)
            if timeout is None:
                timeout = settings.request_timeout * (settings.retries + 1) + RETRY_AFTER_BUDGET
            else:
                self._deadline_given = True
                start_progress_feed(self.redact, timeout)
            client = DmsHttpClient(
                settings.base_url,
                Unsigned(),
                None,
                request_timeout=settings.request_timeout,
                retries=settings.retries,
                verify=settings.verify,
                origin=settings.endpoint_origin,
                redact=self.redact,
                limits=RunLimits(deadline=self.started + timeout),
            )
            # A password is exchanged for a token, and a missing project_id looked up, before the first DMS call.
            settings = resolve_auth_and_project(settings, client)
            context = DmsContext(
                client=client.derive(auth=settings.auth, project_id=settings.project_id),
                project_id=settings.project_id or "",
                check_mode=self.check_mode,
                diff_mode=self.diff_mode,
                warn=self.warn,
                started=self.started,
            )
            result = action(context)
            self._warn_clock(client)
            return result
        except DmsError as err:
            self._warn_clock(client)
            self._fail(err)
        except Exception as err:  # pylint: disable=broad-exception-caught
            self._unexpected(err)
        finally:
            if client is not None:
                client.close()

    def _warn_clock(self, client: Optional[DmsHttpClient]) -> None:
        """One warning per run when the DMS API's clock is more than a few seconds off this host's (issue 17)."""
        if client is None:
            return
        warning = client.server_clock.skew_warning()
        if warning:
            self.warn(warning)

    def _unexpected(self, err: Exception) -> NoReturn:
        # A bug, or an answer no check foresaw: still one clear line (redacted), never a traceback that could quote a secret.
        self.fail_json(
            msg="Unexpected %s in hwcloud.dms (please report it): %s"
            % (type(err).__name__, " ".join(str(err).split())[:300]),
            **self._elapsed(),
        )

    def _elapsed(self) -> dict[str, Any]:
        """For a failure before the action had a result: the time spent so far, when this run had a wait's deadline."""
        if self._deadline_given and "elapsed" in self.failure_result:
            return {"elapsed": round(time.monotonic() - self.started, 3)}
        return {}

    def _fail(self, err: DmsError) -> NoReturn:
        result = dict(self.failure_result)
        carried = getattr(err, "result", None)
        result.update(carried if carried else self._elapsed())
        self.fail_json(msg=str(err), **result)

    def exit_json(self, **result: Any) -> NoReturn:
        self.module.exit_json(**self.redact.data(result))

    def fail_json(self, msg: str, **result: Any) -> NoReturn:
        merged = dict(self.failure_result)
        merged.update(result)
        self.module.fail_json(msg=self.redact(msg) or "", **self.redact.data(merged))
