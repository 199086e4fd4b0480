# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one table of signature cases, checked against huaweicloudsdkcore's Signer, Huawei's own implementation.

Each case goes through the collection's own path: the auth object the module builds (AK/SK, AK/SK with a security
token, an IAM token), dms_request's query dictionary turned into pairs (``query_pairs``), and ``sign_request``. The
Authorization header must be byte-equal to the one the SDK computes for the same request as it goes on the wire:
methods (upper and lower case), query lists (repeated keys, booleans, numbers, None left out, blank values),
reserved and non-ASCII characters in path, query and body, ``%2F`` in a path segment (RabbitMQ's default vhost),
empty bodies. test_signer_property.py searches the same equality over random requests; the playbook stand-ins
(test_request_vs_sdk_signer.py, test_public_access_vs_sdk_signer.py) check what the modules put on the wire.
"""

from __future__ import annotations

import json
import re
from typing import Any, Optional

import pytest
from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.sdk_request import SdkRequest
from huaweicloudsdkcore.signer.signer import Signer

from ansible_collections.hwcloud.dms.plugins.module_utils._auth import AkSkAuth, TokenAuth
from ansible_collections.hwcloud.dms.plugins.module_utils._request_path import query_pairs
from ansible_collections.hwcloud.dms.tests.compat.test_request_vs_sdk_signer import NESTED_BODY as STAND_IN_BODY
from ansible_collections.hwcloud.dms.tests.compat.test_request_vs_sdk_signer import QUERY as STAND_IN_QUERY

AK = "HPUAEXAMPLEAK0000001"
SK = "exampleSecretKey0123456789abcdefghijABCD"
SECURITY_TOKEN = "EXAMPLE-SECURITY-TOKEN/with+odd=chars"
IAM_TOKEN = "MIIEXAMPLE-iam-token+/="
HOST = "dms.cn-north-4.myhuaweicloud.com"
DATE = "20240115T083000Z"
PROJECT = "0123456789abcdef0123456789abcdef"
INSTANCE = "11111111-2222-3333-4444-555555555555"
TASK = "8abfa7b272adc5b40172b73130065ae7"
JSON = {"Content-Type": "application/json;charset=UTF-8"}
# dms_request's example query (lists repeat the key, booleans lower-case, numbers as text, None left out) and nested
# non-ASCII body, as the playbook stand-in sends them.
FULL_QUERY, NESTED_BODY = STAND_IN_QUERY, STAND_IN_BODY


def case(
    case_id: str,
    method: str,
    path: str,
    query: Any = None,
    body: Any = b"",
    auth: str = "aksk",
    secret: str = SK,
) -> Any:
    raw = body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode("utf-8")
    return pytest.param(method, path, query, raw, auth, secret, id=case_id)


CASES = [
    # AK/SK, a security token, an IAM token: dms_task_info's show and wait (one GET per poll).
    case("aksk-get-task", "GET", "/v2/%s/instances/%s/tasks/%s" % (PROJECT, INSTANCE, TASK)),
    case(
        "security-token-get-task", "GET", "/v2/%s/instances/%s/tasks/%s" % (PROJECT, INSTANCE, TASK), auth="aksk-token"
    ),
    case("iam-token-get-task", "GET", "/v2/%s/instances/%s/tasks/%s" % (PROJECT, INSTANCE, TASK), auth="token"),
    # dms_task_info's list: begin_time/end_time as sent, paging.
    case(
        "task-list-query",
        "GET",
        "/v2/%s/instances/%s/tasks" % (PROJECT, INSTANCE),
        {"start": 1, "limit": 100, "begin_time": "20240115083000", "end_time": "20240116000000"},
    ),
    case(
        "security-token-task-list",
        "GET",
        "/v2/%s/instances/%s/tasks" % (PROJECT, INSTANCE),
        {"start": 1},
        auth="aksk-token",
    ),
    # dms_request's query dictionaries (canonical query as the SDK builds it).
    case("query-booleans", "GET", "/v2/%s/instances" % PROJECT, {"enabled": True, "off": False}),
    case("query-numbers", "GET", "/v2/%s/instances" % PROJECT, {"limit": 10, "start": 1, "ratio": 2.5}),
    case("query-list-repeats-key", "GET", "/v2/%s/instances" % PROJECT, {"name": ["b", "a"], "engine": "kafka"}),
    case("query-reserved-non-ascii", "GET", "/v2/%s/instances" % PROJECT, {"q": "a b/c~d*e", "t": "caf\u00e9"}),
    case("query-full", "GET", "/v2/%s/instances/%s/topics" % (PROJECT, INSTANCE), FULL_QUERY),
    case(
        "query-full-security-token",
        "GET",
        "/v2/%s/instances/%s/topics" % (PROJECT, INSTANCE),
        FULL_QUERY,
        auth="aksk-token",
    ),
    # Every method dms_request sends, with JSON bodies (non-ASCII, nested, a list) and empty ones.
    case(
        "post-nested-non-ascii-body", "POST", "/v2/%s/kafka/instances/%s/extend" % (PROJECT, INSTANCE), body=NESTED_BODY
    ),
    case(
        "post-list-body",
        "POST",
        "/v2/%s/instances/%s/topics/delete" % (PROJECT, INSTANCE),
        body=["orders", {"n": "caf\u00e9"}],
    ),
    case("post-empty-body", "POST", "/v2/%s/instances/%s/restart" % (PROJECT, INSTANCE)),
    case("post-empty-dict", "POST", "/v2/%s/instances/%s/restart" % (PROJECT, INSTANCE), body={}),
    case("post-lower-case", "post", "/v2/%s/instances/%s/restart" % (PROJECT, INSTANCE), body={"a": 1}),
    case(
        "put",
        "PUT",
        "/v2/%s/instances/%s/configs" % (PROJECT, INSTANCE),
        body={"kafka_configs": [{"name": "x", "value": "72"}]},
    ),
    case("delete", "DELETE", "/v2/%s/instances/%s/topics/orders" % (PROJECT, INSTANCE)),
    case("patch", "PATCH", "/v2/%s/instances/%s" % (PROJECT, INSTANCE), body={"description": "\u00e9t\u00e9"}),
    case("head", "HEAD", "/v2/%s/instances/%s" % (PROJECT, INSTANCE)),
    case(
        "post-security-token",
        "POST",
        "/v2/%s/kafka/instances/%s/extend" % (PROJECT, INSTANCE),
        body=NESTED_BODY,
        auth="aksk-token",
    ),
    # Percent-encoded path segments, as dms_request and dms_public_access put them on the wire.
    case("path-space", "GET", "/v2/%s/instances/%s/topics/my%%20topic" % (PROJECT, INSTANCE)),
    case("path-non-ascii", "GET", "/v2/%s/instances/%s/groups/caf%%C3%%A9" % (PROJECT, INSTANCE)),
    case("path-encoded-slash", "GET", "/v2/%s/instances/%s/groups/a%%2Fb" % (PROJECT, INSTANCE)),
    case("path-unreserved", "GET", "/v2/%s/instances/%s/groups/x~y*z" % (PROJECT, INSTANCE)),
    case(
        "path-rabbitmq-default-vhost", "GET", "/v2/rabbitmq/%s/instances/%s/vhosts/%%2F/exchanges" % (PROJECT, INSTANCE)
    ),
    # dms_public_access: the engines' bind calls.
    case(
        "public-access-kafka",
        "POST",
        "/v1/%s/instances/%s/public-boundwidth" % (PROJECT, INSTANCE),
        body={"enable": True},
    ),
    case("public-access-rabbitmq", "PUT", "/v2/%s/instances/%s" % (PROJECT, INSTANCE), body={"enable_publicip": True}),
]


def sdk_query(query: Any) -> list:
    """The pairs Huawei's SDK signs for a query dictionary: a list ('multi') parameter repeats, None is left out."""
    if not isinstance(query, dict):
        return list(query or [])
    pairs: list = []
    for key, value in query.items():
        if isinstance(value, list):
            pairs.extend((key, item) for item in value)
        elif value is not None:
            pairs.append((key, value))
    return pairs


def sdk_authorization(method: str, path: str, query: Any, sent: dict, body: bytes, secret: str) -> str:
    signed = re.search(r"SignedHeaders=([^,]+)", sent["Authorization"]).group(1).split(";")
    headers = {name: value for name, value in sent.items() if name.lower() in signed}
    request = SdkRequest(
        method=method,
        schema="https",
        host=HOST,
        resource_path=path,
        query_params=sdk_query(query),
        header_params=headers,
        body=body,
    )
    return Signer(BasicCredentials(AK, secret)).sign(request).header_params["Authorization"]


def our_headers(method: str, path: str, query: Any, body: bytes, auth: str, secret: str) -> dict:
    if auth == "token":
        signer: Any = TokenAuth(IAM_TOKEN)
    else:
        signer = AkSkAuth(AK, secret, SECURITY_TOKEN if auth == "aksk-token" else None)
    headers = dict(JSON if body else {}, **{"X-Sdk-Date": DATE, "X-Project-Id": PROJECT})
    return signer.headers(method, "https://%s%s" % (HOST, path), query_pairs(query), headers, body)


@pytest.mark.parametrize("method, path, query, body, auth, secret", CASES)
def test_signature_is_the_one_huaweis_sdk_computes(
    method: str, path: str, query: Any, body: bytes, auth: str, secret: str
):
    sent = our_headers(method, path, query, body, auth, secret)
    if auth == "token":
        # An IAM token is sent as X-Auth-Token, and nothing is signed (the SDK signs only AK/SK requests).
        assert sent["X-Auth-Token"] == IAM_TOKEN and "Authorization" not in sent, sent
        return
    signed = re.search(r"SignedHeaders=([^,]+)", sent["Authorization"]).group(1).split(";")
    # Every header sent is signed, the security token included (as the SDK does), so the gateway sees the signed set.
    assert sorted(signed) == sorted(name.lower() for name in sent if name != "Authorization"), signed
    if auth == "aksk-token":
        assert sent["X-Security-Token"] == SECURITY_TOKEN and "x-security-token" in signed
    assert sent["Authorization"] == sdk_authorization(method, path, query, sent, body, secret)


@pytest.mark.parametrize("wrong", ["secret", "body", "query"])
def test_a_changed_secret_body_or_query_no_longer_matches(wrong: str):
    """The comparison can fail: Huawei's signer over a request that differs in one part gives another signature."""
    path, query, body = "/v2/%s/instances/%s/tasks" % (PROJECT, INSTANCE), {"start": 1}, b'{"a": 1}'
    sent = our_headers("POST", path, query, body, "aksk", SK)
    other: dict[str, Optional[Any]] = {"secret": SK, "body": body, "query": query}
    other[wrong] = {"secret": SK + "-wrong", "body": b'{"a": 2}', "query": {"start": 2}}[wrong]
    assert sent["Authorization"] != sdk_authorization(
        "POST", path, other["query"], sent, other["body"], other["secret"]
    )
