# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""AkSkAuth: the headers it adds are the signer's, the token is signed, and secrets never reach repr()."""

from __future__ import annotations

import pytest

from ansible_collections.hwcloud.dms.plugins.module_utils._auth import (
    AkSkAuth,
    PasswordCredentials,
    TokenAuth,
    Unsigned,
)
from ansible_collections.hwcloud.dms.plugins.module_utils._errors import DmsApiError
from ansible_collections.hwcloud.dms.plugins.module_utils._signer import sign_request

AK = "HPUAEXAMPLEAK0000001"
SK = "exampleSecretKey0123456789abcdefghijABCD"
TOKEN = "EXAMPLE-SECURITY-TOKEN"
URL = "https://dms.cn-north-4.myhuaweicloud.com/v2/p/instances/i/tasks"
BASE_HEADERS = {
    "Content-Type": "application/json",
    "X-Project-Id": "0123456789abcdef0123456789abcdef",
    "X-Sdk-Date": "20240115T083000Z",
}


def test_headers_are_the_signers_headers():
    sent = AkSkAuth(AK, SK).headers("GET", URL, [("limit", "10")], BASE_HEADERS, b"")
    assert sent == sign_request(AK, SK, "GET", URL, query=[("limit", "10")], headers=BASE_HEADERS)
    assert "X-Security-Token" not in sent
    assert "SignedHeaders=content-type;host;x-project-id;x-sdk-date," in sent["Authorization"]


def test_security_token_is_added_and_signed_without_touching_the_callers_headers():
    headers = dict(BASE_HEADERS)
    sent = AkSkAuth(AK, SK, TOKEN).headers("GET", URL, [], headers, b"")
    assert sent["X-Security-Token"] == TOKEN
    assert "x-security-token" in sent["Authorization"].split("SignedHeaders=")[1].split(",")[0]
    assert (
        sent["Authorization"]
        == sign_request(AK, SK, "GET", URL, headers=dict(BASE_HEADERS, **{"X-Security-Token": TOKEN}))["Authorization"]
    )
    assert headers == BASE_HEADERS


def test_secret_never_in_the_headers():
    sent = AkSkAuth(AK, SK).headers("GET", URL, [], BASE_HEADERS, b"")
    assert all(SK not in value for value in sent.values())


def test_repr_hides_the_secret_and_the_token():
    with_token = repr(AkSkAuth(AK, SK, TOKEN))
    assert SK not in with_token and TOKEN not in with_token
    assert AK in with_token and "<hidden>" in with_token
    without = repr(AkSkAuth(AK, SK))
    assert SK not in without and "security_token=None" in without
    assert SK not in str(AkSkAuth(AK, SK))


def test_token_auth_sends_x_auth_token_and_signs_nothing():
    sent = TokenAuth("MIIEXAMPLE").headers("GET", URL, [("limit", "10")], BASE_HEADERS, b"")
    assert sent["X-Auth-Token"] == "MIIEXAMPLE"
    assert "Authorization" not in sent and "X-Security-Token" not in sent
    assert "X-Auth-Token" not in BASE_HEADERS


def test_unsigned_adds_nothing():
    assert Unsigned().headers("POST", URL, [], BASE_HEADERS, b"{}") == BASE_HEADERS


def test_token_request_scope_and_scrub():
    credentials = PasswordCredentials("alice", "pw-secret", "acme")
    assert credentials.token_request(project_name="cn-north-4")["auth"]["scope"] == {"project": {"name": "cn-north-4"}}
    assert credentials.token_request(project_id="p1", project_name="cn-north-4")["auth"]["scope"] == {
        "project": {"id": "p1"}
    }
    assert credentials.scrub("echo pw-secret twice pw-secret") == "echo <hidden> twice <hidden>"
    assert "pw-secret" not in repr(credentials) and "alice" in repr(credentials)


@pytest.mark.parametrize(
    "code,msg,expect",
    [
        ("APIGW.0301", "Incorrect IAM authentication information: token expires", "expired or is invalid"),
        ("APIGW.0301", "Incorrect IAM authentication information: decrypt token fail", "expired or is invalid"),
        ("DMS.10240102", None, "expired or is invalid"),
        ("DMS.10240104", "The project ID in the URL does not match the token.", "scoped to another project"),
    ],
)
def test_token_failures_get_a_token_hint(code, msg, expect):
    message = str(DmsApiError("GET", "/v2/p/instances/i/tasks", 401, code, msg, None))
    assert expect in message and "access_key/secret_key" not in message


def test_signature_failures_keep_the_aksk_hint():
    message = str(
        DmsApiError(
            "GET", "/x", 401, "APIGW.0301", "Incorrect IAM authentication information: verify aksk signature fail", None
        )
    )
    assert "Check access_key/secret_key" in message and "expired" not in message
