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
from typing import Any, Optional, Union

from ansible.module_utils.basic import env_fallback

from ._auth import AkSkAuth
from ._endpoints import dms_endpoint
from ._errors import ConfigurationError
from ._tasks import validate_id

CONNECTION_ARGUMENT_SPEC: dict[str, Any] = dict(
    access_key=dict(type="str", no_log=False, aliases=["ak"], fallback=(env_fallback, ["HW_ACCESS_KEY", "HUAWEICLOUD_SDK_AK"])),
    secret_key=dict(type="str", no_log=True, aliases=["sk"], fallback=(env_fallback, ["HW_SECRET_KEY", "HUAWEICLOUD_SDK_SK"])),
    security_token=dict(type="str", no_log=True, fallback=(env_fallback, ["HW_SECURITY_TOKEN", "HUAWEICLOUD_SDK_SECURITY_TOKEN"])),
    region=dict(type="str", fallback=(env_fallback, ["HW_REGION_NAME"])),
    project_id=dict(type="str", fallback=(env_fallback, ["HW_PROJECT_ID", "HUAWEICLOUD_SDK_PROJECT_ID"])),
    endpoint=dict(type="str", fallback=(env_fallback, ["HW_DMS_ENDPOINT"])),
    cloud=dict(type="str", fallback=(env_fallback, ["HW_CLOUD"])),
    validate_certs=dict(type="bool", default=True),
    ca_path=dict(type="path"),
    request_timeout=dict(type="float", default=30.0),
    retries=dict(type="int", default=5, fallback=(env_fallback, ["HW_MAX_RETRIES"])),
)

MAX_RETRIES = 20


class ConnectionSettings:
    """Validated connection options; holds the secrets only inside ``auth``."""

    def __init__(self, base_url: str, project_id: str, auth: AkSkAuth, verify: Union[bool, str], request_timeout: float,
                 retries: int, warnings: list[str]) -> None:
        self.base_url = base_url
        self.project_id = project_id
        self.auth = auth
        self.verify = verify
        self.request_timeout = request_timeout
        self.retries = retries
        self.warnings = warnings


def connection_settings(params: dict[str, Any]) -> ConnectionSettings:
    warnings: list[str] = []
    access_key: Optional[str] = params.get("access_key")
    secret_key: Optional[str] = params.get("secret_key")
    if not access_key or not secret_key:
        missing = " and ".join(name for name, value in (("access_key", access_key), ("secret_key", secret_key)) if not value)
        raise ConfigurationError(
            "Missing credentials: %s. Set the option(s), or export HW_ACCESS_KEY and HW_SECRET_KEY"
            " (or HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK)." % missing)
    project_id = params.get("project_id")
    if not project_id:
        raise ConfigurationError(
            "Option 'project_id' is required: set it, or export HW_PROJECT_ID (or HUAWEICLOUD_SDK_PROJECT_ID)."
            " The console shows it under My Credentials > API Credentials.")
    validate_id(project_id, "project_id")
    base_url = dms_endpoint(params.get("region"), params.get("cloud"), params.get("endpoint"))

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
    auth = AkSkAuth(access_key, secret_key, params.get("security_token"))
    return ConnectionSettings(base_url, project_id, auth, verify, request_timeout, retries, warnings)
