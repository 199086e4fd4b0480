# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Realistic dms_request mistakes in a real playbook against the emulator: each works sensibly or fails naming the
option and the fix; the ones the module can see before sending send nothing (the emulator's counters say so)."""

from __future__ import annotations

INSTANCE = "11111111-2222-3333-4444-555555555555"


def test_realistic_mistakes_work_or_name_the_option_and_the_fix(emulator, playbook):
    emulator.admin.create_instance(INSTANCE, engine="kafka")
    run = playbook("request_mistakes.yml")
    assert run.returncode == 0, run
    saved = run.results["request_mistakes"]

    def failed(name: str, *fragments: str) -> None:
        result = saved[name]
        assert result["failed"] is True and result["changed"] is False and result.get("status") is None, (name, result)
        for fragment in fragments:
            assert fragment in result["msg"], (name, result["msg"])

    # Ansible's own choices check names the option and every accepted value.
    failed("lower_case_method", "value of method must be one of: GET, POST, PUT, DELETE, PATCH, got: post")
    failed("json_text_body", "Option 'body' must be a dictionary or a list", "from_json")
    failed("templated_json_body", "Option 'body' must be a dictionary or a list", "from_json")
    failed("no_leading_slash", "Option 'path' must begin with '/'")
    failed("query_in_path", "Option 'path' contains '?' or '#'", "Put query parameters in 'query'")
    failed("missing_instance_id", "Option 'path' contains {instance_id}: set 'instance_id'")
    failed("nested_query", "Option 'query' key 'filter' has a value of type dict")
    failed("wait_on_get", "Option 'wait_for' cannot be used with method GET", "set 'method'")
    failed("body_on_get", "cannot be sent with method GET", "set 'method'")
    failed("wait_without_instance", "Option 'wait_for' needs 'instance_id'")

    # These work: a single status code, codes as text, numbers in the query, a query as k=v text.
    for name in ("single_status_code", "text_status_codes", "int_query", "string_query"):
        assert saved[name]["failed"] is False and saved[name]["status"] == 200, (name, saved[name])
        assert saved[name]["changed"] is False and "tasks" in saved[name]["json"], name

    stats = emulator.admin.stats()
    # Only the four working GETs reached the emulator, signed correctly; every mistake was caught before sending.
    assert stats["requests_by_route"] == {"dms.list_tasks": 4}, stats
    assert stats["signature_failures"] == 0
