#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.dms contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: dms_request
short_description: Call any Huawei Cloud DMS API, signed like Huawei's SDK, and wait for the job it starts
version_added: 1.1.0
description:
  - Sends one request to the DMS API (Kafka, RabbitMQ or RocketMQ) with the collection's authentication, so a playbook can
    start any DMS change that no dedicated module covers, for example a Kafka broker scale-out
    (C(POST /v2/{project_id}/kafka/instances/{instance_id}/extend)), the plain/SSL switch, configuration changes,
    RabbitMQ plugins or RocketMQ topic and group creation.
  - Requests are signed with the access key and secret key (SDK-HMAC-SHA256, the body included through its SHA-256 hash),
    as Huawei's SDKs do, or carry an IAM token (O(auth_token), or one obtained for O(user_name) and O(password)).
  - Most DMS changes answer with a C(job_id), the ID of the background task that carries the change out. With
    O(wait_for=true) the module waits for that task exactly as M(hwcloud.dms.dms_task_info) does and returns it as RV(task).
  - Requests go only to the DMS endpoint (O(endpoint), or the one built from O(region)). O(path) is checked before anything is
    sent, so it can never name another host or leave the API.
author:
  - hwcloud.dms maintainers (@hwcloud-ansible)
options:
  method:
    description:
      - HTTP method of the call.
      - V(GET) reads and reports C(changed=false); any other method reports C(changed=true) when it succeeds
        (use C(changed_when) to refine that).
      - Once a call other than V(GET) was sent, every later failure reports C(changed=true) and says that the request was
        sent and its change may have been made, with RV(status), RV(request_id) and the real RV(elapsed), after an
        answer whose body the module refuses (over 4 MiB, not JSON, C(NaN), nested too deep), an HTTP 5xx, an answer lost after
        sending, a failed or unreadable job. An HTTP 4xx (the call was refused) and a connection that could not be made
        report C(changed=false).
      - V(GET), V(PUT) and V(DELETE) are retried after HTTP 5xx, a dropped connection or a timeout (up to O(retries) times).
        V(POST) and V(PATCH) are retried only after HTTP 429 (the gateway's throttle refused the call) or when the connection could
        not be made at all, because DMS may already have started the change when an answer is lost. A retried scale-out would be a
        second scale-out (or is refused with C(DMS.00400026) while the first runs). After such a failure the module says so; check
        the instance's tasks before running the task again.
    type: str
    choices: [GET, POST, PUT, DELETE, PATCH]
    default: GET
  path:
    description:
      - The API path, as in Huawei's API reference, beginning with C(/), for example
        V(/v2/{project_id}/kafka/instances/{instance_id}/extend).
      - The placeholders C({project_id}) (the O(project_id), or the one looked up for O(region)) and C({instance_id}) (O(instance_id))
        are filled in by the module. Any other C({...}) placeholder is an error; write such values into the path yourself.
      - Refused before any request is sent, naming the reason. Refused are an absolute URL, a path not beginning with C(/), an empty segment
        (C(//host)), C(.) or C(..) segments (also percent-encoded, in any case, or encoded twice), backslashes, control characters,
        spaces or non-ASCII characters (percent-encode them), C(?) or C(#) (use O(query)), a malformed C(%) escape, and IAM paths
        under C(/v3/).
      - An encoded C(/) (C(%2F)) inside the path is allowed and signed as Huawei's SDK signs it, for example RabbitMQ's default
        vhost C(/) in V(/v2/rabbitmq/{project_id}/instances/{instance_id}/vhosts/%2F/exchanges).
      - Paths under C(/v3/) are not sent to O(iam_endpoint); they are IAM's API, no DMS operation lives there, and this module only
        ever talks to the DMS endpoint. Project lookup and token exchange are done by the module itself.
    type: str
    required: true
  instance_id:
    description:
      - ID of the DMS instance, put into the C({instance_id}) placeholder of O(path) and used to read the job's task.
      - Required with O(wait_for=true). 1-128 letters, digits, C(-) or C(_).
    type: str
  query:
    description:
      - Query parameters. A list value repeats the key (C(a=1&a=2)); booleans are sent as C(true)/C(false) and numbers as text, as
        Huawei's SDK sends them; a V(null) value leaves the key out.
    type: dict
  body:
    description:
      - Request body, a dictionary or a list, sent as JSON (C(Content-Type) C(application/json)) and signed with its SHA-256 hash.
      - Not allowed with O(method=GET).
      - Refused before anything is sent when it holds a number JSON cannot carry (C(NaN), C(Infinity)).
      - Keys that look like credentials (C(password), C(secret_key), C(access_key), C(token), ...) in O(body) or O(query)
        make the module warn when the task has no C(no_log), because Ansible prints the task's arguments with C(-v) and in
        check mode's RV(request).
    type: raw
  status_code:
    description:
      - HTTP status codes that count as success. By default any 2xx status does.
      - Another status fails the module with the API's error code, message and request ID. An expected error status (for example
        V(404)) returns RV(json) with the API's C(error_code) and C(error_msg).
    type: list
    elements: int
  wait_for:
    description:
      - After a successful call, wait for the task of the C(job_id) in the answer (at the top level, or in C(results[]) or C(jobs[]),
        where some APIs put one per instance) until it is in a terminal status, exactly as M(hwcloud.dms.dms_task_info) waits,
        the same poll, messages, and 30-second grace for a task that is not visible yet.
      - When the answer carries no C(job_id), the module fails after the change was made (C(changed=true)), saying so.
      - Not done in check mode, where no change is sent.
      - Not allowed with O(method=GET), which starts no job (it usually means C(method) was forgotten); to wait for an
        existing task use M(hwcloud.dms.dms_task_info).
    type: bool
    default: false
    aliases: [wait]
  wait_timeout:
    description:
      - Maximum number of seconds to wait for the job's task (for all of them, when the answer lists several), counted
        from the module's start (one deadline over the call, its retries and every job's wait, quoted as given in the
        timeout message). At most V(86400) (one day).
    type: int
    default: 600
  fail_on_task_failure:
    description:
      - With O(wait_for=true), fail when the task ends in a terminal status other than V(SUCCESS). The task is returned either way.
    type: bool
    default: true
extends_documentation_fragment:
  - hwcloud.dms.auth
  - hwcloud.dms.connection
  - hwcloud.dms.wait
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.flow
  - hwcloud.dms.attributes
  - ansible.builtin.action_common_attributes.actiongroups
attributes:
  check_mode:
    support: full
    details:
      - V(GET) is sent as usual. Any other method is not sent; the module reports C(changed=true) and returns RV(request),
        the request it would have sent.
  diff_mode:
    support: none
notes:
  - The module does not know what a call changes, so it cannot be idempotent by itself. Guard changes with a read first
    (a V(GET) of the instance) and C(when), or with C(changed_when)/C(failed_when) on the result.
  - Which DMS calls return a C(job_id) is listed in the guide R(Start any DMS change and wait for it,ansible_collections.hwcloud.dms.docsite.start_change).
seealso:
  - module: hwcloud.dms.dms_task_info
    description: Wait for a task by ID or by name, for changes that return no job ID.
  - name: Kafka API reference (Huawei Cloud)
    description: The paths and bodies of the Kafka calls.
    link: https://support.huaweicloud.com/intl/en-us/api-kafka/kafka-api-180514002.html
"""

EXAMPLES = r"""
- name: Add two brokers to a Kafka instance and wait until the scale-out is done
  hwcloud.dms.dms_request:
    region: cn-north-4
    method: POST
    path: /v2/{project_id}/kafka/instances/{instance_id}/extend
    instance_id: "{{ kafka_instance_id }}"
    body:
      oper_type: horizontal
      new_broker_num: 5
    wait_for: true
    wait_timeout: 3600
    wait_sleep: 30
  register: scale_out

- name: Show how it went
  ansible.builtin.debug:
    msg: "job {{ scale_out.job_id }} ended {{ scale_out.task.status }} after {{ scale_out.elapsed }} s"

- name: Turn on SASL_SSL for the private network
  hwcloud.dms.dms_request:
    method: POST
    path: /v2/{project_id}/kafka/instances/{instance_id}/plain-ssl-switch
    instance_id: "{{ kafka_instance_id }}"
    body:
      protocol: private_sasl_ssl_enable
      enable: true
      user_name: app
      pass_word: "{{ kafka_sasl_password }}"
      sasl_enabled_mechanisms: [SCRAM-SHA-512]
    wait_for: true
  no_log: true  # the body carries a password

- name: Enable the shovel and federation plugins of a RabbitMQ instance
  hwcloud.dms.dms_request:
    method: PUT
    path: /v2/{project_id}/instances/{instance_id}/rabbitmq/plugins
    instance_id: "{{ rabbitmq_instance_id }}"
    body:
      enable: true
      plugins: rabbitmq_shovel,rabbitmq_federation
    wait_for: true

- name: Read an instance (a GET changes nothing and also runs in check mode)
  hwcloud.dms.dms_request:
    path: /v2/{project_id}/instances/{instance_id}
    instance_id: "{{ kafka_instance_id }}"
  register: instance

- name: Delete a topic that may be gone already (404 is fine)
  hwcloud.dms.dms_request:
    method: DELETE
    path: /v2/{project_id}/instances/{instance_id}/topics/orders
    instance_id: "{{ rocketmq_instance_id }}"
    status_code: [204, 404]
  register: deleted
  changed_when: deleted.status == 204
"""

RETURN = r"""
status:
  description: HTTP status of the answer. V(null) in check mode for a change, which is not sent.
  returned: always
  type: int
  sample: 200
json:
  description:
    - The answer's body, decoded from JSON; V(null) when it was empty.
    - For an error status accepted by O(status_code), the API's C(error_code) and C(error_msg).
  returned: always
  type: raw
  sample: {"job_id": "8abfa7b272adc5b40172b73130065ae7"}
request_id:
  description: The C(X-Request-Id) of the answer, to quote to Huawei support.
  returned: always
  type: str
  sample: 0b6a8ff8c4e1c4f6e0f5ad4d4c6f2c1a
job_id:
  description: The job (task) ID the answer carries, at the top level or the first one in C(results[])/C(jobs[]).
  returned: when the answer has one
  type: str
  sample: 8abfa7b272adc5b40172b73130065ae7
job_ids:
  description: Every job ID, when the answer lists several (one per instance in C(results[])).
  returned: when the answer has more than one
  type: list
  elements: str
task:
  description:
    - The job's task after the wait, with the API's keys (C(params) decoded), as M(hwcloud.dms.dms_task_info) returns it.
    - Also returned when the wait fails or times out, with the last status seen.
  returned: when O(wait_for=true) and the task was read
  type: dict
  sample: {"id": "8abfa7b272adc5b40172b73130065ae7", "name": "kafkaInstanceExtend", "status": "SUCCESS"}
tasks:
  description: Every job's task, when the answer listed several jobs.
  returned: when O(wait_for=true) and there were several jobs
  type: list
  elements: dict
request:
  description: The request that would have been sent; nothing was sent.
  returned: in check mode, for a method other than V(GET)
  type: dict
  contains:
    method:
      description: HTTP method.
      type: str
      sample: POST
    url:
      description: Full URL with the query, without credentials.
      type: str
      sample: https://dms.cn-north-4.myhuaweicloud.com/v2/0123456789abcdef0123456789abcdef/kafka/instances/11111111-2222-3333-4444-555555555555/extend
    body:
      description: The body that would have been sent as JSON.
      type: raw
      sample: {"oper_type": "horizontal", "new_broker_num": 5}
elapsed:
  description: Seconds from the start of the module to its end, the call and the wait included; also on failure.
  returned: always
  type: float
  sample: 95.217
"""

from ansible_collections.hwcloud.dms.plugins.module_utils._module import DmsModule
from ansible_collections.hwcloud.dms.plugins.module_utils._poll import WAIT_ARGUMENT_SPEC
from ansible_collections.hwcloud.dms.plugins.module_utils._request import DmsRequest
from ansible_collections.hwcloud.dms.plugins.module_utils._request_options import METHODS, RequestOptions

ARGUMENT_SPEC = dict(
    method=dict(type="str", default="GET", choices=list(METHODS)),
    path=dict(type="str", required=True),
    instance_id=dict(type="str"),
    query=dict(type="dict"),
    body=dict(type="raw"),
    status_code=dict(type="list", elements="int"),
    wait_for=dict(type="bool", default=False, aliases=["wait"]),
    fail_on_task_failure=dict(type="bool", default=True),
    **WAIT_ARGUMENT_SPEC,
)
# What a failure returns beside msg, before the action has a result of its own.
FAILURE_RESULT = dict(status=None, json=None, request_id=None, elapsed=0.0)


def main() -> None:
    DmsModule(ARGUMENT_SPEC, failure_result=FAILURE_RESULT, supports_check_mode=True).execute(
        RequestOptions.from_params, DmsRequest
    )


if __name__ == "__main__":
    main()
