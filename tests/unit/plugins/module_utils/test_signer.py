# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The 8 test vectors of shared/dms-api.md §4.2, computed with Huawei's own SDK signer."""

from __future__ import annotations

import pytest

from ansible_collections.hwcloud.dms.plugins.module_utils._signer import canonical_query, canonical_uri, sign_request

AK = "HPUAEXAMPLEAK0000001"
SK = "exampleSecretKey0123456789abcdefghijABCD"
PROJECT = "0123456789abcdef0123456789abcdef"
HOST = "dms.cn-north-4.myhuaweicloud.com"
DATE = "20240115T083000Z"
TASK_URL = "https://%s/v2/%s/instances/11111111-2222-3333-4444-555555555555/tasks/8a8c8f2e5f3a4b6c9d0e1f2a3b4c5d6e" % (
    HOST,
    PROJECT,
)
LIST_URL = "https://%s/v2/%s/instances/11111111-2222-3333-4444-555555555555/tasks" % (HOST, PROJECT)
V1_HEADERS = {"Content-Type": "application/json", "X-Project-Id": PROJECT}
V1_SIGNED = "content-type;host;x-project-id;x-sdk-date"

VECTORS = [
    pytest.param(
        "GET",
        TASK_URL,
        [],
        V1_HEADERS,
        b"",
        V1_SIGNED,
        "08539defd218ad12625fc4cd16dc76262ce7e472ba4de83d037272d67988715d",
        id="V1-show",
    ),
    pytest.param(
        "GET",
        TASK_URL,
        [],
        {},
        b"",
        "host;x-sdk-date",
        "aca1d67fa3165063b3ecbf142416c7ba15bedec1a3e85db600e432c7310db15f",
        id="V2-minimal",
    ),
    pytest.param(
        "GET",
        LIST_URL,
        [("start", "1"), ("limit", "10"), ("end_time", "20240115235959"), ("begin_time", "20240101000000")],
        V1_HEADERS,
        b"",
        V1_SIGNED,
        "d74873d1e43060b3e57804a9c27f48f63d35158526b3bfd7f037f5ee33c9e1e7",
        id="V3-list-query",
    ),
    pytest.param(
        "GET",
        TASK_URL,
        [],
        dict(V1_HEADERS, **{"X-Security-Token": "EXAMPLE-SECURITY-TOKEN"}),
        b"",
        V1_SIGNED + ";x-security-token",
        "03dd38f5a721f51077939d4c400c9620bcbca1b2a87cc8e5e9e8b2fb7d1b2252",
        id="V4-security-token",
    ),
    pytest.param(
        "DELETE",
        TASK_URL,
        [],
        V1_HEADERS,
        b"",
        V1_SIGNED,
        "02b4db8a494c23aa6dce9547ec1bfc12fd0d37261db45817332c72800990d220",
        id="V5-delete",
    ),
    pytest.param(
        "GET",
        LIST_URL,
        [("name", "a b/c~d*e"), ("limit", "10")],
        dict(V1_HEADERS, X_Custom_Header="ignored"),
        b"",
        V1_SIGNED,
        "588f7668898756edceb5030b4f0bfd3e8846abd35d1c75197c53fbb89dae932e",
        id="V6-encoding",
    ),
    pytest.param(
        "POST",
        "https://%s/v3/%s/example" % (HOST, PROJECT),
        [],
        V1_HEADERS,
        b'{"a": 1}',
        V1_SIGNED,
        "788e54197975f378e1e634455e45cd79bd1865766fea9a10fc9b8d0a8bd5ff73",
        id="V7-body",
    ),
    pytest.param(
        "GET",
        TASK_URL,
        [],
        dict(V1_HEADERS, **{"User-Agent": "huaweicloud-usdk-python/3.0"}),
        b"",
        "content-type;host;user-agent;x-project-id;x-sdk-date",
        "ec9464b4976eb3644b7662810a7e1dd708c0147c71d0d33a1d6fa54dd71ec764",
        id="V8-user-agent",
    ),
]


@pytest.mark.parametrize("method,url,query,headers,body,signed,signature", VECTORS)
def test_huawei_vectors_byte_for_byte(method, url, query, headers, body, signed, signature):
    sent = sign_request(AK, SK, method, url, query=query, headers=headers, body=body, date=DATE)
    expected = "SDK-HMAC-SHA256 Access=%s, SignedHeaders=%s, Signature=%s" % (AK, signed, signature)
    assert sent["Authorization"] == expected
    assert sent["Host"] == HOST
    assert sent["X-Sdk-Date"] == DATE


def test_v6_canonical_query_encoding():
    assert canonical_query([("name", "a b/c~d*e"), ("limit", "10")]) == "limit=10&name=a%20b%2Fc~d%2Ae"


def test_canonical_uri_adds_trailing_slash_and_reencodes():
    assert canonical_uri("/v2/p/instances/i/tasks") == "/v2/p/instances/i/tasks/"
    assert canonical_uri("/v2/a%20b/") == "/v2/a%20b/"


def test_canonical_uri_decodes_the_whole_path_before_splitting_it_as_huaweis_sdk_does():
    # Signer._process_canonical_uri: unquote(path).split('/'); an encoded '/' (RabbitMQ's default vhost '/') is signed
    # as a separator, not as '%2F' inside one segment. The emulator's gateway does the same.
    assert (
        canonical_uri("/v2/rabbitmq/p/instances/i/vhosts/%2F/exchanges")
        == "/v2/rabbitmq/p/instances/i/vhosts///exchanges/"
    )
    assert canonical_uri("/v2/x/a%2Fb") == "/v2/x/a/b/"
    assert canonical_uri("/v2/x/a%2fb%20c") == "/v2/x/a/b%20c/"


def test_host_header_keeps_non_default_port_and_drops_default():
    assert sign_request(AK, SK, "GET", "http://127.0.0.1:8443/x", date=DATE)["Host"] == "127.0.0.1:8443"
    assert sign_request(AK, SK, "GET", "https://h.example:443/x", date=DATE)["Host"] == "h.example"


def test_a_changed_secret_changes_the_signature():
    one = sign_request(AK, SK, "GET", TASK_URL, headers=V1_HEADERS, date=DATE)["Authorization"]
    two = sign_request(AK, SK + "x", "GET", TASK_URL, headers=V1_HEADERS, date=DATE)["Authorization"]
    assert one != two


def test_query_pairs_are_sorted_before_encoding_like_huaweis_sdk():
    # Encoded first, 'a%2F' would sort before 'a.'; the SDK sorts the raw strings, so 'a.' comes first.
    assert canonical_query([("a/", "1"), ("a.", "2")]) == "a.=2&a%2F=1"
    assert canonical_query([("k", "b/"), ("k", "b.")]) == "k=b.&k=b%2F"
