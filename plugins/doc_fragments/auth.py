# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.dms contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    # The connection options shared by every module of hwcloud.dms.
    DOCUMENTATION = r"""
options:
  access_key:
    description:
      - Access key ID (AK) of the Huawei Cloud account or IAM user. With O(secret_key), one of the three authentication methods
        (AK/SK, O(auth_token), O(user_name)/O(password)); see the notes for which one is used when several are set.
      - If not set, the value of the E(HW_ACCESS_KEY) environment variable is used, then E(HUAWEICLOUD_SDK_AK).
    type: str
    aliases: [ak]
  secret_key:
    description:
      - Secret access key (SK) paired with O(access_key). Requests are signed with it (SDK-HMAC-SHA256); it is never sent.
      - If not set, the value of E(HW_SECRET_KEY) is used, then E(HUAWEICLOUD_SDK_SK).
    type: str
    aliases: [sk]
  security_token:
    description:
      - Security token of temporary credentials (an AK/SK obtained from IAM or an agency), sent as the signed
        C(X-Security-Token) header.
      - If not set, the value of E(HW_SECURITY_TOKEN) is used, then E(HUAWEICLOUD_SDK_SECURITY_TOKEN).
    type: str
  auth_token:
    description:
      - An IAM token (from C(POST /v3/auth/tokens), its C(X-Subject-Token) header), sent as the C(X-Auth-Token) header instead of
        signing requests with an AK/SK. Use it when another tool already holds a token.
      - Tokens last 24 hours and are scoped to one project; the module fails with a hint to renew it when the API says it expired.
      - If not set, the value of E(HW_AUTH_TOKEN) is used.
    type: str
  user_name:
    description:
      - Name of an IAM user whose password is exchanged for a token (C(POST {iam_endpoint}/v3/auth/tokens)) once per module run.
      - Requires O(password) and O(domain_name). The token is scoped to O(project_id) if set, else to the project named O(region),
        whose ID then comes from the token, so no project lookup follows.
      - If not set, the value of E(HW_USER_NAME) is used.
    type: str
  password:
    description:
      - Password of O(user_name). Sent only to IAM, in the body of the token request; never logged or returned.
      - If not set, the value of E(HW_USER_PASSWORD) is used.
    type: str
  domain_name:
    description:
      - Account (domain) name that O(user_name) belongs to, needed with O(user_name) and O(password). Ignored by the other methods.
      - If not set, the value of E(HW_DOMAIN_NAME) is used.
    type: str
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
      - Timeout in seconds for each HTTP request attempt as a whole (connect, response headers and body together).
        A body still arriving when the time is up is cut off and the attempt counts as a read timeout.
      - While waiting, every request timeout is also cut to the time left before O(wait_timeout).
    type: float
    default: 30
  retries:
    description:
      - How many times a request is retried after HTTP 429, 500, 502, 503, 504, a dropped connection or a timeout,
        with exponential backoff and jitter; a C(Retry-After) header is honoured up to 60 seconds and never past the wait deadline.
      - HTTP 400, 401, 403 and 404 are never retried, so a bad signature cannot walk the access key into the gateway's lockout.
      - V(0) turns retries off. If not set, the value of E(HW_MAX_RETRIES) is used.
    type: int
    default: 5
notes:
  - Credentials are marked C(no_log); they never appear in results, warnings or error messages, including those read from the environment.
  - "Authentication methods: AK/SK (O(access_key), O(secret_key), optionally O(security_token)), O(auth_token), or
    O(user_name)/O(password)/O(domain_name). Options given to the task (or through C(module_defaults)) beat environment variables:
    two methods given as options is an error. When only the environment holds several, AK/SK wins over E(HW_AUTH_TOKEN), which wins
    over E(HW_USER_NAME)/E(HW_USER_PASSWORD), with a warning naming the ones ignored."
  - Which method to use when is in R(the authentication guide,ansible_collections.hwcloud.dms.docsite.authentication)
    of the docs site, also shipped in the collection as C(docs/authentication.md).
requirements:
  - python >= 3.9
  - requests
"""
