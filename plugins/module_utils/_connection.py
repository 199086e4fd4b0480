# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.dms contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The connection options every module shares, and their checks.

``CONNECTION_ARGUMENT_SPEC`` is the only Ansible-facing part; ``connection_settings``
takes a plain dict so the checks are unit-testable without AnsibleModule.
The option documentation lives once in plugins/doc_fragments/auth.py.
"""

from __future__ import annotations

import os
from typing import Any, Collection, Mapping, Optional, Union

from ansible.module_utils.basic import env_fallback

from ._auth import AkSkAuth, PasswordCredentials, TokenAuth
from ._endpoints import dms_endpoint, iam_endpoint, validate_region
from ._errors import ConfigurationError
from ._tasks import validate_id

CONNECTION_ARGUMENT_SPEC: dict[str, Any] = dict(
    access_key=dict(type="str", no_log=False, aliases=["ak"], fallback=(env_fallback, ["HW_ACCESS_KEY", "HUAWEICLOUD_SDK_AK"])),
    secret_key=dict(type="str", no_log=True, aliases=["sk"], fallback=(env_fallback, ["HW_SECRET_KEY", "HUAWEICLOUD_SDK_SK"])),
    security_token=dict(type="str", no_log=True, fallback=(env_fallback, ["HW_SECURITY_TOKEN", "HUAWEICLOUD_SDK_SECURITY_TOKEN"])),
    auth_token=dict(type="str", no_log=True, fallback=(env_fallback, ["HW_AUTH_TOKEN"])),
    user_name=dict(type="str", fallback=(env_fallback, ["HW_USER_NAME"])),
    password=dict(type="str", no_log=True, fallback=(env_fallback, ["HW_USER_PASSWORD"])),
    domain_name=dict(type="str", fallback=(env_fallback, ["HW_DOMAIN_NAME"])),
    region=dict(type="str", fallback=(env_fallback, ["HW_REGION_NAME"])),
    project_id=dict(type="str", fallback=(env_fallback, ["HW_PROJECT_ID", "HUAWEICLOUD_SDK_PROJECT_ID"])),
    endpoint=dict(type="str", fallback=(env_fallback, ["HW_DMS_ENDPOINT"])),
    iam_endpoint=dict(type="str", fallback=(env_fallback, ["HW_AUTH_URL", "HUAWEICLOUD_SDK_IAM_ENDPOINT"])),
    cloud=dict(type="str", fallback=(env_fallback, ["HW_CLOUD"])),
    validate_certs=dict(type="bool", default=True),
    ca_path=dict(type="path"),
    request_timeout=dict(type="float", default=30.0),
    retries=dict(type="int", default=5, fallback=(env_fallback, ["HW_MAX_RETRIES"])),
)

MAX_RETRIES = 20

# The authentication methods, in their precedence order when only the environment names several.
# Each is chosen by its selector options; security_token and domain_name only complete a method.
AKSK, TOKEN, PASSWORD = "access_key/secret_key", "auth_token", "user_name/password"
METHOD_SELECTORS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (AKSK, ("access_key", "secret_key")),
    (TOKEN, ("auth_token",)),
    (PASSWORD, ("user_name", "password")),
)
METHOD_MEMBERS = {AKSK: ("access_key", "secret_key", "security_token"), TOKEN: ("auth_token",),
                  PASSWORD: ("user_name", "password", "domain_name")}
ALL_METHODS = ("access_key and secret_key (HW_ACCESS_KEY, HW_SECRET_KEY, or HUAWEICLOUD_SDK_AK, HUAWEICLOUD_SDK_SK),"
               " or auth_token (HW_AUTH_TOKEN), or user_name, password and domain_name (HW_USER_NAME, HW_USER_PASSWORD, HW_DOMAIN_NAME)")


class ConnectionSettings:
    """Validated connection options; holds the secrets only inside ``auth`` and ``password``.

    ``auth`` is None when ``password`` is set: the token it gives replaces it before the first DMS call.
    ``project_id`` is None when it must be looked up from ``region`` at ``iam_url``.
    """

    def __init__(self, base_url: str, project_id: Optional[str], auth: Optional[Union[AkSkAuth, TokenAuth]], verify: Union[bool, str],
                 request_timeout: float, retries: int, warnings: list[str], method: str = AKSK,
                 password: Optional[PasswordCredentials] = None, iam_url: Optional[str] = None, region: Optional[str] = None) -> None:
        self.base_url = base_url
        self.project_id = project_id
        self.auth = auth
        self.verify = verify
        self.request_timeout = request_timeout
        self.retries = retries
        self.warnings = warnings
        self.method = method
        self.password = password
        self.iam_url = iam_url
        self.region = region


def _given(value: Any) -> bool:
    return value is not None and value != ""


def explicit_options(raw_params: Mapping[str, Any]) -> set[str]:
    """The connection options the task itself set (module_defaults included), by name, from the parameters before env_fallback."""
    names = set()
    for name, spec in CONNECTION_ARGUMENT_SPEC.items():
        if any(raw_params.get(key) is not None for key in [name] + list(spec.get("aliases", []))):
            names.add(name)
    return names


def choose_method(params: dict[str, Any], explicit: Optional[Collection[str]], warnings: list[str]) -> Optional[str]:
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
            " auth_token, or user_name/password/domain_name." % " and ".join(
                "/".join(name for name in METHOD_MEMBERS[method] if is_explicit(name)) for method in chosen))
    if chosen:
        return chosen[0]
    if len(present) > 1:
        warnings.append("The environment holds credentials for several authentication methods (%s); using %s, the first in the"
                        " documented precedence (AK/SK, then auth_token, then user_name/password). Set the method you want as"
                        " module options, or unset the other variables, to silence this warning." % (", ".join(present), present[0]))
    return present[0] if present else None


def connection_settings(params: dict[str, Any], explicit: Optional[Collection[str]] = None) -> ConnectionSettings:
    """Check the connection options; ``explicit`` names those set in the task (see explicit_options), None means all given ones."""
    warnings: list[str] = []
    method = choose_method(params, explicit, warnings)
    auth: Optional[Union[AkSkAuth, TokenAuth]] = None
    password: Optional[PasswordCredentials] = None
    if method is None or method == AKSK:
        access_key: Optional[str] = params.get("access_key")
        secret_key: Optional[str] = params.get("secret_key")
        if not access_key or not secret_key:
            missing = " and ".join(name for name, value in (("access_key", access_key), ("secret_key", secret_key)) if not value)
            others = "" if method else " Or authenticate with auth_token (HW_AUTH_TOKEN), or user_name, password and domain_name" \
                " (HW_USER_NAME, HW_USER_PASSWORD, HW_DOMAIN_NAME)."
            raise ConfigurationError(
                "Missing credentials: %s. Set the option(s), or export HW_ACCESS_KEY and HW_SECRET_KEY"
                " (or HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK).%s" % (missing, others))
        auth = AkSkAuth(access_key, secret_key, params.get("security_token") or None)
    elif method == TOKEN:
        auth = TokenAuth(params["auth_token"])
    else:
        needed = (("user_name", "HW_USER_NAME"), ("password", "HW_USER_PASSWORD"), ("domain_name", "HW_DOMAIN_NAME"))
        missing_options = [(name, env) for name, env in needed if not _given(params.get(name))]
        if missing_options:
            raise ConfigurationError(
                "Options user_name, password and domain_name are required together for password authentication; missing: %s."
                " Set them, or export %s." % (", ".join(name for name, _env in missing_options), ", ".join(env for _name, env in missing_options)))
        password = PasswordCredentials(params["user_name"], params["password"], params["domain_name"])

    region: Optional[str] = params.get("region") or None
    project_id = params.get("project_id") or None
    if project_id:
        validate_id(project_id, "project_id")
    elif not region:
        raise ConfigurationError(
            "Option 'project_id' is not set, and 'region' is needed to look it up: set region (HW_REGION_NAME), or set project_id"
            " (HW_PROJECT_ID or HUAWEICLOUD_SDK_PROJECT_ID; the console shows it under My Credentials > API Credentials).")
    else:
        validate_region(region, "to look up the project id")
    base_url = dms_endpoint(region, params.get("cloud"), params.get("endpoint"))
    iam_url: Optional[str] = None
    if params.get("iam_endpoint") or not project_id or password is not None:
        iam_url = iam_endpoint(region, params.get("cloud"), params.get("iam_endpoint"))

    request_timeout = params.get("request_timeout")
    request_timeout = 30.0 if request_timeout is None else float(request_timeout)
    if not 0 < request_timeout <= 3600:
        raise ConfigurationError("Option 'request_timeout' must be more than 0 and at most 3600 seconds, got %s." % request_timeout)
    retries = params.get("retries")
    retries = 5 if retries is None else int(retries)
    if not 0 <= retries <= MAX_RETRIES:
        raise ConfigurationError("Option 'retries' must be between 0 (no retries) and %d, got %d." % (MAX_RETRIES, retries))

    verify: Union[bool, str] = True
    ca_path = params.get("ca_path")
    if params.get("validate_certs") is False:
        verify = False
        if base_url.startswith("https://"):
            warnings.append("validate_certs is false: the DMS API's TLS certificate is not checked, so the connection"
                            " can be intercepted. Prefer ca_path with your CA bundle.")
    elif ca_path:
        if not os.path.isfile(ca_path) or not os.access(ca_path, os.R_OK):
            raise ConfigurationError("Option 'ca_path' must name a readable PEM file of CA certificates; %r is not one." % ca_path)
        verify = ca_path
    return ConnectionSettings(base_url, project_id, auth, verify, request_timeout, retries, warnings, method=method or AKSK,
                              password=password, iam_url=iam_url, region=region)
