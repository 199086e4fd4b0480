# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.dms contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The options every module shares: their argument specs, environment variables and defaults, no Ansible import.

``AUTH_ARGUMENT_SPEC`` is documented by plugins/doc_fragments/auth.py (``hwcloud.dms.auth``) and
``CONNECTION_ARGUMENT_SPEC`` by plugins/doc_fragments/connection.py (``hwcloud.dms.connection``);
tests/unit/plugins/module_utils/test_option_specs.py keeps each spec and its fragment in step.
"""

from __future__ import annotations

from typing import Any

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
    vpc_endpoint=dict(type="str"),
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
    vpc_endpoint=("HW_VPC_ENDPOINT",),
    cloud=("HW_CLOUD",),
    retries=("HW_MAX_RETRIES",),
)

# Defaults of options that also have an environment variable: applied after the environment, so they cannot be
# ``default`` in the spec. The fragment documents each as "Default V(...)" (checked by the drift test).
DEFAULTS_AFTER_ENVIRONMENT: dict[str, Any] = dict(retries=5)

MAX_RETRIES = 20
MAX_REQUEST_TIMEOUT = 3600

# The no_log options: DmsModule hides their values, in every spelling, in everything the module prints.
SECRET_OPTIONS = tuple(name for name, spec in SHARED_ARGUMENT_SPEC.items() if spec.get("no_log"))


def env_name(option: str) -> str:
    """The option's first environment variable, for messages."""
    return OPTION_ENVIRONMENT[option][0]
