"""The verifier must accept the eight SDK-computed vectors of dms-api.md §4.2 and reject any change."""

from __future__ import annotations

import pytest

from dms_emulator.clock import FakeClock
from dms_emulator.errors import ApiError
from dms_emulator.gateway import Gateway
from dms_emulator.identity import AccessKey, Identity
from dms_emulator.request import Received
from dms_emulator.signing import canonical_query, canonical_request, canonical_uri, sign_headers
from dms_emulator.stats import Stats
from dms_emulator.timefmt import parse_sdk_date

AK = "HPUAEXAMPLEAK0000001"
SK = "exampleSecretKey0123456789abcdefghijABCD"
PROJECT = "0123456789abcdef0123456789abcdef"
HOST = "dms.cn-north-4.myhuaweicloud.com"
DATE = "20240115T083000Z"
TASK_PATH = "/v2/%s/instances/11111111-2222-3333-4444-555555555555/tasks/8a8c8f2e5f3a4b6c9d0e1f2a3b4c5d6e" % PROJECT
LIST_PATH = "/v2/%s/instances/11111111-2222-3333-4444-555555555555/tasks" % PROJECT
V1_HEADERS = {"content-type": "application/json", "x-project-id": PROJECT, "x-sdk-date": DATE, "host": HOST}


def _auth(signed: str, signature: str) -> str:
    return "SDK-HMAC-SHA256 Access=%s, SignedHeaders=%s, Signature=%s" % (AK, signed, signature)


V1_SIGNED = "content-type;host;x-project-id;x-sdk-date"
# (name, method, path, raw query, extra headers, body, Authorization) — straight from dms-api.md §4.2.
VECTORS = [
    (
        "V1",
        "GET",
        TASK_PATH,
        "",
        dict(V1_HEADERS),
        b"",
        _auth(V1_SIGNED, "08539defd218ad12625fc4cd16dc76262ce7e472ba4de83d037272d67988715d"),
    ),
    (
        "V2",
        "GET",
        TASK_PATH,
        "",
        {"x-sdk-date": DATE, "host": HOST},
        b"",
        _auth("host;x-sdk-date", "aca1d67fa3165063b3ecbf142416c7ba15bedec1a3e85db600e432c7310db15f"),
    ),
    (
        "V3",
        "GET",
        LIST_PATH,
        "start=1&limit=10&end_time=20240115235959&begin_time=20240101000000",
        dict(V1_HEADERS),
        b"",
        _auth(V1_SIGNED, "d74873d1e43060b3e57804a9c27f48f63d35158526b3bfd7f037f5ee33c9e1e7"),
    ),
    (
        "V4",
        "GET",
        TASK_PATH,
        "",
        dict(V1_HEADERS, **{"x-security-token": "EXAMPLE-SECURITY-TOKEN"}),
        b"",
        _auth(V1_SIGNED + ";x-security-token", "03dd38f5a721f51077939d4c400c9620bcbca1b2a87cc8e5e9e8b2fb7d1b2252"),
    ),
    (
        "V5",
        "DELETE",
        TASK_PATH,
        "",
        dict(V1_HEADERS),
        b"",
        _auth(V1_SIGNED, "02b4db8a494c23aa6dce9547ec1bfc12fd0d37261db45817332c72800990d220"),
    ),
    (
        "V6",
        "GET",
        LIST_PATH,
        "name=a%20b%2Fc~d%2Ae&limit=10",
        dict(V1_HEADERS, x_custom_header="ignored"),
        b"",
        _auth(V1_SIGNED, "588f7668898756edceb5030b4f0bfd3e8846abd35d1c75197c53fbb89dae932e"),
    ),
    (
        "V7",
        "POST",
        "/v3/%s/example" % PROJECT,
        "",
        dict(V1_HEADERS),
        b'{"a": 1}',
        _auth(V1_SIGNED, "788e54197975f378e1e634455e45cd79bd1865766fea9a10fc9b8d0a8bd5ff73"),
    ),
    (
        "V8",
        "GET",
        TASK_PATH,
        "",
        dict(V1_HEADERS, **{"user-agent": "huaweicloud-usdk-python/3.0"}),
        b"",
        _auth(
            "content-type;host;user-agent;x-project-id;x-sdk-date",
            "ec9464b4976eb3644b7662810a7e1dd708c0147c71d0d33a1d6fa54dd71ec764",
        ),
    ),
]
IDS = [v[0] for v in VECTORS]


def _gateway():
    identity = Identity()
    identity.add_key(AccessKey(AK, SK))
    stats = Stats()
    return Gateway(identity, stats, FakeClock(parse_sdk_date(DATE) + 30)), stats


def _received(method, path, query, headers, body, authorization):
    hdrs = dict(headers)
    hdrs["authorization"] = authorization
    return Received(method, path, query, hdrs, body, "rid")


@pytest.mark.parametrize("vector", VECTORS, ids=IDS)
def test_vector_is_accepted(vector):
    dummy, method, path, query, headers, body, authorization = vector
    gateway, stats = _gateway()
    principal = gateway.authenticate(_received(method, path, query, headers, body, authorization))
    assert principal.access_key == AK
    assert stats.signature_failures == 0


@pytest.mark.parametrize("vector", VECTORS, ids=IDS)
def test_signer_reproduces_vector(vector):
    dummy, method, path, query, headers, body, authorization = vector
    assert sign_headers(AK, SK, method, path, query, headers, body) == authorization


def _flip(text: str, index: int) -> str:
    char = text[index]
    return text[:index] + ("0" if char != "0" else "1") + text[index + 1 :]


@pytest.mark.parametrize("vector", VECTORS, ids=IDS)
@pytest.mark.parametrize("part", ["signature", "path", "query_or_header", "body_or_date"])
def test_one_changed_byte_is_rejected(vector, part):
    dummy, method, path, query, headers, body, authorization = vector
    headers = dict(headers)
    if part == "signature":
        authorization = _flip(authorization, len(authorization) - 5)
    elif part == "path":
        path = _flip(path, len(path) - 1)
    elif part == "query_or_header":
        if query:
            query = query.replace("10", "11", 1)
        else:
            headers["host"] = HOST.replace("4", "5")
    else:
        if body:
            body = body.replace(b"1", b"2")
        else:
            headers["x-sdk-date"] = "20240115T083001Z"
    gateway, stats = _gateway()
    with pytest.raises(ApiError) as err:
        gateway.authenticate(_received(method, path, query, headers, body, authorization))
    assert err.value.status == 401
    assert err.value.body["error_code"] == "APIGW.0301"
    assert "verify aksk signature fail" in err.value.body["error_msg"]
    assert stats.signature_failures == 1


def test_v1_canonical_request_matches_document():
    expected = "\n".join(
        [
            "GET",
            TASK_PATH + "/",
            "",
            "content-type:application/json\nhost:%s\nx-project-id:%s\nx-sdk-date:%s\n" % (HOST, PROJECT, DATE),
            V1_SIGNED,
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        ]
    )
    assert canonical_request("GET", TASK_PATH, "", V1_HEADERS, V1_SIGNED.split(";"), b"") == expected


def test_canonical_uri_and_query_encoding():
    assert canonical_uri("/v2/p/a%20b/c~d") == "/v2/p/a%20b/c~d/"
    assert canonical_uri("/v2/p/x/") == "/v2/p/x/"
    # '+' in a received query is a space (form encoding), like %20.
    assert canonical_query("name=a+b%2Fc~d*e&limit=10") == "limit=10&name=a%20b%2Fc~d%2Ae"
    assert canonical_query("b=2&a=2&a=1") == "a=1&a=2&b=2"
    assert canonical_query("") == ""


def test_host_with_port_is_signed_as_received():
    headers = dict(V1_HEADERS, host="127.0.0.1:40123")
    authorization = sign_headers(AK, SK, "GET", TASK_PATH, "", headers)
    gateway, dummy = _gateway()
    gateway.authenticate(_received("GET", TASK_PATH, "", headers, b"", authorization))
    with pytest.raises(ApiError):
        gateway.authenticate(_received("GET", TASK_PATH, "", dict(headers, host="127.0.0.1"), b"", authorization))


def test_x_sdk_date_must_be_signed():
    headers = {"host": HOST, "x-sdk-date": DATE}
    authorization = sign_headers(AK, SK, "GET", TASK_PATH, "", {"host": HOST, "x-sdk-date": DATE})
    authorization = authorization.replace("SignedHeaders=host;x-sdk-date", "SignedHeaders=host")
    gateway, dummy = _gateway()
    with pytest.raises(ApiError) as err:
        gateway.authenticate(_received("GET", TASK_PATH, "", headers, b"", authorization))
    assert "x-sdk-date" in err.value.body["error_msg"]
