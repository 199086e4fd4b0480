# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.dms contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The options every module shares, their environment variables, and their checks into ``ConnectionSettings``.

``AUTH_ARGUMENT_SPEC`` is documented by plugins/doc_fragments/auth.py (``hwcloud.dms.auth``) and
``CONNECTION_ARGUMENT_SPEC`` by plugins/doc_fragments/connection.py (``hwcloud.dms.connection``);
tests/unit/plugins/module_utils/test_settings.py keeps each spec and its fragment in step.

Environment variables are bound late, by this module and not by Ansible's ``env_fallback``: an option
the task leaves unset (None) takes the first of its variables that exists. Because the task's own values
are then still visible, "options set in the task beat the environment" (docs/authentication.md) needs no
private Ansible API. Nothing here imports Ansible, so all of it is tested with plain pytest.
"""

from __future__ import annotations

import ipaddress
import os
import re
from dataclasses import dataclass, field
from typing import Any, Collection, Mapping, Optional, Union

from ._auth import AkSkAuth, PasswordCredentials, TokenAuth
from ._endpoints import dms_endpoint, iam_endpoint, validate_region
from ._errors import ConfigurationError
from ._ids import validate_id

# Credentials and tokens (doc fragment hwcloud.dms.auth).
AUTH_ARGUMENT_SPEC: dict[str, Any] = dict(
    access_key=dict(type="str", no_log=False, aliases=["ak"]),
    secret_key=dict(type="str", no_log=True, aliases=["sk"]),
    security_token=dict(type="str", no_log=True),
    auth_token=dict(type="str", no_log=True),
    user_name=dict(type="str"),
    password=dict(type="str", no_log=True),
    domain_name=dict(type="str"),
)

# Where requests go and how they are sent (doc fragment hwcloud.dms.connection).
CONNECTION_ARGUMENT_SPEC: dict[str, Any] = dict(
    region=dict(type="str"),
    project_id=dict(type="str"),
    endpoint=dict(type="str"),
    iam_endpoint=dict(type="str"),
    cloud=dict(type="str"),
    validate_certs=dict(type="bool", default=True),
    ca_path=dict(type="path"),
    request_timeout=dict(type="float", default=30.0),
    # No Ansible default: it would fill the option in before HW_MAX_RETRIES could be read (see DEFAULTS_AFTER_ENVIRONMENT).
    retries=dict(type="int"),
)

SHARED_ARGUMENT_SPEC: dict[str, Any] = dict(AUTH_ARGUMENT_SPEC, **CONNECTION_ARGUMENT_SPEC)

# Each option's environment variables, in the order they are tried (the doc fragments list them with E()).
OPTION_ENVIRONMENT: dict[str, tuple[str, ...]] = dict(
    access_key=("HW_ACCESS_KEY", "HUAWEICLOUD_SDK_AK"),
    secret_key=("HW_SECRET_KEY", "HUAWEICLOUD_SDK_SK"),
    security_token=("HW_SECURITY_TOKEN", "HUAWEICLOUD_SDK_SECURITY_TOKEN"),
    auth_token=("HW_AUTH_TOKEN",),
    user_name=("HW_USER_NAME",),
    password=("HW_USER_PASSWORD",),
    domain_name=("HW_DOMAIN_NAME",),
    region=("HW_REGION_NAME",),
    project_id=("HW_PROJECT_ID", "HUAWEICLOUD_SDK_PROJECT_ID"),
    endpoint=("HW_DMS_ENDPOINT",),
    iam_endpoint=("HW_AUTH_URL", "HUAWEICLOUD_SDK_IAM_ENDPOINT"),
    cloud=("HW_CLOUD",),
    retries=("HW_MAX_RETRIES",),
)

# Defaults of options that also have an environment variable: applied after the environment, so they cannot be
# ``default`` in the spec. The fragment documents each as "Default V(...)" (checked by the drift test).
DEFAULTS_AFTER_ENVIRONMENT: dict[str, Any] = dict(retries=5)

MAX_RETRIES = 20
MAX_REQUEST_TIMEOUT = 3600

# The authentication methods, in their precedence order when only the environment names several.
# Each is chosen by its selector options; security_token and domain_name only complete a method.
AKSK, TOKEN, PASSWORD = "access_key/secret_key", "auth_token", "user_name/password"
METHOD_SELECTORS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (AKSK, ("access_key", "secret_key")),
    (TOKEN, ("auth_token",)),
    (PASSWORD, ("user_name", "password")),
)
METHOD_MEMBERS = {
    AKSK: ("access_key", "secret_key", "security_token"),
    TOKEN: ("auth_token",),
    PASSWORD: ("user_name", "password", "domain_name"),
}


# Tokens and keys go into HTTP headers (or the signature): printable ASCII without spaces, nothing else.
_PRINTABLE_ASCII = re.compile(r"[\x21-\x7e]+")
CREDENTIAL_OPTIONS = ("access_key", "secret_key", "security_token", "auth_token")
# The no_log options: DmsModule hides their values, in every spelling, in everything the module prints.
SECRET_OPTIONS = tuple(name for name, spec in SHARED_ARGUMENT_SPEC.items() if spec.get("no_log"))


def _what_is_wrong(value: str) -> str:
    if value != value.strip():
        return "leading or trailing whitespace or a newline (as `echo` or a YAML '|' block adds)"
    if any(ord(char) < 0x20 or ord(char) == 0x7F for char in value):
        return "a control character"
    if " " in value:
        return "a space"
    return "a character outside printable ASCII"


def check_credential(value: Any, what: str) -> None:
    """Refuse a token or key that is not printable ASCII, naming ``what`` but never the value."""
    if isinstance(value, str) and not _PRINTABLE_ASCII.fullmatch(value):
        raise ConfigurationError(
            "%s must be printable ASCII without spaces, but it contains %s; its value is not shown."
            " Strip it (e.g. ansible-vault encrypt_string without the trailing newline, or YAML '|-')."
            % (what, _what_is_wrong(value))
        )


def _env(option: str) -> str:
    """The option's first environment variable, for messages."""
    return OPTION_ENVIRONMENT[option][0]


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


def _origin(option: str, service: str, params: Mapping[str, Any], sources: Mapping[str, str]) -> str:
    if params.get(option):
        return "'%s' (%s)" % (option, "from %s" % sources[option] if option in sources else "set in the task")
    region = "from %s" % sources["region"] if "region" in sources else "set in the task"
    return "the %s endpoint of region %r ('region' %s)" % (service, params.get("region"), region)


def _given(value: Any) -> bool:
    return value is not None and value != ""


def choose_method(params: Mapping[str, Any], explicit: Optional[Collection[str]], warnings: list[str]) -> Optional[str]:
    """The authentication method to use: options set in the task beat environment variables.

    Two methods set in the task are an error. When only the environment names several, the first in
    METHOD_SELECTORS' order wins and a warning names the others. ``explicit`` None counts every given
    option as set in the task.
    """

    def is_explicit(name: str) -> bool:
        return _given(params.get(name)) and (explicit is None or name in explicit)

    present = [method for method, selectors in METHOD_SELECTORS if any(_given(params.get(name)) for name in selectors)]
    chosen = [method for method, selectors in METHOD_SELECTORS if any(is_explicit(name) for name in selectors)]
    if len(chosen) > 1:
        raise ConfigurationError(
            "Options %s choose different authentication methods; set only one of: access_key/secret_key (AK/SK),"
            " auth_token, or user_name/password/domain_name."
            % " and ".join("/".join(name for name in METHOD_MEMBERS[method] if is_explicit(name)) for method in chosen)
        )
    if chosen:
        return chosen[0]
    if len(present) > 1:
        warnings.append(
            "The environment holds credentials for several authentication methods (%s); using %s, the first in the"
            " documented precedence (AK/SK, then auth_token, then user_name/password). Set the method you want as"
            " module options, or unset the other variables, to silence this warning." % (", ".join(present), present[0])
        )
    return present[0] if present else None


def _aksk(params: Mapping[str, Any], method: Optional[str]) -> AkSkAuth:
    access_key: Optional[str] = params.get("access_key")
    secret_key: Optional[str] = params.get("secret_key")
    if not access_key or not secret_key:
        missing = " and ".join(
            name for name, value in (("access_key", access_key), ("secret_key", secret_key)) if not value
        )
        others = (
            ""
            if method
            else " Or authenticate with auth_token (%s), or user_name, password and domain_name (%s, %s, %s)."
            % (_env("auth_token"), _env("user_name"), _env("password"), _env("domain_name"))
        )
        ak_vars, sk_vars = OPTION_ENVIRONMENT["access_key"], OPTION_ENVIRONMENT["secret_key"]
        raise ConfigurationError(
            "Missing credentials: %s. Set the option(s), or export %s and %s (or %s and %s).%s"
            % (missing, ak_vars[0], sk_vars[0], ak_vars[1], sk_vars[1], others)
        )
    return AkSkAuth(access_key, secret_key, params.get("security_token") or None)


def _password(params: Mapping[str, Any]) -> PasswordCredentials:
    missing = [name for name in METHOD_MEMBERS[PASSWORD] if not _given(params.get(name))]
    if missing:
        raise ConfigurationError(
            "Options user_name, password and domain_name are required together for password authentication; missing: %s."
            " Set them, or export %s." % (", ".join(missing), ", ".join(_env(name) for name in missing))
        )
    return PasswordCredentials(params["user_name"], params["password"], params["domain_name"])


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


def _verify(params: Mapping[str, Any], base_url: str, warnings: list[str]) -> Union[bool, str]:
    ca_path = params.get("ca_path")
    if params.get("validate_certs") is False:
        if base_url.startswith("https://"):
            warnings.append(
                "validate_certs is false: the DMS API's TLS certificate is not checked, so the connection"
                " can be intercepted. Prefer ca_path with your CA bundle."
            )
        return False
    if ca_path:
        if not os.path.isfile(ca_path) or not os.access(ca_path, os.R_OK):
            raise ConfigurationError(
                "Option 'ca_path' must name a readable PEM file of CA certificates; %r is not one." % ca_path
            )
        return ca_path
    return True


def _cleartext_off_loopback(url: str) -> bool:
    """An http:// URL whose host is not this machine (localhost, 127.0.0.0/8, ::1)."""
    if not url.lower().startswith("http://"):
        return False
    host = (
        url[len("http://") :].split("/", 1)[0].rsplit(":", 1)[0]
        if "]" not in url
        else url.split("[", 1)[1].split("]", 1)[0]
    )
    host = host.lower().rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        return False
    try:
        return not ipaddress.ip_address(host).is_loopback
    except ValueError:
        return True


def connection_settings(
    params: Mapping[str, Any], explicit: Optional[Collection[str]] = None, sources: Optional[Mapping[str, str]] = None
) -> ConnectionSettings:
    """Check the shared options (after bind_environment); ``explicit`` names those the task set, None means all given ones.

    ``sources`` (BoundOptions.from_environment) names the variable each option came from, for messages.
    """
    sources = sources or {}
    warnings: list[str] = []
    method = choose_method(params, explicit, warnings)
    for option in CREDENTIAL_OPTIONS:
        if _given(params.get(option)):
            check_credential(params[option], "Option '%s' (or %s)" % (option, " / ".join(OPTION_ENVIRONMENT[option])))
    auth: Optional[Union[AkSkAuth, TokenAuth]] = None
    password: Optional[PasswordCredentials] = None
    if method is None or method == AKSK:
        auth = _aksk(params, method)
    elif method == TOKEN:
        auth = TokenAuth(params["auth_token"])
    else:
        password = _password(params)

    region: Optional[str] = params.get("region") or None
    project_id = params.get("project_id") or None
    if project_id:
        validate_id(project_id, "project_id")
    elif not region:
        raise ConfigurationError(
            "Option 'project_id' is not set, and 'region' is needed to look it up: set region (%s), or set project_id"
            " (%s or %s; the console shows it under My Credentials > API Credentials)."
            % ((_env("region"),) + OPTION_ENVIRONMENT["project_id"])
        )
    else:
        validate_region(region, "to look up the project id")
    base_url = dms_endpoint(region, params.get("cloud"), params.get("endpoint"))
    iam_url: Optional[str] = None
    if params.get("iam_endpoint") or not project_id or password is not None:
        iam_url = iam_endpoint(region, params.get("cloud"), params.get("iam_endpoint"))
    request_timeout, retries = _bounded_timeout_and_retries(params)
    verify = _verify(params, base_url, warnings)
    cleartext = [url for url in (base_url, iam_url) if url and _cleartext_off_loopback(url)]
    if cleartext:
        warnings.append(
            "%s %s http://, not https://: the signature, the token or the password cross the network in clear text"
            " and can be read or replayed on the way. Use https:// for anything but a local test endpoint."
            % (" and ".join(sorted(set(cleartext))), "use" if len(set(cleartext)) > 1 else "uses")
        )
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
    )


def settings_from_task(params: Mapping[str, Any], environ: Optional[Mapping[str, str]] = None) -> ConnectionSettings:
    """Bind the environment to what the task left unset, then check: the settings a module runs with."""
    bound = bind_environment(params, environ)
    return connection_settings(bound.values, explicit=bound.from_task, sources=bound.from_environment)
