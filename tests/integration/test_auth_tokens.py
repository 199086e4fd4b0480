# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Token and password authentication through ansible-playbook -vvv: they work, fail clearly, and never show a secret."""

from __future__ import annotations

import json
import uuid

EMPTY_REGION = "ap-nowhere-9"
USER = "alice"
DOMAIN = "acme"


def _everything(run) -> str:
    return run.stdout + run.stderr + json.dumps(run.results)


def test_token_from_env_with_lookup_and_an_expired_token(emulator, playbook, instance_id):
    task = emulator.admin.create_task(instance_id=instance_id)
    token = emulator.admin.issue_token()["token"]
    expired = emulator.admin.issue_token(expired=True)["token"]
    env = playbook.env(credentials=False, HW_AUTH_TOKEN=token, HW_DMS_ENDPOINT=emulator.url, HW_AUTH_URL=emulator.url)
    run = playbook(
        "auth_token.yml",
        {"task_id": task["id"], "expired_token": expired, "project_id": emulator.project_id},
        env=env,
        args=["-vvv"],
    )
    assert run.returncode == 0, run

    assert run.results["token_env"]["task"]["id"] == task["id"]
    failed = run.results["token_expired"]
    assert failed["failed"] is True
    assert "HTTP 401" in failed["msg"] and "token expires" in failed["msg"]
    assert (
        "expired or is invalid" in failed["msg"] and "HW_AUTH_TOKEN" in failed["msg"] and "user_name" in failed["msg"]
    )

    stats = emulator.admin.stats()
    # Token only: nothing signed; one lookup (with the token) and one read in the first run, one refused read in the second.
    assert stats["auth_headers_seen"] == {"x-auth-token": 3}
    assert stats["requests_by_route"] == {"iam.list_projects": 1, "dms.show_task": 2}
    assert stats["auth_failures_by_reason"] == {"token_expired": 1}
    text = _everything(run)
    assert token not in text and expired not in text and "MIIEMU" not in text
    assert "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER" in run.stdout  # -vvv did print the invocation, with the secrets masked


def test_password_token_wrong_password_and_region_without_project(emulator, playbook, instance_id):
    password = "pw-" + uuid.uuid4().hex
    wrong = "wrong-" + uuid.uuid4().hex
    emulator.admin.add_credentials(users=[{"name": USER, "password": password, "domain_name": DOMAIN}])
    task = emulator.admin.create_task(instance_id=instance_id)
    env = playbook.env(
        credentials=False,
        HW_USER_NAME=USER,
        HW_USER_PASSWORD=password,
        HW_DOMAIN_NAME=DOMAIN,
        HW_DMS_ENDPOINT=emulator.url,
        HW_AUTH_URL=emulator.url,
    )
    run = playbook(
        "auth_password.yml",
        {"task_id": task["id"], "wrong_password": wrong, "empty_region": EMPTY_REGION},
        env=env,
        args=["-vvv"],
    )
    assert run.returncode == 0, run

    assert run.results["password_ok"]["task"]["id"] == task["id"]

    refused = run.results["password_wrong"]
    assert refused["failed"] is True
    assert "IAM refused the password of user 'alice' in account (domain) 'acme'" in refused["msg"]
    assert "HTTP 401: IAM.0006 The username or password is wrong." in refused["msg"]
    assert "HW_USER_PASSWORD" in refused["msg"] and "********" not in refused["msg"]

    no_project = run.results["password_no_project"]
    assert no_project["failed"] is True
    assert "IAM would not issue a token for the project named '%s'" % EMPTY_REGION in no_project["msg"]
    assert "IAM.0011" in no_project["msg"] and "HW_REGION_NAME" in no_project["msg"]

    stats = emulator.admin.stats()
    # One token request per run; the token's body names the project, so no lookup at all.
    assert stats["requests_by_route"] == {"iam.create_token": 3, "dms.show_task": 1}
    assert stats["auth_headers_seen"] == {"x-auth-token": 1}
    text = _everything(run)
    assert password not in text and wrong not in text
    assert (
        "MIIEMU" not in text
    )  # the emulator's tokens all start so: the one IAM issued for the password never shows either
