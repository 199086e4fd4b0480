#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.dms contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: dms_public_access
short_description: Bind or unbind the public IPs of a Huawei Cloud DMS instance and wait until it is done
version_added: 1.0.0
description:
  - Enables public access on a Huawei Cloud DMS instance (Kafka, RabbitMQ or RocketMQ) with the given elastic IPs (EIPs),
    or disables it, and waits until the instance reports the requested state.
  - The engine is read from the instance (C(GET /v2/{project_id}/instances/{instance_id})); it is never an option.
  - RabbitMQ and RocketMQ are changed with C(PUT /v2/{project_id}/instances/{instance_id}) (C(enable_publicip), C(publicip_id)).
    DMS records the change as a background task named C(bindInstancePublicIp) or C(unbindInstancePublicIp); the module
    waits for that task, found by name B(and) created at or after the change, and for the instance's own fields.
  - Kafka is changed with its public-access switch C(POST /v1/{project_id}/instances/{instance_id}/public-boundwidth)
    (Kafka's instance update has no public-access fields). The name of the task that switch records is not documented,
    so for Kafka the module waits on the instance's fields only (C(enable_publicip), C(public_access_enabled),
    C(kafka_public_status), C(public_connect_address)).
  - Idempotent. Nothing is sent when the instance already has public access with the same EIPs (in any order), or has
    none and O(state=absent). An instance bound to other EIPs is switched - unbound, waited for, bound, waited for - which
    means a short loss of public access.
  - While DMS answers C(DMS.00400026) (the instance is busy with another change, or not C(RUNNING)), the change is retried
    every O(wait_sleep) seconds. One deadline of O(wait_timeout) seconds covers those retries, the changes and the waits.
author:
  - hwcloud.dms maintainers (@hwcloud-ansible)
options:
  instance_id:
    description:
      - ID of the DMS instance.
    type: str
    required: true
  state:
    description:
      - V(present) binds O(public_ip_ids) (enables public access); V(absent) unbinds every public IP (disables it).
    type: str
    choices: [present, absent]
    default: present
  public_ip_ids:
    description:
      - IDs of the EIPs to bind. Required with O(state=present); ignored, with a warning, with O(state=absent).
      - RabbitMQ takes exactly one; RocketMQ one or more; Kafka one per broker, checked against the instance's
        C(broker_num) when the instance reports it.
      - Each item is one EIP ID (a UUID such as V(1aea7aed-e7d8-40ea-b3de-6f3ee9d5db9f)); letters, digits and C(-) only,
        no commas. The order does not matter when comparing with the EIPs already bound.
      - Kafka instances do not report which EIPs are bound. A Kafka instance that already has public access is therefore
        left as it is, with a warning; to move it to other EIPs, run once with O(state=absent) first.
    type: list
    elements: str
  wait:
    description:
      - Wait until the instance reports the requested state (and, for RabbitMQ and RocketMQ, until the change's task
        reports V(SUCCESS)). Fails when that task ends V(FAILED), V(DELETED) or V(CANCELLED).
      - With V(false), the module returns after DMS accepted the change. A switch to other EIPs still waits for its unbind,
        because DMS does not take the bind before.
    type: bool
    default: true
  wait_timeout:
    description:
      - Seconds for the whole run - reading the instance, retrying on C(DMS.00400026), the changes and the waits. The module
        fails when they run out, with the last state seen; the change may still finish in the background.
    type: int
    default: 900
  wait_sleep:
    description:
      - Seconds between two reads while waiting, and between two tries while DMS answers C(DMS.00400026).
        Must be more than 0 and not more than O(wait_timeout).
    type: float
    default: 5
extends_documentation_fragment:
  - hwcloud.dms.auth
  - hwcloud.dms.connection
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.flow
  - hwcloud.dms.attributes
  - ansible.builtin.action_common_attributes.actiongroups
attributes:
  check_mode:
    support: full
    details: Reads the instance and reports what would change (RV(changed), RV(actions), the diff); sends no change.
  diff_mode:
    support: full
    details: Before and after of C(enable_publicip) and the bound EIP IDs (V(null) where the instance does not list them).
notes:
  - The EIPs must exist, be unbound and be in the instance's region; DMS refuses others (for RabbitMQ and RocketMQ the
    task ends V(FAILED) and the module fails with it). For Kafka, whose task is not followed, a switch DMS could not
    carry out shows as a timeout with the instance's last state.
  - The change's task is found among the tasks created since the time of the change's answer (its C(Date) header, on the
    DMS server's clock that also stamps C(created_at)), less the call's round trip and three seconds, so an older task
    of the same name cannot end the wait early and this host's clock does not matter. Only an answer without C(Date)
    falls back to this host's clock, moved onto the server's by what earlier answers showed.
  - A clock skew of more than a few seconds between this host and the DMS API gets one warning naming both times; past
    15 minutes the API gateway refuses the signatures and the failure says that the clock is the cause.
seealso:
  - module: hwcloud.dms.dms_task_info
    description: Wait for a change started elsewhere.
  - name: Modifying instance information (RabbitMQ API reference)
    description: The call that binds and unbinds EIPs on RabbitMQ and RocketMQ.
    link: https://support.huaweicloud.com/intl/en-us/api-rabbitmq/UpdateInstance.html
  - name: Enabling or disabling public access (Kafka API reference)
    description: Kafka's public-access switch.
    link: https://support.huaweicloud.com/intl/en-us/api-kafka/ModifyKafkaPublicIpAccessSwitch.html
"""

EXAMPLES = r"""
- name: Enable public access on a RabbitMQ instance and wait until it is done
  hwcloud.dms.dms_public_access:
    region: cn-north-4
    instance_id: "{{ rabbitmq_instance_id }}"
    public_ip_ids:
      - 1aea7aed-e7d8-40ea-b3de-6f3ee9d5db9f
  register: public

- name: Show the address clients use from outside
  ansible.builtin.debug:
    msg: "{{ public.instance.public_connect_address }}"

- name: Kafka takes one EIP per broker (three brokers here)
  hwcloud.dms.dms_public_access:
    instance_id: "{{ kafka_instance_id }}"
    public_ip_ids: "{{ kafka_eip_ids }}"
    wait_timeout: 1200
  register: kafka_public

- name: RocketMQ takes one or more EIPs; its public name server address is in the instance detail
  hwcloud.dms.dms_public_access:
    instance_id: "{{ rocketmq_instance_id }}"
    public_ip_ids: "{{ rocketmq_eip_ids }}"
  register: rocketmq_public

- name: Disable public access
  hwcloud.dms.dms_public_access:
    instance_id: "{{ rabbitmq_instance_id }}"
    state: absent

- name: Start the change but do not wait for it
  hwcloud.dms.dms_public_access:
    instance_id: "{{ rabbitmq_instance_id }}"
    public_ip_ids: ["{{ eip_id }}"]
    wait: false
"""

RETURN = r"""
changed:
  description: Whether a change was sent (in check mode, whether one would be).
  returned: always
  type: bool
  sample: true
instance:
  description:
    - The instance detail as C(GET /v2/{project_id}/instances/{instance_id}) returns it, read after the wait (after the
      change with O(wait=false); before it in check mode or when nothing changed).
    - Public access is in C(enable_publicip) and the engine's address fields - RabbitMQ C(publicip_id), C(publicip_address),
      C(public_connect_address); RocketMQ C(publicip_id), C(publicip_address), C(public_namesrv_address),
      C(public_broker_address); Kafka C(public_connect_address), C(public_access_enabled), C(kafka_public_status).
    - An empty dictionary when the instance could not be read.
  returned: always
  type: dict
  sample: {"instance_id": "11111111-2222-3333-4444-555555555555", "engine": "rabbitmq", "status": "RUNNING",
           "enable_publicip": true, "publicip_id": "1aea7aed-e7d8-40ea-b3de-6f3ee9d5db9f",
           "publicip_address": "100.93.2.18", "public_connect_address": "100.93.2.18:5672"}
task:
  description:
    - The change's background task (the last change's, for a switch), with C(params) decoded from the API's JSON string.
    - V(null) for Kafka, when nothing was changed, with O(wait=false), and in check mode.
    - Its C(created_at) and C(updated_at) are on the DMS server's clock, as the API sends them.
  returned: always
  type: dict
  sample: {"id": "8abfa7b272adc5b40172b73130065ae7", "name": "bindInstancePublicIp", "status": "SUCCESS",
           "params": {"public_ip_id": "1aea7aed-e7d8-40ea-b3de-6f3ee9d5db9f", "public_ip_address": "100.93.2.18",
                      "enable_public_ip": true},
           "created_at": "2024-01-15T08:30:09.500Z", "updated_at": "2024-01-15T08:30:21.120Z"}
actions:
  description: The changes made (or, in check mode, that would be), in order - V(bind), V(unbind), or both for a switch.
  returned: when the instance could be read
  type: list
  elements: str
  sample: [unbind, bind]
elapsed:
  description:
    - Seconds since the module started. Also returned when it fails.
    - Measured on the monotonic clock of the host running the module, so neither clock's setting changes it.
  returned: always
  type: float
  sample: 14.532
"""

from ansible_collections.hwcloud.dms.plugins.module_utils._module import DmsModule
from ansible_collections.hwcloud.dms.plugins.module_utils._public_access_action import (
    PublicAccessAction,
    PublicAccessParsed,
)

ARGUMENT_SPEC = dict(
    instance_id=dict(type="str", required=True),
    state=dict(type="str", choices=["present", "absent"], default="present"),
    public_ip_ids=dict(type="list", elements="str"),
    wait=dict(type="bool", default=True),
    wait_timeout=dict(type="int", default=900),
    wait_sleep=dict(type="float", default=5.0),
)
# What a failure returns beside msg, before the action has a result of its own.
FAILURE_RESULT = dict(instance={}, task=None, elapsed=0.0)


def main() -> None:
    DmsModule(
        ARGUMENT_SPEC,
        failure_result=FAILURE_RESULT,
        required_if=[("state", "present", ("public_ip_ids",))],
        supports_check_mode=True,
    ).execute(PublicAccessParsed.from_params, PublicAccessAction)


if __name__ == "__main__":
    main()
