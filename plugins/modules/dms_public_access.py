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
    (Kafka's instance update has no public-access fields). Its task is followed by the same names where DMS lists one
    (Kafka's API reference shows a C(bindInstancePublicIp) task), and the instance's fields.
  - The bound EIPs are known through the VPC service's EIP API (C(GET /v1/{project_id}/publicips), see O(vpc_endpoint)).
    The instance's public addresses (Kafka C(public_connect_address); RocketMQ C(public_broker_address) and
    C(public_namesrv_address); RabbitMQ C(public_connect_address)/C(publicip_address)) are resolved to EIPs, as Huawei's
    Terraform provider does, with C(publicip_id) as a cross-check where the detail has it.
  - Before any change the requested EIPs are looked up; an EIP that does not exist, is bound to another resource, or
    is in a state that cannot be bound (C(FREEZED), C(ERROR), C(BIND_ERROR), C(PENDING_*)) is refused naming it, and
    nothing is sent.
  - The instance C(status) is read before the change and while waiting. C(RUNNING) goes ahead; C(CREATING), C(STARTING),
    C(RESTARTING), C(EXTENDING), C(UPGRADING), C(ROLLINGBACK), C(FREEZING) are waited for within O(wait_timeout);
    C(FROZEN), C(ERROR), C(EXTENDEDFAILED), C(CREATEFAILED), C(DELETING) fail at once, naming the state and what to do;
    a state the module does not know is waited for, with one warning.
  - Idempotent. Nothing is sent when the instance already has public access with the same EIPs (in any order), or has
    none and O(state=absent). An instance bound to other EIPs is switched - unbound, waited for, bound, waited for - which
    means a short loss of public access.
  - While DMS answers C(DMS.00400026) (the instance is busy with another change, or not C(RUNNING)), the module waits
    O(wait_sleep) seconds, reads the instance again and plans again; when the instance meanwhile reached the requested
    state (another run made the same change), it ends without sending anything. It reads and plans again in the same
    way after a 5xx or lost answer to a change call (which DMS may have carried out; the call is not repeated blindly)
    and after a 400 or 409 that may mean the change is already made.
  - One deadline of O(wait_timeout) seconds covers the reads, those retries, the changes and the waits.
  - Without the EIP API (no permission C(vpc:publicIps:list), or the VPC service unreachable) the module warns once and
    decides from the instance detail alone. An instance whose bound EIPs can then not be read (Kafka always; RabbitMQ
    or RocketMQ with C(publicip_id) missing or malformed) has unknown EIPs, which are never taken for different ones;
    nothing is switched, with one warning.
  - How each decision is made, and its source, is in the guide's table "How dms_public_access decides"
    (docs/docsite/rst/wait_after_public_ip.rst).
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
      - RabbitMQ takes exactly one; Kafka one per broker, checked against the instance's C(broker_num) when the instance
        reports it; RocketMQ one or more, with a warning (the bind is still sent) when the count is not three per broker,
        the count Huawei's RocketMQ user guide ("one broker runs on three servers") and Terraform's acceptance tests use.
      - Each item is one EIP ID (a UUID such as V(1aea7aed-e7d8-40ea-b3de-6f3ee9d5db9f)); letters, digits and C(-) only.
        A string of IDs separated by commas or spaces is split the same way in every spelling. The order does not
        matter when comparing with the EIPs already bound.
      - Duplicates are refused; the check takes linear time, also for very long lists.
    type: list
    elements: str
  wait:
    description:
      - Wait until the instance is C(RUNNING) with exactly the requested EIPs (or none), and the change's task, where DMS
        lists one, reports V(SUCCESS). Fails at once when that task ends V(FAILED), V(DELETED) or V(CANCELLED), when the
        instance reaches a state that does not pass by itself, or when Kafka's C(kafka_public_status) is C(freezed)
        (public network frozen for arrears).
      - With V(false), the module returns after DMS accepted the change. A switch to other EIPs still waits for its unbind,
        because DMS does not take the bind before.
    type: bool
    default: true
  wait_timeout:
    description:
      - Seconds for the whole run - reading the instance, retrying on C(DMS.00400026), the changes and the waits. The module
        fails when they run out, with the last state seen; the change may still finish in the background.
      - At least 1, at most 86400 (one day), as for every module of this collection.
    type: int
    default: 900
  wait_sleep:
    description:
      - Seconds between two reads while waiting, and between two tries while DMS answers C(DMS.00400026).
        Must be more than 0 and not more than O(wait_timeout). Below 0.5 it is raised to 0.5, with a warning (at most two
        polls a second, as for every module of this collection).
    type: float
    default: 5
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
    details: Reads the instance and reports what would change (RV(changed), RV(actions), the diff); sends no change.
  diff_mode:
    support: full
    details: Before and after of C(enable_publicip) and the bound EIP IDs (V(null) where the instance does not list them).
notes:
  - The EIPs must exist, be unbound and be in the instance's region; the module refuses others before sending anything
    when it can use the EIP API, and otherwise fails with the change's task when DMS refuses them.
  - The change's task is found among the tasks created since the time of the change's answer (its C(Date) header, on the
    DMS server's clock that also stamps C(created_at)), less the call's round trip and a second, so an older task
    of the same name cannot end the wait early and this host's clock does not matter. Only an answer without C(Date)
    falls back to this host's clock, moved onto the server's by what earlier answers showed. A task whose
    C(created_at) is not a real time (month 13, day 00) never counts.
  - Values the server sends (status, address, engine, error messages) are cut to about 300 characters in messages and
    warnings.
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
  description:
    - Whether this run sent a change (in check mode, whether one would be). V(false) when another run made the change
      while this one waited for the busy instance.
    - Also V(true) on failure once a change was sent; the message then says that the change may have been made.
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
    - V(null) when nothing was changed, with O(wait=false), in check mode, and when DMS listed no task for the change.
    - Its C(created_at) and C(updated_at) are on the DMS server's clock, as the API sends them.
  returned: always
  type: dict
  sample: {"id": "8abfa7b272adc5b40172b73130065ae7", "name": "bindInstancePublicIp", "status": "SUCCESS",
           "params": {"public_ip_id": "1aea7aed-e7d8-40ea-b3de-6f3ee9d5db9f", "public_ip_address": "100.93.2.18",
                      "enable_public_ip": true},
           "created_at": "2024-01-15T08:30:09.500Z", "updated_at": "2024-01-15T08:30:21.120Z"}
actions:
  description:
    - The change calls sent, in order - V(bind), V(unbind), or both for a switch (in check mode, those that would be).
    - A call answered with a server error or not answered at all is listed too (DMS may have carried it out); one sent
      again after that is listed again. Empty when nothing was sent.
  returned: always
  type: list
  elements: str
  sample: [unbind, bind]
public_ip_ids:
  description:
    - The EIP IDs bound to the instance at the end of the run, as its public addresses resolve through the EIP API
      (the detail's C(publicip_id) where the EIP API cannot be used). Empty without public access.
    - V(null) when they cannot be known (the EIP API unusable and the detail naming none, as on Kafka).
  returned: when the instance could be read
  type: list
  elements: str
  sample: ["1aea7aed-e7d8-40ea-b3de-6f3ee9d5db9f"]
public_ip_addresses:
  description:
    - The instance's public IPv4 addresses, from its address fields, in the order the detail lists them.
  returned: when the instance could be read
  type: list
  elements: str
  sample: ["100.93.2.18"]
elapsed:
  description:
    - Seconds since the module started. Also returned when it fails.
    - Measured on the monotonic clock of the host running the module, so neither clock's setting changes it.
  returned: always
  type: float
  sample: 14.532
"""

from ansible_collections.hwcloud.dms.plugins.module_utils._module import DmsModule
from ansible_collections.hwcloud.dms.plugins.module_utils._poll import WAIT_ARGUMENT_SPEC
from ansible_collections.hwcloud.dms.plugins.module_utils._public_access_plan import (
    DEFAULT_WAIT_TIMEOUT,
    PublicAccessOptions,
)
from ansible_collections.hwcloud.dms.plugins.module_utils._public_access_run import PublicAccess

ARGUMENT_SPEC = dict(
    instance_id=dict(type="str", required=True),
    state=dict(type="str", choices=["present", "absent"], default="present"),
    public_ip_ids=dict(type="list", elements="str"),
    wait=dict(type="bool", default=True),
    wait_timeout=dict(WAIT_ARGUMENT_SPEC["wait_timeout"], default=DEFAULT_WAIT_TIMEOUT),
    wait_sleep=WAIT_ARGUMENT_SPEC["wait_sleep"],
    progress_interval=WAIT_ARGUMENT_SPEC["progress_interval"],
)
# What a failure returns beside msg, before the action has a result of its own.
FAILURE_RESULT = dict(instance={}, task=None, actions=[], elapsed=0.0)


def main() -> None:
    DmsModule(
        ARGUMENT_SPEC,
        failure_result=FAILURE_RESULT,
        required_if=[("state", "present", ("public_ip_ids",))],
        supports_check_mode=True,
    ).execute(PublicAccessOptions.from_params, PublicAccess)


if __name__ == "__main__":
    main()
