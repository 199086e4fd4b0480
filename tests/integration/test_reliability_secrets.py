# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Issue 4 item 5: secret_key and security_token never show, in any output, even when the request fails.

A dedicated emulator logs every request to a file (quiet=False); playbooks run with -vvv and distinctive
secret values through success, a bad signature (401), 5xx, timeouts and bad input, with the secrets given as
options and as environment variables. Then stdout, stderr, every saved result and the emulator's log are searched.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

import pytest

from dms_emulator.pytest_plugin import EmulatorHandle
from dms_emulator.testing import EmulatorProcess


def _harness() -> Any:
    """tests/integration/conftest.py as a module, for its PlaybookRunner."""
    spec = importlib.util.spec_from_file_location(
        "reliability_secrets_harness", Path(__file__).with_name("conftest.py")
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


AK = "SECRETSAK00000000001"
SK = "Sk-7q9ZpL2xV4nB8mW3-distinctive"
TOKEN = "Tok-3kR8sJ5hG1dF6aQ0-distinctive"
WRONG_SK = "WrongSk-4uY7tE2oI9pA1-distinctive"
SECRETS = (SK, TOKEN, WRONG_SK)


@pytest.fixture
def logged_emulator(tmp_path):
    """An emulator whose request log (stderr) goes to a file we can read."""
    log_path = tmp_path / "emulator.log"
    process = EmulatorProcess(quiet=False, log_path=str(log_path)).start()
    try:
        handle = EmulatorHandle(url=process.url, admin=process.admin())
        handle.admin.add_credentials(access_keys=[{"access_key": AK, "secret_key": SK, "security_token": TOKEN}])
        yield handle, log_path
    finally:
        process.stop()


def test_secrets_never_appear_in_output_results_or_emulator_logs(logged_emulator, tmp_path):
    emulator, log_path = logged_emulator
    admin = emulator.admin
    instance = "i-secrets"

    def task(**faults):
        task_id = admin.create_task(instance_id=instance)["id"]
        if faults:
            admin.add_fault(scope="task", task_id=task_id, **faults)
        return task_id

    token_args = {"access_key": AK, "secret_key": SK, "security_token": TOKEN}
    cases = [
        {"id": "s_ok_options", "args": dict(token_args, task_id=task())},
        {"id": "s_ok_env", "args": {"task_id": task()}},
        {"id": "s_bad_signature", "args": dict(token_args, secret_key=WRONG_SK, task_id=task())},
        {"id": "s_bad_signature_token_only", "args": {"task_id": task(), "security_token": "not-" + TOKEN}},
        {"id": "s_500", "args": dict(token_args, task_id=task(kind="status", status=500), retries=1)},
        {
            "id": "s_timeout",
            "args": dict(token_args, task_id=task(kind="delay", seconds=2), request_timeout=0.5, retries=0),
        },
        {
            "id": "s_wait_timeout",
            "args": dict(
                token_args,
                task_id=task(kind="status", status=503),
                wait_for=True,
                wait_timeout=2,
                wait_sleep=0.5,
                retries=0,
            ),
        },
        {"id": "s_bad_input", "args": dict(token_args, wait_for=True, wait_sleep=10, wait_timeout=1)},
        {"id": "s_bad_endpoint", "args": dict(token_args, endpoint="ftp://127.0.0.1/")},
        {"id": "s_not_json", "args": dict(token_args, task_id=task(kind="not_json"))},
    ]
    for case in cases:
        case["args"].setdefault("instance_id", instance)
    runner = _harness().PlaybookRunner(emulator, tmp_path)
    # The secrets come from the controller's environment (bound late by the module) where a case does not set them as options.
    # Not from the play's `environment:` keyword: Ansible itself prints that in the -vvv EXEC line (docs/reliability.md).
    env = runner.env(HW_ACCESS_KEY=AK, HW_SECRET_KEY=SK, HW_SECURITY_TOKEN=TOKEN)
    run = runner("reliability_cases.yml", {"cases": cases}, env=env, args=["-vvv"])
    assert run.returncode == 0, run
    results = run.results["cases"]
    assert not results["s_ok_options"].get("failed") and not results["s_ok_env"].get("failed"), results
    assert results["s_bad_signature"]["failed"] and "HTTP 401" in results["s_bad_signature"]["msg"]
    assert (
        results["s_bad_signature_token_only"]["failed"] and "HTTP 401" in results["s_bad_signature_token_only"]["msg"]
    )
    assert "timed out" in results["s_timeout"]["msg"] and "Timed out" in results["s_wait_timeout"]["msg"]
    assert "'wait_sleep'" in results["s_bad_input"]["msg"] and "'endpoint'" in results["s_bad_endpoint"]["msg"]
    stats = admin.stats()
    assert stats["auth_failures_by_reason"].get("signature_mismatch") == 1
    assert stats["auth_failures_by_reason"].get("security_token") == 1
    admin.reset()  # flush: every request line is in the log by now
    log_text = log_path.read_text(encoding="utf-8")
    assert "/tasks/" in log_text and " 401 " in log_text and " 500 " in log_text  # the log did record the runs
    haystacks = {"stdout": run.stdout, "stderr": run.stderr, "results": json.dumps(results), "emulator log": log_text}
    assert "ESTABLISH LOCAL CONNECTION" in run.stdout  # -vvv really was verbose
    for where, text in haystacks.items():
        for secret in SECRETS:
            assert secret not in text, "%s leaked in %s" % (secret[:6], where)
