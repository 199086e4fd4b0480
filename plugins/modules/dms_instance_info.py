#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.dms contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: dms_instance_info
short_description: Find Huawei Cloud DMS instances by name, engine or status, with their public access
version_added: 1.1.0
description:
  - Lists the Huawei Cloud DMS instances (Kafka, RabbitMQ and RocketMQ) of a project through
    C(GET /v2/{project_id}/instances), reading every page (50 instances a page, at most 100 pages), optionally filtered by
    O(instance_id), O(name), O(engine) and O(status).
  - Each instance is returned as DMS sends it, plus RV(instances[].public_access), a summary of its public access that is
    the same for every engine. Its bound EIPs are resolved from the instance's public addresses through the VPC
    service's EIP API, as M(hwcloud.dms.dms_public_access) does.
  - The module only reads. Use it to find the ID of an instance a playbook knows by name.
author:
  - hwcloud.dms maintainers (@hwcloud-ansible)
options:
  instance_id:
    description:
      - Return only the instance with this ID (an empty list when there is none).
    type: str
  name:
    description:
      - Return only instances with this name, compared as O(name_match) says.
    type: str
  name_match:
    description:
      - How O(name) is compared.
      - V(exact) asks the API for an exact match (C(exact_match_name=true)) and checks each returned name again, so that
        a name that is the start of another never returns the other instance.
      - V(contains) is the API's fuzzy match (C(exact_match_name=false)), names that contain O(name).
    type: str
    choices: [exact, contains]
    default: exact
  engine:
    description:
      - Return only instances of this engine. V(reliability) is RocketMQ's other name (RocketMQ instances report it as
        their C(engine)); both are sent to the API as V(reliability).
      - Without it, instances of every engine are listed.
    type: str
    choices: [kafka, rabbitmq, rocketmq, reliability]
  status:
    description:
      - Return only instances in this status, for example V(RUNNING), V(CREATING), V(FROZEN) or V(CREATEFAILED).
    type: str
  include_failure:
    description:
      - Also return instances whose creation failed (status V(CREATEFAILED)).
    type: bool
    default: false
  public_access:
    description:
      - Add RV(instances[].public_access) to each instance. Resolving the bound EIPs costs one call to the EIP API per
        instance with public access on; V(false) skips it.
    type: bool
    default: true
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
    details: The module only reads; it behaves the same in check mode.
  diff_mode:
    support: none
notes:
  - Without permission to list EIPs (C(vpc:publicIps:list)), or when the VPC service cannot be reached, the module warns
    once and RV(instances[].public_access) holds the instance's public addresses and what the instance detail says of
    its EIPs (C(publicip_id); nothing on Kafka).
  - Every returned instance matches the filters; the filters are checked again on the API's answer.
seealso:
  - module: hwcloud.dms.dms_public_access
  - name: Querying all instances (Kafka API reference)
    description: The API this module calls.
    link: https://support.huaweicloud.com/intl/en-us/api-kafka/ListInstances.html
"""

EXAMPLES = r"""
- name: Find the instance by name
  hwcloud.dms.dms_instance_info:
    region: cn-north-4
    name: orders-kafka-prod
    engine: kafka
  register: found

- name: Fail clearly unless exactly one instance has that name
  ansible.builtin.assert:
    that: found.instances | length == 1
    fail_msg: "{{ found.instances | length }} instances are named orders-kafka-prod"

- name: Then bind public access to it
  hwcloud.dms.dms_public_access:
    region: cn-north-4
    instance_id: "{{ found.instances[0].instance_id }}"
    public_ip_ids: "{{ kafka_eip_ids }}"

- name: List all Kafka instances
  hwcloud.dms.dms_instance_info:
    engine: kafka
  register: kafka

- name: Show those with public access on, and their EIPs
  ansible.builtin.debug:
    msg: "{{ item.name }}: {{ item.public_access.public_ip_addresses | join(', ') }}"
  loop: "{{ kafka.instances | selectattr('public_access.enabled') | list }}"
  loop_control:
    label: "{{ item.instance_id }}"

- name: Every running RocketMQ instance whose name contains "orders"
  hwcloud.dms.dms_instance_info:
    engine: rocketmq
    name: orders
    name_match: contains
    status: RUNNING
    public_access: false
"""

RETURN = r"""
instances:
  description:
    - The matching instances, each as the API lists it (the engine's instance detail; its fields differ per engine), plus
      RV(instances[].public_access).
    - Empty when nothing matches.
  returned: always
  type: list
  elements: dict
  sample:
    - instance_id: 11111111-2222-3333-4444-555555555555
      name: orders-kafka-prod
      engine: kafka
      status: RUNNING
      public_access:
        enabled: true
        public_ip_ids: [1aea7aed-e7d8-40ea-b3de-6f3ee9d5db9f]
        public_ip_addresses: [100.64.1.1]
        connect_addresses: ["100.64.1.1:9094"]
        status: actived
  contains:
    public_access:
      description:
        - The instance's public access, the same for every engine. V(null) for an instance whose engine is none of
          kafka, rabbitmq and rocketmq (with a warning). Absent with O(public_access=false).
      type: dict
      returned: when O(public_access=true)
      contains:
        enabled:
          description: Whether public access is on.
          type: bool
        public_ip_ids:
          description:
            - The IDs of the bound EIPs, resolved from the public addresses through the EIP API (in the order of the
              addresses). Empty when public access is off.
            - V(null) when they cannot be known (the EIP API unavailable and the detail does not list them, as on Kafka).
          type: list
          elements: str
        public_ip_addresses:
          description: The instance's public IPv4 addresses (distinct, in the order the detail lists them).
          type: list
          elements: str
        connect_addresses:
          description: The engine's public endpoints (C(address:port)) clients connect to.
          type: list
          elements: str
        status:
          description: Kafka's C(kafka_public_status) (for example V(actived), V(closed)); V(on) or V(off) on the other engines.
          type: str
elapsed:
  description: Seconds the module ran.
  returned: always
  type: float
  sample: 0.4
"""

from ansible_collections.hwcloud.dms.plugins.module_utils._instance_info import InstanceInfo, InstanceInfoOptions
from ansible_collections.hwcloud.dms.plugins.module_utils._module import DmsModule

ARGUMENT_SPEC = dict(
    instance_id=dict(type="str"),
    name=dict(type="str"),
    name_match=dict(type="str", choices=["exact", "contains"], default="exact"),
    engine=dict(type="str", choices=["kafka", "rabbitmq", "rocketmq", "reliability"]),
    status=dict(type="str"),
    include_failure=dict(type="bool", default=False),
    public_access=dict(type="bool", default=True),
)
# What a failure returns beside msg, before the action has a result of its own.
FAILURE_RESULT = dict(instances=[], elapsed=0.0)


def main() -> None:
    DmsModule(ARGUMENT_SPEC, failure_result=FAILURE_RESULT, supports_check_mode=True).execute(
        InstanceInfoOptions.from_params, InstanceInfo
    )


if __name__ == "__main__":
    main()
