# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""dms_instance_info in a real playbook against the emulator: each engine's instance found by name with its
public_access (EIPs resolved through the emulated EIP API), every page of a longer list, check mode, and the
warning when the EIP API refuses."""

from __future__ import annotations

import pytest

EIPS = {
    "kafka": [
        "1aea7aed-e7d8-40ea-b3de-6f3ee9d5db9f",
        "2bfb8bfe-f8e9-41fb-c4ef-7f4ff0e6ec0a",
        "3c0c9c0f-09fa-42ac-d5f0-8a5001f7fd1b",
    ],
    "rabbitmq": ["4d1da1a0-1a0b-43bd-e6a1-9b6112a80e2c"],
    "rocketmq": ["5e2eb2b1-2b1c-44ce-f7b2-ac7223b91f3d", "6f3fc3c2-3c2d-45df-08c3-bd8334ca2a4e"],
}
IDS = {
    "kafka": "7a000000-0000-4000-8000-000000000001",
    "rabbitmq": "7a000000-0000-4000-8000-000000000002",
    "rocketmq": "7a000000-0000-4000-8000-000000000003",
}


def _instances(emulator, extra_kafka: int = 0):
    for engine, instance_id in IDS.items():
        emulator.admin.create_instance(
            instance_id, engine, name="orders-" + engine, broker_num=len(EIPS[engine]), publicip_ids=EIPS[engine]
        )
    # More Kafka instances without public access, one named with "orders-kafka" as a prefix.
    for n in range(extra_kafka):
        emulator.admin.create_instance(
            "7b000000-0000-4000-8000-%012d" % n, "kafka", name="orders-kafka-%d" % n if n == 0 else "other-%d" % n
        )


def test_each_engine_found_by_name_with_its_public_access(emulator, playbook):
    _instances(emulator, extra_kafka=55)  # 56 Kafka instances: two pages of 50
    run = playbook("instance_info.yml")
    assert run.returncode == 0, run
    saved = run.results["result"]
    for found in saved["by_name"]:
        engine = found["item"]
        assert found["changed"] is False and len(found["instances"]) == 1, found
        instance = found["instances"][0]
        assert instance["instance_id"] == IDS[engine] and instance["name"] == "orders-" + engine
        access = instance["public_access"]
        assert access["enabled"] is True and access["public_ip_ids"] == EIPS[engine], access
        assert len(access["public_ip_addresses"]) == len(EIPS[engine]) and access["connect_addresses"]
        assert all(address.split(":")[0] in access["public_ip_addresses"] for address in access["connect_addresses"])
    kafka = saved["kafka"]
    assert len(kafka["instances"]) == 56 and saved["public_on"] == ["orders-kafka"]
    assert saved["kafka_check"]["changed"] is False and saved["kafka_check"]["instances"] == kafka["instances"]
    assert saved["none"]["instances"] == []
    stats = emulator.admin.stats()
    assert stats["signature_failures"] == 0 and stats["auth_failures"] == 0
    # Two pages per Kafka list (56 = 50 + 6), one per name lookup: 3 + 2 + 2 + 1.
    assert stats["requests_by_route"]["instances.list"] == 8


@pytest.mark.parametrize("status", [403, 404])
def test_eip_api_refused_gives_one_warning_and_the_addresses(emulator, playbook, status):
    _instances(emulator)
    emulator.admin._call(
        "POST", "/_emulator/faults", {"kind": "status", "status": status, "scope": "path", "path": "/publicips"}
    )
    run = playbook("instance_info.yml")
    assert run.returncode == 0, run
    saved = run.results["result"]
    kafka = saved["by_name"][0]["instances"][0]["public_access"]
    assert kafka["enabled"] is True and kafka["public_ip_ids"] is None and len(kafka["public_ip_addresses"]) == 3
    rabbit = saved["by_name"][1]["instances"][0]["public_access"]
    assert rabbit["public_ip_ids"] == EIPS["rabbitmq"]  # the detail's own publicip_id
    # One warning per module run that met the refusal (the loop's three, the two lists): never one per instance.
    assert (run.stdout + run.stderr).count("EIP lookups are off for this run") == 5, run
