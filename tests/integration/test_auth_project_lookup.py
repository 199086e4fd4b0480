# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""project_id from the region through IAM (1, 0 and 2 matching projects), and which credentials win when several are set."""

from __future__ import annotations

EMPTY_REGION = "ap-nowhere-9"
TWIN_REGION = "la-twin-1"
TWINS = ["aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa2"]


def test_project_id_is_looked_up_once_per_run_and_zero_or_two_matches_fail_clearly(emulator, playbook, instance_id):
    task = emulator.admin.create_task(
        instance_id=instance_id, timeline=[{"status": "EXECUTING", "polls": 2}, {"status": "SUCCESS"}]
    )
    emulator.admin.add_credentials(projects=[{"id": project_id, "name": TWIN_REGION} for project_id in TWINS])
    # Terraform's HW_AUTH_URL ends in /v3; the module drops it.
    env = playbook.env(
        credentials=False,
        HW_ACCESS_KEY=emulator.access_key,
        HW_SECRET_KEY=emulator.secret_key,
        HW_DMS_ENDPOINT=emulator.url,
        HW_AUTH_URL=emulator.url + "/v3",
    )
    run = playbook(
        "auth_project_lookup.yml",
        {"task_id": task["id"], "empty_region": EMPTY_REGION, "twin_region": TWIN_REGION},
        env=env,
    )
    assert run.returncode == 0, run

    one = run.results["one_match"]
    assert one["failed"] is False and one["task"]["status"] == "SUCCESS"
    assert one["attempts"] == 3

    none = run.results["no_match"]
    assert none["failed"] is True
    assert "No IAM project is named after region '%s'" % EMPTY_REGION in none["msg"]
    assert "'project_id' (HW_PROJECT_ID)" in none["msg"] and "'region'" in none["msg"]

    two = run.results["two_matches"]
    assert two["failed"] is True
    assert "Several IAM projects are named '%s'" % TWIN_REGION in two["msg"]
    assert all(project_id in two["msg"] for project_id in TWINS) and "set 'project_id'" in two["msg"]

    stats = emulator.admin.stats()
    # Three module runs, one lookup each, although the first one polled three times.
    assert stats["requests_by_route"]["iam.list_projects"] == 3
    assert stats["requests_by_route"]["dms.show_task"] == 3
    assert stats["signature_failures"] == 0
    # The lookups are signed without X-Project-Id; every DMS call carries it.
    without_project = {
        headers: count
        for headers, count in stats["signed_header_sets"].items()
        if "x-project-id" not in headers.split(";")
    }
    assert sum(without_project.values()) == 3, stats["signed_header_sets"]


def test_environment_precedence_and_explicit_conflicts(emulator, playbook, instance_id):
    task = emulator.admin.create_task(instance_id=instance_id)
    token = emulator.admin.issue_token()["token"]
    env = playbook.env(
        HW_AUTH_TOKEN=token, HW_AUTH_URL=emulator.url
    )  # the same token as the option: set in the task, it still wins
    run = playbook(
        "auth_precedence.yml",
        {"task_id": task["id"], "token": token, "other_access_key": "OTHERAK0000000000001"},
        env=env,
    )
    assert run.returncode == 0, run

    env_only = run.results["env_only"]
    assert env_only["task"]["id"] == task["id"]
    assert any(
        "several authentication methods" in warning and "using access_key/secret_key" in warning
        for warning in env_only.get("warnings", [])
    ), env_only

    explicit = run.results["explicit_token"]
    assert explicit["task"]["id"] == task["id"]
    assert not any("several authentication methods" in warning for warning in explicit.get("warnings", []))

    conflict = run.results["explicit_conflict"]
    assert conflict["failed"] is True
    assert "access_key and auth_token choose different authentication methods" in conflict["msg"]

    stats = emulator.admin.stats()
    assert stats["auth_headers_seen"] == {"sdk-hmac-sha256": 1, "x-auth-token": 1}
    assert stats["requests_by_route"]["dms.show_task"] == 2
    assert "iam.list_projects" not in stats["requests_by_route"]
