"""IAM: project lookup by region (signed) and password tokens (unsigned)."""

from __future__ import annotations

import json

from emu_harness import INSTANCE

from dms_emulator import DEFAULT_PROJECT_ID

USER = {"name": "alice", "password": "s3cret!", "domain_name": "acme"}


def _token_body(password="s3cret!", scope=None):
    return json.dumps(
        {
            "auth": {
                "identity": {
                    "methods": ["password"],
                    "password": {"user": {"name": "alice", "password": password, "domain": {"name": "acme"}}},
                },
                "scope": scope or {"project": {"name": "cn-north-4"}},
            }
        }
    ).encode("utf-8")


def test_projects_by_region(harness):
    reply, body = harness.call("GET", "/v3/projects", "name=cn-north-4", headers={"x-project-id": ""})
    assert reply.status == 200
    assert [(p["id"], p["name"], p["enabled"]) for p in body["projects"]] == [(DEFAULT_PROJECT_ID, "cn-north-4", True)]
    assert "domain_id" in body["projects"][0]
    dummy, body = harness.call("GET", "/v3/projects", "name=ap-southeast-1")
    assert body["projects"] == []


def test_projects_several_matches(harness):
    harness.admin("POST", "/_emulator/credentials", {"projects": [{"id": "f" * 32, "name": "cn-north-4"}]})
    dummy, body = harness.call("GET", "/v3/projects", "name=cn-north-4")
    assert len(body["projects"]) == 2


def test_projects_need_signature(harness):
    reply, dummy = harness.call("GET", "/v3/projects", "name=cn-north-4", sk="bad")
    assert reply.status == 401


def test_password_token_flow(harness):
    harness.admin("POST", "/_emulator/credentials", {"users": [USER]})
    harness.admin("POST", "/_emulator/tasks", {"instance_id": INSTANCE, "id": "t"})
    reply, body = harness.call("POST", "/v3/auth/tokens", body=_token_body(), sign=False)
    assert reply.status == 201
    token = reply.headers["X-Subject-Token"]
    assert body["token"]["project"]["id"] == DEFAULT_PROJECT_ID and body["token"]["expires_at"].endswith("Z")
    reply, dummy = harness.call("GET", harness.task_path("t"), sign=False, headers={"X-Auth-Token": token})
    assert reply.status == 200


def test_token_scope_by_id(harness):
    harness.admin("POST", "/_emulator/credentials", {"users": [USER]})
    reply, body = harness.call(
        "POST", "/v3/auth/tokens", body=_token_body(scope={"project": {"id": DEFAULT_PROJECT_ID}}), sign=False
    )
    assert reply.status == 201 and body["token"]["project"]["name"] == "cn-north-4"


def test_wrong_password_is_401(harness):
    harness.admin("POST", "/_emulator/credentials", {"users": [USER]})
    reply, body = harness.call("POST", "/v3/auth/tokens", body=_token_body("nope"), sign=False)
    assert reply.status == 401 and "X-Subject-Token" not in reply.headers
    assert body["error_code"] == "IAM.0006"


def test_malformed_token_request_is_400(harness):
    reply, dummy = harness.call("POST", "/v3/auth/tokens", body=b"{}", sign=False)
    assert reply.status == 400
