# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.dms contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    # Credentials and tokens, shared by every module of hwcloud.dms; the spec is AUTH_ARGUMENT_SPEC in
    # plugins/module_utils/_option_specs.py; tests/unit/plugins/module_utils/test_option_specs.py keeps the two in step.
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
  - requests >= 2.25
  - urllib3 >= 1.25 (what requests brings; 1.25, 1.26 and 2.x alike, as RHEL 9, Ubuntu 22.04 and Debian 12 ship them)
"""
