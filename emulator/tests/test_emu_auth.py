"""Gateway behaviour: unknown AK, mismatch, lockout, clock skew, tokens, missing credentials."""

from __future__ import annotations

import json

from emu_harness import INSTANCE

from dms_emulator import DEFAULT_ACCESS_KEY
from dms_emulator.timefmt import format_sdk_date


def _setup(harness):
    harness.admin("POST", "/_emulator/tasks", {"instance_id": INSTANCE, "id": "t"})


def test_unknown_ak(harness):
    _setup(harness)
    reply, body = harness.call("GET", harness.task_path("t"), ak="NOSUCHAK")
    assert reply.status == 401 and body["error_code"] == "APIGW.0301" and "ak not exist" in body["error_msg"]
    assert body["request_id"] == "req-1"


def test_mismatch_echoes_canonical_request(harness):
    _setup(harness)
    reply, body = harness.call("GET", harness.task_path("t"), sk="wrong")
    assert reply.status == 401 and body["error_code"] == "APIGW.0301"
    assert "verify aksk signature fail" in body["error_msg"]
    assert "canonicalRequest:GET|/v2/" in body["error_msg"] and "\n" not in body["error_msg"]
    stats = harness.emu.stats.snapshot()
    assert stats["signature_failures"] == 1 and stats["auth_failures_by_reason"] == {"signature_mismatch": 1}


def test_lockout_after_five_failures_and_reset_by_success(harness, clock):
    _setup(harness)
    for dummy in range(4):
        assert harness.call("GET", harness.task_path("t"), sk="wrong")[0].status == 401
    # A good signature before the fifth failure resets the counter.
    assert harness.call("GET", harness.task_path("t"))[0].status == 200
    for dummy in range(5):
        harness.call("GET", harness.task_path("t"), sk="wrong")
    reply, body = harness.call("GET", harness.task_path("t"))
    assert reply.status == 401 and "AK access failed to reach the limit,forbidden" in body["error_msg"]
    clock.advance(299)
    assert harness.call("GET", harness.task_path("t"))[0].status == 401
    clock.advance(2)
    assert harness.call("GET", harness.task_path("t"))[0].status == 200


def test_lockout_cleared_by_admin_reset(harness):
    _setup(harness)
    for dummy in range(5):
        harness.call("GET", harness.task_path("t"), sk="wrong")
    harness.admin("POST", "/_emulator/reset", {})
    _setup(harness)
    assert harness.call("GET", harness.task_path("t"))[0].status == 200


def test_clock_skew(harness, clock):
    _setup(harness)
    assert harness.call("GET", harness.task_path("t"), date=format_sdk_date(clock.now() - 15 * 60))[0].status == 200
    reply, body = harness.call("GET", harness.task_path("t"), date=format_sdk_date(clock.now() + 15 * 60 + 1))
    assert reply.status == 401 and body["error_code"] == "APIGW.0303"
    assert body["error_msg"].startswith("signature expired, signature time:") and "server time:" in body["error_msg"]


def test_missing_auth(harness):
    _setup(harness)
    reply, body = harness.call("GET", harness.task_path("t"), sign=False)
    assert reply.status == 401 and body["error_code"] == "APIGW.0301"
    assert harness.emu.stats.snapshot()["auth_headers_seen"] == {"none": 1}


def test_temporary_credentials_need_security_token(harness):
    _setup(harness)
    harness.admin(
        "POST",
        "/_emulator/credentials",
        {"access_keys": [{"access_key": "TMPAK", "secret_key": "tmpsk", "security_token": "STS-TOKEN"}]},
    )
    assert harness.call("GET", harness.task_path("t"), ak="TMPAK", sk="tmpsk")[0].status == 401
    reply, dummy = harness.call(
        "GET", harness.task_path("t"), ak="TMPAK", sk="tmpsk", headers={"X-Security-Token": "STS-TOKEN"}
    )
    assert reply.status == 200


def test_tokens(harness, clock):
    _setup(harness)
    dummy, issued = harness.admin("POST", "/_emulator/tokens", {})
    reply, dummy = harness.call("GET", harness.task_path("t"), sign=False, headers={"X-Auth-Token": issued["token"]})
    assert reply.status == 200
    dummy, expired = harness.admin("POST", "/_emulator/tokens", {"expired": True})
    reply, body = harness.call("GET", harness.task_path("t"), sign=False, headers={"X-Auth-Token": expired["token"]})
    assert reply.status == 401 and "token expires" in body["error_msg"]
    reply, body = harness.call("GET", harness.task_path("t"), sign=False, headers={"X-Auth-Token": "MIIbogus"})
    assert reply.status == 401 and "decrypt token fail" in body["error_msg"]
    clock.advance(24 * 3600)
    assert (
        harness.call("GET", harness.task_path("t"), sign=False, headers={"X-Auth-Token": issued["token"]})[0].status
        == 401
    )
    seen = harness.emu.stats.snapshot()["auth_headers_seen"]
    assert seen == {"x-auth-token": 4}


def test_token_for_other_project_is_refused(harness):
    _setup(harness)
    harness.admin("POST", "/_emulator/credentials", {"projects": [{"id": "p2" * 16, "name": "cn-south-1"}]})
    dummy, issued = harness.admin("POST", "/_emulator/tokens", {"project_name": "cn-south-1"})
    reply, body = harness.call("GET", harness.task_path("t"), sign=False, headers={"X-Auth-Token": issued["token"]})
    assert reply.status == 401 and body["error_code"] == "DMS.10240104"


def test_signed_header_sets_are_counted(harness):
    _setup(harness)
    harness.call("GET", harness.task_path("t"))
    assert harness.emu.stats.snapshot()["signed_header_sets"] == {"content-type;host;x-project-id;x-sdk-date": 1}
    assert DEFAULT_ACCESS_KEY


def test_logless_secrets_in_error_bodies(harness):
    # The mismatch message echoes the canonical request but never the secret key or the signature.
    _setup(harness)
    dummy, body = harness.call("GET", harness.task_path("t"), sk="wrong-secret")
    assert "wrong-secret" not in json.dumps(body)
