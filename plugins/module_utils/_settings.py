# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.dms contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The shared options bound to their environment variables late, then checked into ``ConnectionSettings``.

Environment variables are bound late, by this module and not by Ansible's ``env_fallback``: an option
the task leaves unset (None) takes the first of its variables that exists. Because the task's own values
are then still visible, "options set in the task beat the environment" (docs/authentication.md) needs no
private Ansible API. The specs are _option_specs.py's, choosing the auth method _auth_choice.py's, the TLS
checks _tls.py's. Nothing here imports Ansible, so all of it is tested with plain pytest.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any, Collection, Mapping, Optional, Union

from ._auth import AkSkAuth, PasswordCredentials, TokenAuth
from ._auth_choice import AKSK, build_auth, choose_method
from ._endpoints import dms_endpoint, iam_endpoint, validate_region, vpc_endpoint
from ._errors import ConfigurationError
from ._ids import validate_id
from ._option_specs import (
    CONNECTION_ARGUMENT_SPEC,
    DEFAULTS_AFTER_ENVIRONMENT,
    MAX_REQUEST_TIMEOUT,
    MAX_RETRIES,
    OPTION_ENVIRONMENT,
    SHARED_ARGUMENT_SPEC,
    env_name,
)
from ._tls import cleartext_warning, tls_verify


@dataclass(frozen=True)
class BoundOptions:
    """The shared options after late binding."""

    values: dict[
        str, Any
    ]  # every shared option: the task's value, else its environment variable's, else the spec default
    from_task: frozenset[str]  # the options the task set (module_defaults included)
    from_environment: dict[str, str]  # option -> the variable its value came from


def _task_value(params: Mapping[str, Any], name: str) -> Any:
    """The option's value as the task set it, under its name or an alias; None when unset."""
    keys = [name] + list(SHARED_ARGUMENT_SPEC[name].get("aliases", []))
    return next((params[key] for key in keys if params.get(key) is not None), None)


def explicit_options(params: Mapping[str, Any]) -> set[str]:
    """The shared options the task set (module_defaults included), by name; aliases count for their option."""
    return {name for name in SHARED_ARGUMENT_SPEC if _task_value(params, name) is not None}


def _from_environment(option: str, variable: str, text: str) -> Any:
    if SHARED_ARGUMENT_SPEC[option]["type"] != "int":
        return text
    try:
        return int(text)
    except ValueError:
        raise ConfigurationError(
            "Environment variable %s (option '%s') must be an int, got %r. Fix or unset it, or set '%s'."
            % (variable, option, text[:40], option)
        ) from None


def bind_environment(params: Mapping[str, Any], environ: Optional[Mapping[str, str]] = None) -> BoundOptions:
    """Fill each shared option the task left unset (None) from the first of its variables that exists, even if empty.

    ``environ`` defaults to os.environ, read at call time (the module's run), never at import.
    """
    environ = os.environ if environ is None else environ
    values = {name: _task_value(params, name) for name in SHARED_ARGUMENT_SPEC}
    from_task = frozenset(explicit_options(params))
    sources: dict[str, str] = {}
    for option, variables in OPTION_ENVIRONMENT.items():
        if values.get(option) is not None:
            continue
        variable = next((name for name in variables if name in environ), None)
        if variable is not None:
            values[option] = _from_environment(option, variable, environ[variable])
            sources[option] = variable
    for option, default in DEFAULTS_AFTER_ENVIRONMENT.items():
        if values.get(option) is None:
            values[option] = default
    return BoundOptions(values, from_task, sources)


@dataclass(frozen=True)
class ConnectionSettings:
    """Validated shared options; holds the secrets only inside ``auth`` and ``password`` (their reprs hide them).

    ``auth`` is None when ``password`` is set: the token it gives replaces it before the first DMS call.
    ``project_id`` is None when it must be looked up from ``region`` at ``iam_url``.
    """

    base_url: str
    project_id: Optional[str] = None
    auth: Optional[Union[AkSkAuth, TokenAuth]] = None
    verify: Union[bool, str] = CONNECTION_ARGUMENT_SPEC["validate_certs"]["default"]
    request_timeout: float = CONNECTION_ARGUMENT_SPEC["request_timeout"]["default"]
    retries: int = DEFAULTS_AFTER_ENVIRONMENT["retries"]
    warnings: list[str] = field(default_factory=list)
    method: str = AKSK
    password: Optional[PasswordCredentials] = None
    iam_url: Optional[str] = None
    region: Optional[str] = None
    # Where base_url and iam_url came from, for messages: "'endpoint' (from HW_DMS_ENDPOINT)", "'endpoint' (set in the
    # task)", "the DMS endpoint of region 'cn-north-4' ('region' from HW_REGION_NAME)".
    endpoint_origin: Optional[str] = None
    iam_origin: Optional[str] = None
    # The VPC service (EIP lookups of dms_public_access); None when neither vpc_endpoint nor region is known.
    vpc_url: Optional[str] = None
    vpc_origin: Optional[str] = None


def _origin(option: str, service: str, params: Mapping[str, Any], sources: Mapping[str, str]) -> str:
    if params.get(option):
        return "'%s' (%s)" % (option, "from %s" % sources[option] if option in sources else "set in the task")
    region = "from %s" % sources["region"] if "region" in sources else "set in the task"
    return "the %s endpoint of region %r ('region' %s)" % (service, params.get("region"), region)


def _bounded_timeout_and_retries(params: Mapping[str, Any]) -> tuple[float, int]:
    request_timeout = params.get("request_timeout")
    request_timeout = ConnectionSettings.request_timeout if request_timeout is None else float(request_timeout)
    if not 0 < request_timeout <= MAX_REQUEST_TIMEOUT:
        raise ConfigurationError(
            "Option 'request_timeout' must be more than 0 and at most %d seconds, got %s."
            % (MAX_REQUEST_TIMEOUT, request_timeout)
        )
    retries = params.get("retries")
    retries = ConnectionSettings.retries if retries is None else int(retries)
    if not 0 <= retries <= MAX_RETRIES:
        raise ConfigurationError(
            "Option 'retries' must be between 0 (no retries) and %d, got %d." % (MAX_RETRIES, retries)
        )
    return request_timeout, retries


def connection_settings(
    params: Mapping[str, Any], explicit: Optional[Collection[str]] = None, sources: Optional[Mapping[str, str]] = None
) -> ConnectionSettings:
    """Check the shared options (after bind_environment); ``explicit`` names those the task set, None means all given ones.

    ``sources`` (BoundOptions.from_environment) names the variable each option came from, for messages.
    """
    sources = sources or {}
    warnings: list[str] = []
    method = choose_method(params, explicit, warnings)
    auth, password = build_auth(params, method)

    region: Optional[str] = params.get("region") or None
    project_id = params.get("project_id") or None
    if project_id:
        validate_id(project_id, "project_id")
    elif not region:
        raise ConfigurationError(
            "Option 'project_id' is not set, and 'region' is needed to look it up: set region (%s), or set project_id"
            " (%s or %s; the console shows it under My Credentials > API Credentials)."
            % ((env_name("region"),) + OPTION_ENVIRONMENT["project_id"])
        )
    else:
        validate_region(region, "to look up the project id")
    base_url = dms_endpoint(region, params.get("cloud"), params.get("endpoint"))
    iam_url: Optional[str] = None
    if params.get("iam_endpoint") or not project_id or password is not None:
        iam_url = iam_endpoint(region, params.get("cloud"), params.get("iam_endpoint"))
    vpc_url = vpc_endpoint(region, params.get("cloud"), params.get("vpc_endpoint"), params.get("endpoint"))
    request_timeout, retries = _bounded_timeout_and_retries(params)
    verify = tls_verify(params, base_url, warnings)
    cleartext = cleartext_warning(base_url, iam_url, vpc_url)
    if cleartext:
        warnings.append(cleartext)
    return ConnectionSettings(
        base_url,
        project_id,
        auth,
        verify,
        request_timeout,
        retries,
        warnings,
        method=method or AKSK,
        password=password,
        iam_url=iam_url,
        region=region,
        endpoint_origin=_origin("endpoint", "DMS", params, sources),
        iam_origin=_origin("iam_endpoint", "IAM", params, sources),
        vpc_url=vpc_url,
        vpc_origin=_origin("vpc_endpoint" if params.get("vpc_endpoint") else "endpoint", "VPC", params, sources),
    )


def settings_from_task(params: Mapping[str, Any], environ: Optional[Mapping[str, str]] = None) -> ConnectionSettings:
    """Bind the environment to what the task left unset, then check: the settings a module runs with."""
    bound = bind_environment(params, environ)
    return connection_settings(bound.values, explicit=bound.from_task, sources=bound.from_environment)
