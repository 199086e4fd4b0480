# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Check mode gives the same result as a normal run; TLS with the emulator's private CA (ca_path, default, validate_certs: false)."""

from __future__ import annotations

import re

TASK_ID = "c0ffee00c0ffee00c0ffee00c0ffee00"
TIMELINE = [{"status": "CREATED", "polls": 1}, {"status": "EXECUTING", "polls": 1}, {"status": "SUCCESS"}]


def _without_timing(result):
    """The result minus what depends on when it ran: elapsed, updated_at (when the status last flipped), and the
    server clock's offset estimate (its bounds come from sub-second send/receive times)."""

    def task(item):
        return {key: value for key, value in item.items() if key != "updated_at"}

    kept = {key: value for key, value in result.items() if key not in ("elapsed", "task", "tasks", "clock")}
    kept.update(
        task=task(result["task"]),
        tasks=[task(item) for item in result["tasks"]],
        clock={key: value for key, value in result["clock"].items() if key != "server_offset"},
    )
    return kept


def test_check_mode_reads_and_waits_like_a_normal_run(emulator, playbook, instance_id):
    runs, stats = {}, {}
    for mode, args in (("normal", []), ("check", ["--check"])):
        emulator.admin.reset()
        emulator.admin.create_task(
            instance_id=instance_id,
            id=TASK_ID,
            name="bindInstancePublicIp",
            created_at="2024-01-15T08:00:00.000Z",
            timeline=TIMELINE,
        )
        runs[mode] = playbook("check_mode.yml", {"task_id": TASK_ID}, args=args)
        assert runs[mode].returncode == 0, runs[mode]
        stats[mode] = emulator.admin.stats()["requests_by_route"]
    normal, check = runs["normal"].results["check_mode"], runs["check"].results["check_mode"]
    assert (normal["check_mode"], check["check_mode"]) == (False, True)
    assert check["shown"]["task"]["status"] == "CREATED"
    assert check["waited"]["task"]["status"] == "SUCCESS" and check["waited"]["attempts"] == 2
    for name in ("shown", "waited"):
        assert _without_timing(check[name]) == _without_timing(normal[name]), name
        assert check[name]["changed"] is False
    assert stats["check"] == stats["normal"] == {"dms.show_task": 3}
    assert re.search(r"localhost\s+: ok=3\s+changed=0 ", runs["check"].stdout), runs["check"].stdout


def test_tls_ca_path_default_verification_and_validate_certs_false(emulator_tls, playbook_tls, instance_id):
    assert emulator_tls.url.startswith("https://127.0.0.1:")
    task = emulator_tls.admin.create_task(instance_id=instance_id, name="bindInstancePublicIp", timeline="SUCCESS")
    run = playbook_tls("tls.yml", {"task_id": task["id"], "ca_path": emulator_tls.ca_path})
    assert run.returncode == 0, run
    saved = run.results["tls"]

    assert saved["with_ca"]["task"]["id"] == task["id"]
    refused = saved["default_verify"]
    assert refused["failed"] is True and refused["tasks"] == []
    assert "TLS verification failed for DMS API GET %s/v2/" % emulator_tls.url in refused["msg"], refused["msg"]
    assert "CERTIFICATE_VERIFY_FAILED" in refused["msg"] and "Set 'ca_path'" in refused["msg"], refused["msg"]
    assert saved["unverified"]["task"]["id"] == task["id"]
    # One warning, from the run with validate_certs: false only.
    warnings = re.findall(r"\[WARNING\]: validate_certs is false", run.stdout + run.stderr)
    assert len(warnings) == 1, run

    stats = emulator_tls.admin.stats()
    # The refused handshake never became a request; the other two did, correctly signed.
    assert stats["requests_by_route"] == {"dms.show_task": 2} and stats["signature_failures"] == 0
