#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.dms contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: dms_task_info
short_description: Read Huawei Cloud DMS background tasks and wait for them to finish
version_added: 1.0.0
description:
  - Reads the background tasks of a Huawei Cloud DMS instance (Kafka, RabbitMQ or RocketMQ), such as the
    C(bindInstancePublicIp) task started by enabling public access.
  - With O(task_id), shows that task (C(GET /v2/{project_id}/instances/{instance_id}/tasks/{task_id})).
    Without it, lists the instance's tasks, reading every page, optionally filtered by O(name), a time window and O(latest).
  - With O(wait_for=true), polls until every returned task is in a terminal status (V(SUCCESS), V(FAILED), V(DELETED)
    or V(CANCELLED)), within O(wait_timeout) seconds, on one kept-alive HTTPS connection.
  - Requests are signed with the access key and secret key (SDK-HMAC-SHA256), as Huawei's SDKs do, or carry an IAM token
    (O(auth_token), or one obtained for O(user_name) and O(password)).
  - Without O(project_id), the project ID is looked up once per run from O(region) through IAM.
author:
  - hwcloud.dms maintainers (@hwcloud-ansible)
options:
  instance_id:
    description:
      - ID of the DMS instance whose tasks to read.
    type: str
    required: true
  task_id:
    description:
      - ID of the task to show, for example the C(job_id) returned by the call that started it.
      - If omitted, the instance's tasks are listed (all pages), and O(name), O(begin_time), O(end_time) and O(latest) apply.
    type: str
  name:
    description:
      - List mode only. Keep only tasks with this name, for example V(bindInstancePublicIp) or V(unbindInstancePublicIp).
      - Use it with O(latest) and O(begin_time) to find the task of a change that returns no job ID, such as enabling public access.
    type: str
  begin_time:
    description:
      - List mode only. Keep tasks created at or after this time.
      - One of two formats, accepted alike on every Python the module runs on (3.9 and later).
      - The API's own C(YYYYMMDDHHmmss), in UTC, for example V(20240115083000).
      - ISO 8601 C(YYYY-MM-DDTHH:MM[:SS[.fraction]]) ending in C(Z) or a UTC offset C(+HH:MM), C(-HH:MM), C(+HHMM) or
        C(-HHMM), for example V(2024-01-15T08:30:00Z), V(2024-01-15T16:30:00+08:00) or V(2024-01-15T08:30:00.123456789Z).
        C(T) and C(Z) may be lower case, the fraction may have any number of digits (it is cut to whole seconds) and may
        follow C(.) or C(,).
      - Anything else fails with a message that names the option, for example an ISO time without C(Z) or an offset (in
        ISO 8601 that is local time, which the module does not guess), a space instead of C(T), a date alone, week or
        ordinal dates, C(24:00), a leap second, or a time whose UTC value is outside the years 0001 to 9999.
      - Sent to the API as UTC C(YYYYMMDDHHmmss). The EXAMPLES show how to take the current time in that format.
      - Give it on the clock of the host running the module (for example C(now(utc=true)) noted before the change).
        DMS compares it with C(created_at) on its own clock, so the module learns the server's clock from the C(Date)
        header of the API's answers and translates the time into it before sending it, made earlier by the header's
        one-second resolution, one round trip and a one-second margin (never enough to let in an older task of the
        same name from a previous change). If the first answer shows that the clocks differ, the list is read again
        with the translated time. RV(clock) returns what was sent.
    type: str
  end_time:
    description:
      - List mode only. Keep tasks created at or before this time. Same formats as O(begin_time).
      - Translated into the server's clock like O(begin_time), made later by the same margins.
    type: str
  latest:
    description:
      - List mode only. Return only the newest matching task (by C(created_at)), also as RV(task).
      - C(created_at) is read with the same parser as O(begin_time), except that a time without a zone is taken as UTC,
        the zone the API documents. A task whose C(created_at) does not parse counts as older than every task whose
        C(created_at) does.
    type: bool
    default: false
  wait_for:
    description:
      - Poll until every returned task is in a terminal status.
      - In list mode, a filter that matches nothing yet keeps polling, because the task of a change that has just started
        may appear a moment later, for up to O(appear_timeout) seconds.
      - A task that is not found keeps being read for up to 30 seconds (it may appear just after the change that starts it),
        then the module fails.
      - HTTP errors that outlast O(retries) (throttling, 5xx, dropped connections) do not end the wait before O(wait_timeout);
        they are counted in RV(transient_errors).
    type: bool
    default: false
    aliases: [wait]
  wait_timeout:
    description:
      - Maximum number of seconds to wait when O(wait_for=true), counted from the module's start (the IAM token exchange
        and project lookup included). The module returns within about one second of it, failing with the last status seen
        and the partial result. At most V(86400) (one day).
    type: int
    default: 600
  appear_timeout:
    description:
      - List mode with O(wait_for=true) only (a wait by O(name) and O(begin_time), for example). When no matching task
        has been listed this many seconds after the module's start, the module fails saying that no such task was
        created since O(begin_time), and that the change that should have started it may not have been made, for example
        because nothing needed to change. Once a matching task was listed, the wait goes on until O(wait_timeout).
      - DMS records a change's task while it accepts the call, so the default of one minute leaves room for a slow
        list and clock margins. Wait only after a change that reported C(changed) (C(when) C(result is changed)).
      - From V(1) to V(86400). O(wait_timeout) still ends the wait first when it is shorter.
    type: int
    default: 60
    version_added: 1.1.0
  fail_on_task_failure:
    description:
      - With O(wait_for=true), fail when a task ends in a terminal status other than V(SUCCESS)
        (V(FAILED), V(DELETED), V(CANCELLED)). The tasks are returned either way.
    type: bool
    default: true
  include_progress:
    description:
      - Add each returned task's RV(tasks[].progress) from C(GET /v2/{project_id}/instances/{instance_id}/tasks/{task_id}/progress).
      - Huawei documents progress only for Kafka (capacity expansion) and RocketMQ instances. When the progress call
        answers with a 4xx status other than 408 and 429 (RabbitMQ answers 404; what Kafka answers for other tasks is not
        documented), the module warns once, stops asking for the rest of the run, and returns the tasks without
        RV(tasks[].progress); a wait goes on.
      - With O(wait_for=true), progress is read after every status read, so the returned progress is the latest, also when
        the wait times out. That is one extra request per poll for each returned task still running (one per poll with
        O(task_id) or O(latest=true)); a finished task's progress is read once.
    type: bool
    default: false
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
    details: The module only reads; it behaves the same in check mode.
  diff_mode:
    support: none
notes:
  - Task statuses are V(CREATED) and V(EXECUTING) (running) and V(SUCCESS), V(FAILED), V(DELETED), V(CANCELLED) (terminal).
    An unknown status is polled like a running one, with one warning.
seealso:
  - name: Querying a background task (Kafka API reference)
    description: The API this module calls.
    link: https://support.huaweicloud.com/intl/en-us/api-kafka/ShowBackgroundTask.html
"""

EXAMPLES = r"""
- name: Show one task
  hwcloud.dms.dms_task_info:
    region: cn-north-4
    project_id: 0123456789abcdef0123456789abcdef
    instance_id: 11111111-2222-3333-4444-555555555555
    task_id: 8abfa7b272adc5b40172b73130065ae7
  register: shown

- name: Wait for the public IP binding started a moment ago (the change returns no job ID, so find it by name)
  hwcloud.dms.dms_task_info:
    instance_id: "{{ instance_id }}"
    name: bindInstancePublicIp
    begin_time: "{{ change_started_at }}"  # e.g. "{{ now(utc=true, fmt='%Y%m%d%H%M%S') }}" taken before the change
    latest: true
    wait_for: true
    wait_timeout: 900
    wait_sleep: 5
  register: bind

- name: Use the result
  ansible.builtin.debug:
    msg: "{{ bind.task.name }} ended {{ bind.task.status }} after {{ bind.elapsed }} s ({{ bind.attempts }} reads)"

- name: Set the connection once for every hwcloud.dms module
  module_defaults:
    group/hwcloud.dms.dms:
      region: eu-west-101
      project_id: "{{ hw_project_id }}"
  block:
    - name: List this week's tasks of an instance
      hwcloud.dms.dms_task_info:
        instance_id: "{{ instance_id }}"
        begin_time: "2024-01-08T00:00:00Z"
      register: listing

- name: Authenticate as an IAM user and let the module find the project ID of the region
  hwcloud.dms.dms_task_info:
    region: cn-north-4
    user_name: "{{ iam_user }}"
    password: "{{ iam_password }}"
    domain_name: "{{ account_name }}"
    instance_id: "{{ kafka_instance_id }}"
    task_id: "{{ job_id }}"
    include_progress: true
    wait_for: true
  register: scale_out

- name: Wait, but keep going when the task fails
  hwcloud.dms.dms_task_info:
    instance_id: "{{ instance_id }}"
    task_id: "{{ job_id }}"
    wait_for: true
    fail_on_task_failure: false
  register: job
"""

RETURN = r"""
tasks:
  description:
    - The tasks read, with the API's keys. In list mode, after the O(name) and O(latest) filters, newest first as the API orders them.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: Task ID.
      type: str
      sample: 8abfa7b272adc5b40172b73130065ae7
    name:
      description: Task name.
      type: str
      sample: bindInstancePublicIp
    user_name:
      description: Name of the user who started the task.
      type: str
      sample: paas_dms
    user_id:
      description: ID of the user who started the task.
      type: str
    params:
      description: Task parameters, decoded from the API's JSON string into a dictionary (left as the string when it is not JSON).
      type: dict
      sample: {"public_ip_id": "1aea7aed-e7d8-40ea-b3de-6f3ee9d5db9f", "public_ip_address": "100.93.2.18", "enable_public_ip": true}
    status:
      description: Task status.
      type: str
      sample: SUCCESS
    created_at:
      description: When the task started (ISO 8601, UTC), on the DMS server's clock.
      type: str
      sample: "2020-06-15T08:55:53.606Z"
    updated_at:
      description: When the task last changed (ISO 8601, UTC), on the DMS server's clock.
      type: str
      sample: "2020-06-15T08:55:56.600Z"
    progress:
      description:
        - The task's progress, as the API returns it (keys kept, including the API's C(statue) spelling in the steps).
        - With O(wait_for=true), the progress read after the last status read.
      returned: when O(include_progress=true) and the progress call answered (Kafka capacity expansion, RocketMQ)
      type: dict
      contains:
        progress_percentage:
          description: How far the task is, in percent.
          type: int
          sample: 50
        remain_time:
          description: Estimated time left, an integer (the SDK's C(int); Huawei's docs do not give its unit).
          type: int
          sample: 120
        step_list:
          description: The task's steps.
          type: list
          elements: dict
          contains:
            name:
              description: Step name.
              type: str
              sample: scale_out_brokers
            statue:
              description: Step status (the API's spelling of "status"), V(COMPLETED), V(IN_PROGRESS), V(FAILED) or V(WAITING).
              type: str
              sample: IN_PROGRESS
            start_time:
              description: When the step started, in milliseconds since the epoch (the SDK's C(StepDetail) C(int)), if the API says.
              type: int
              sample: 1705307400000
            end_time:
              description: When the step ended, in milliseconds since the epoch (the SDK's C(StepDetail) C(int)), if the API says.
              type: int
              sample: 1705307460000
task:
  description: The single task, the same dictionary as the only element of RV(tasks).
  returned: when O(task_id) is given, or O(latest=true) and a task matched
  type: dict
  sample: {"id": "8abfa7b272adc5b40172b73130065ae7", "name": "bindInstancePublicIp", "status": "SUCCESS"}
task_count:
  description: Number of tasks in RV(tasks).
  returned: always
  type: int
  sample: 1
elapsed:
  description:
    - Seconds from the module's start to the end of the read or the wait (IAM calls and retries included).
      Also returned, with the real value, when the read or the wait fails or times out.
    - Measured on the monotonic clock of the host running the module, so neither clock's setting nor a skew between
      them changes it.
  returned: always
  type: float
  sample: 12.507
clock:
  description:
    - Which clock the times are in. Task times (C(created_at), C(updated_at)) are the DMS server's, as the API sends
      them; O(begin_time) and O(end_time) are taken on this host's clock and sent on the server's.
    - A skew of more than a few seconds also gets one warning naming both times; fix it with NTP on this host.
  returned: always
  type: dict
  contains:
    server_offset:
      description:
        - The server's clock minus this host's, in seconds (positive when the server is ahead), estimated from the
          C(Date) headers of the DMS API's answers (whole seconds, so within about half a second plus a round trip).
        - V(null) when no answer carried a usable C(Date).
      type: float
      sample: -30.2
    begin_time:
      description: The C(begin_time) sent to the API (last read), on the server's clock; V(null) without O(begin_time).
      type: str
      sample: "20240115082928"
    end_time:
      description: The C(end_time) sent to the API (last read), on the server's clock; V(null) without O(end_time).
      type: str
      sample: null
attempts:
  description:
    - With O(wait_for=true), the number of status reads made (one per poll; a read the deadline stopped before it was
      sent is not counted). Without it, the HTTP requests the one read sent, retries included.
    - Also returned, with the real RV(elapsed), when the read or the wait fails or times out.
  returned: always
  type: int
  sample: 4
transient_errors:
  description: Polls that failed with a transient error (throttling, 5xx, timeout) after retries, while waiting.
  returned: when O(wait_for=true)
  type: int
  sample: 0
"""

from ansible_collections.hwcloud.dms.plugins.module_utils._module import DmsModule
from ansible_collections.hwcloud.dms.plugins.module_utils._poll import WAIT_ARGUMENT_SPEC
from ansible_collections.hwcloud.dms.plugins.module_utils._task_query import QueryOptions, TaskQuery
from ansible_collections.hwcloud.dms.plugins.module_utils._task_query_options import DEFAULT_APPEAR_TIMEOUT

ARGUMENT_SPEC = dict(
    instance_id=dict(type="str", required=True),
    task_id=dict(type="str"),
    name=dict(type="str"),
    begin_time=dict(type="str"),
    end_time=dict(type="str"),
    latest=dict(type="bool", default=False),
    wait_for=dict(type="bool", default=False, aliases=["wait"]),
    fail_on_task_failure=dict(type="bool", default=True),
    include_progress=dict(type="bool", default=False),
    appear_timeout=dict(type="int", default=DEFAULT_APPEAR_TIMEOUT),
    **WAIT_ARGUMENT_SPEC,
)
# What a failure returns beside msg, before the action has a result of its own.
FAILURE_RESULT = dict(
    tasks=[], task_count=0, elapsed=0.0, attempts=0, clock=dict(server_offset=None, begin_time=None, end_time=None)
)


def main() -> None:
    DmsModule(ARGUMENT_SPEC, failure_result=FAILURE_RESULT, supports_check_mode=True).execute(
        QueryOptions.from_params, TaskQuery
    )


if __name__ == "__main__":
    main()
