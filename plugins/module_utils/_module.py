# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.dms contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""DmsModule: the AnsibleModule wrapper every hwcloud.dms module uses (the only module_utils file importing Ansible).

A module's main() is its argument spec and one line::

    DmsModule(ARGUMENT_SPEC, failure_result=..., supports_check_mode=True).execute(Options.from_params, Action)

``execute`` parses the module's own options (before any request), binds the environment to the shared options the
task left unset, builds one HTTP client, exchanges a password for a token and looks up the project id (IAM), runs
``Action(options).run(DmsContext)``, always closes the client, and exits. Every DmsError ends in the one failure
path, which merges the partial result a ``DmsFailure`` carries and ``changed: true`` once a change was sent.
"""

from __future__ import annotations

import time
from typing import Any, Callable, NoReturn, Optional, Protocol, TypeVar

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ._auth import Unsigned
from ._context import ChangeRecord, DmsContext
from ._endpoints import URL_OPTIONS, may_hold_user_info
from ._errors import DmsError, DmsFailure
from ._http import HAS_REQUESTS, REQUESTS_IMPORT_ERROR, DmsHttpClient
from ._iam import resolve_auth_and_project
from ._option_specs import SECRET_OPTIONS, SHARED_ARGUMENT_SPEC
from ._progress_feed import start_progress_feed
from ._redact import Redactor
from ._retry import RETRY_AFTER_BUDGET
from ._settings import bind_environment, connection_settings
from ._transport import open_transport

T = TypeVar("T")
OptionsT = TypeVar("OptionsT", bound="ActionOptions")


class ActionOptions(Protocol):
    """A module's parsed options: ``run_timeout`` is the run's deadline in seconds (a wait's wait_timeout), or None
    for the module's bound without a wait (request_timeout x (retries + 1) + the Retry-After budget)."""

    run_timeout: Optional[float]


class Action(Protocol):
    """What a module does, built from its options: ``run(context)`` returns the module result."""

    def run(self, context: DmsContext) -> dict[str, Any]: ...


class DmsModule:
    """AnsibleModule wrapper every hwcloud.dms module uses."""

    # Where the run's HTTP session comes from: None is a plain requests.Session. The transport is replaceable here
    # (a requests.Session with its own adapters mounted) so a module runs end to end without a network.
    session_factory: Optional[Callable[[], Any]] = None

    def __init__(
        self, argument_spec: dict[str, Any], failure_result: Optional[dict[str, Any]] = None, **kwargs: Any
    ) -> None:
        self.clock: Callable[[], float] = time.monotonic
        self.started = self.clock()
        self.change = ChangeRecord()
        spec = dict(argument_spec)
        overlap = set(spec) & set(SHARED_ARGUMENT_SPEC)
        if overlap:
            raise ValueError("argument_spec redefines the shared options %s" % ", ".join(sorted(overlap)))
        spec.update(SHARED_ARGUMENT_SPEC)
        self.module = AnsibleModule(argument_spec=spec, **kwargs)
        # The one redaction gate: everything this module prints passes through it (see _redact.py).
        self.redact = Redactor(self.params.get(name) for name in SECRET_OPTIONS)
        self._running = False  # set once the options are parsed: failures from then on report the time spent
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
        """``parse(params)``, failing the module on a DmsError: checks a module's own options before any request.

        ``_ansible_no_log`` tells a parser whether the task has no_log (Ansible keeps it out of ``params``), so a
        module can warn about values that look secret in a task that prints its arguments."""
        try:
            return parse(dict(self.params, _ansible_no_log=bool(self.module.no_log)))
        except DmsError as err:
            self._fail(err)
        except Exception as err:  # pylint: disable=broad-exception-caught
            self._unexpected(err)

    def execute(self, parse: Callable[[dict[str, Any]], OptionsT], action: Callable[[OptionsT], Action]) -> NoReturn:
        """The whole module: ``parse(params)`` before any request, then ``action(options).run(context)``, then exit."""
        options = self.validate(parse)
        self.exit_json(**self.run(action(options).run, timeout=options.run_timeout))

    def run(self, action: Callable[[DmsContext], dict[str, Any]], timeout: Optional[float] = None) -> dict[str, Any]:
        """Settings, client, IAM, then ``action(context)``; the client is always closed; a DmsError fails the module.

        One deadline covers it all, IAM included, counted from the module's start: ``timeout`` seconds (a wait's
        wait_timeout), else request_timeout x (retries + 1) + the Retry-After budget (docs/reliability.md).
        """
        client: Optional[DmsHttpClient] = None
        self._running = True
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
                start_progress_feed(self.redact, timeout)
            deadline = self.started + timeout
            transport = open_transport(
                settings.request_timeout,
                settings.retries,
                settings.verify,
                self.redact,
                deadline,
                session_factory=self.session_factory,
                clock=self.clock,
            )
            client = DmsHttpClient(transport, settings.base_url, Unsigned(), origin=settings.endpoint_origin)
            # A password is exchanged for a token, and a missing project_id looked up, before the first DMS call.
            settings = resolve_auth_and_project(settings, client)
            vpc = None
            if settings.vpc_url:
                # Signed like the DMS calls, X-Project-Id included (as huaweicloudsdkeip's BasicCredentials send it).
                vpc = DmsHttpClient(
                    client.transport, settings.vpc_url, settings.auth, settings.project_id, "VPC", settings.vpc_origin
                )
            context = DmsContext(
                vpc=vpc,
                client=client.with_auth(settings.auth, settings.project_id),
                project_id=settings.project_id or "",
                check_mode=self.check_mode,
                diff_mode=self.diff_mode,
                warn=self.warn,
                started=self.started,
                deadline=deadline,
                clock=self.clock,
                change=self.change,
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
        """One warning per run when the DMS API's clock is more than a few seconds off this host's."""
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
        """For a failure before the action had a result: the real time spent so far (0.0 for an option error)."""
        if self._running and "elapsed" in self.failure_result:
            return {"elapsed": round(time.monotonic() - self.started, 3)}
        return {}

    def _fail(self, err: DmsError) -> NoReturn:
        """The one failure path: the module's failure shape, then what the failure carries (fail_json adds changed)."""
        result = dict(self.failure_result)
        result.update(err.result if isinstance(err, DmsFailure) and err.result else self._elapsed())
        self.fail_json(msg=str(err), **result)

    def exit_json(self, **result: Any) -> NoReturn:
        self.module.exit_json(**self.redact.data(result))

    def fail_json(self, msg: str, **result: Any) -> NoReturn:
        merged = dict(self.failure_result)
        merged.update(result)
        if self.change.sent:
            merged["changed"] = True  # a change was sent: no later failure may hide it
        self.module.fail_json(msg=self.redact(msg) or "", **self.redact.data(merged))
