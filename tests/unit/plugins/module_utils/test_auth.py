# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""AkSkAuth: the headers it adds are the signer's, the token is signed, and secrets never reach repr()."""

from __future__ import annotations

from ansible_collections.hwcloud.dms.plugins.module_utils._auth import AkSkAuth
from ansible_collections.hwcloud.dms.plugins.module_utils._signer import sign_request

AK = "HPUAEXAMPLEAK0000001"
SK = "exampleSecretKey0123456789abcdefghijABCD"
TOKEN = "EXAMPLE-SECURITY-TOKEN"
URL = "https://dms.cn-north-4.myhuaweicloud.com/v2/p/instances/i/tasks"
BASE_HEADERS = {"Content-Type": "application/json", "X-Project-Id": "0123456789abcdef0123456789abcdef", "X-Sdk-Date": "20240115T083000Z"}


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
    assert sent["Authorization"] == sign_request(AK, SK, "GET", URL, headers=dict(BASE_HEADERS, **{"X-Security-Token": TOKEN}))["Authorization"]
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
