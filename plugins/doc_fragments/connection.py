# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.dms contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    # Where requests go and how they are sent, shared by every module of hwcloud.dms; the spec is CONNECTION_ARGUMENT_SPEC
    # in plugins/module_utils/_option_specs.py; tests/unit/plugins/module_utils/test_option_specs.py keeps the two in step.
    DOCUMENTATION = r"""
options:
  region:
    description:
      - Region of the DMS instance, for example V(cn-north-4) or V(eu-west-101).
      - Needed to build the endpoint URL when O(endpoint) is not set.
      - If not set, the value of E(HW_REGION_NAME) is used.
    type: str
  project_id:
    description:
      - ID of the project (region) the DMS instance belongs to.
      - If not set, the value of E(HW_PROJECT_ID) is used, then E(HUAWEICLOUD_SDK_PROJECT_ID).
      - If still not set, it is looked up once per run with C(GET {iam_endpoint}/v3/projects?name={region}), authenticated like the
        DMS calls (with O(user_name)/O(password), the token's project is used instead). The module fails when no project or several
        projects carry the region's name; then set O(project_id).
    type: str
  endpoint:
    description:
      - Base URL of the DMS API, overriding the one built from O(region) and O(cloud).
      - Use it for Open Telekom Cloud, private clouds and the bundled emulator, for example V(http://127.0.0.1:8080).
      - If not set, the value of E(HW_DMS_ENDPOINT) is used; without either, the URL is C(https://dms.<region>.<cloud>).
    type: str
  iam_endpoint:
    description:
      - Base URL of IAM, used to look up O(project_id) and to exchange O(user_name)/O(password) for a token.
      - For private clouds and the bundled emulator. A trailing C(/v3), as in Terraform's E(HW_AUTH_URL), is accepted and dropped.
      - If not set, the value of E(HW_AUTH_URL) is used, then E(HUAWEICLOUD_SDK_IAM_ENDPOINT); without any, the URL is
        C(https://iam.<region>.<cloud>).
    type: str
  vpc_endpoint:
    description:
      - Base URL of the VPC service, whose EIP list (C(GET /v1/{project_id}/publicips)) M(hwcloud.dms.dms_public_access) reads
        to know which EIPs an instance holds and whether the requested ones can be bound. Signed like the DMS calls.
      - If not set, the value of E(HW_VPC_ENDPOINT) is used; without either, the O(endpoint) when one is given (a private
        endpoint or the emulator is taken to serve the VPC API too), else C(https://vpc.<region>.<cloud>), where the cloud is
        V(myhuaweicloud.com) unless O(cloud) is set (the VPC service of C(eu-west-101) is
        C(vpc.eu-west-101.myhuaweicloud.com), as in Huawei's SDK).
      - Needs the permission C(vpc:publicIps:list). Without it, or when the service cannot be reached, the module warns once
        and decides from the DMS instance detail alone.
    type: str
  cloud:
    description:
      - Domain of the Huawei Cloud site used to build the endpoint URL.
      - Defaults to V(myhuaweicloud.eu) for regions starting with C(eu-west-1) and to V(myhuaweicloud.com) otherwise.
      - If not set, the value of E(HW_CLOUD) is used.
    type: str
  validate_certs:
    description:
      - Whether to check the TLS certificate of the DMS API.
      - Setting it to V(false) is insecure and makes the module warn; prefer O(ca_path).
    type: bool
    default: true
  ca_path:
    description:
      - Path to a PEM bundle of CA certificates to trust instead of the system store, for a private CA or a TLS-intercepting proxy.
      - Proxies are taken from the standard E(HTTPS_PROXY), E(HTTP_PROXY) and E(NO_PROXY) environment variables
        of the host the module runs on; an C(https://) endpoint is reached through the proxy with C(CONNECT), so
        certificate checks still apply to the DMS API's certificate.
    type: path
  request_timeout:
    description:
      - Timeout in seconds for each HTTP request attempt as a whole (connect, status line, response headers and body
        together). An answer still arriving when the time is up is cut off and the attempt counts as a read timeout.
      - One deadline bounds the whole run, IAM calls included. While a module waits it is its C(wait_timeout) after the start;
        without a wait it is O(request_timeout) x (O(retries) + 1) + 60 seconds. Every attempt is cut to the time left.
    type: float
    default: 30
  retries:
    description:
      - How many times a request is retried after HTTP 408, 429, 500, 502, 503, 504, a dropped connection or a timeout,
        with exponential backoff and jitter, never sooner than 0.5 seconds; a C(Retry-After) header is honoured up to
        60 seconds, and up to 60 seconds in total for the whole run, never past the deadline.
      - HTTP 400, 401, 403 and 404 are never retried, so a bad signature cannot walk the access key into the gateway's lockout.
      - Only requests that are safe to repeat (V(GET), V(PUT), V(DELETE)) are retried after a 5xx, a dropped connection or a
        timeout. V(POST) and V(PATCH) requests are retried only after HTTP 429 or a connection that could not be made, because a
        second copy of a change sent after the first may have been carried out would make the change twice.
      - V(0) turns retries off. If not set, the value of E(HW_MAX_RETRIES) is used; without either, the default is V(5).
    type: int
notes:
  - Environment variables are read on the host the module runs on, only for options the task (or C(module_defaults)) leaves unset.
"""
