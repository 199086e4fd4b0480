# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Property test: our sign_request and huaweicloudsdkcore's Signer give byte-equal Authorization headers.

Random methods, paths (unicode, spaces, '~', '%', reserved characters), query pairs (repeated keys, empty values),
header sets (names with and without '_', mixed case, whitespace around values) and bodies. The example count is
HWCLOUD_SIGNER_EXAMPLES (default 1000).
"""

from __future__ import annotations

import os
import string
from urllib.parse import quote

from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.sdk_request import SdkRequest
from huaweicloudsdkcore.signer.signer import Signer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ansible_collections.hwcloud.dms.plugins.module_utils._signer import sign_request

EXAMPLES = int(os.environ.get("HWCLOUD_SIGNER_EXAMPLES", "1000"))
DATE = "20240115T083000Z"
AK = "HPUAEXAMPLEAK0000001"

text_chars = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")
# What a URL path segment may carry before percent-encoding, weighted towards the characters that encoding touches.
segment = st.text(
    alphabet=st.one_of(
        st.sampled_from(list(string.ascii_letters + string.digits + "-_.~ %!$&'()*+,;=:@?#[]")), text_chars
    ),
    max_size=12,
).filter(lambda s: "/" not in s)
# Reserved-character and percent cases are the point, '%2F' (an encoded '/', e.g. RabbitMQ's default vhost) included:
# Huawei's SDK decodes the whole path before splitting it into segments, and so must we.
path = st.lists(segment, min_size=0, max_size=5).map(lambda parts: "/" + "/".join(parts))
query_key = st.one_of(
    st.sampled_from(["start", "limit", "begin_time", "end_time", "a", "A", "a b", "~k", "k%", "é", "ü~"]),
    st.text(text_chars, max_size=8),
)
query_value = st.one_of(
    st.just(""),
    st.sampled_from(["1", "100", "20240115083000", "x y", "a&b=c", "~", "%", "ß"]),
    st.text(text_chars, max_size=10),
)
# One value per name, case-insensitively: an HTTP request cannot carry two values for one header, and our client
# builds a dict. Names are HTTP tokens; values printable without CR/LF (anything else is not a valid header).
header_name = st.text(alphabet=string.ascii_letters + string.digits + "-_", min_size=1, max_size=12).filter(
    lambda name: name.lower() not in ("host", "x-sdk-date", "authorization", "x-sdk-content-sha256", "content-type")
)
header_value = st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=20).map(lambda v: v)
padded_value = st.tuples(st.sampled_from(["", " ", "  ", "\t"]), header_value, st.sampled_from(["", " ", "\t "])).map(
    "".join
)
headers = st.dictionaries(header_name, padded_value, max_size=6).filter(lambda h: len({k.lower() for k in h}) == len(h))
method = st.sampled_from(["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "get", "Post"])
host = st.sampled_from(
    ["dms.cn-north-4.myhuaweicloud.com", "127.0.0.1:8443", "dms.eu-west-101.myhuaweicloud.eu", "localhost:40123"]
)
# The SDK sends X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD for non-JSON content types; our client only ever sends JSON.
content_type = st.sampled_from([None, "application/json", "application/json;charset=UTF-8"])
body = st.one_of(st.just(b""), st.binary(max_size=64), st.text(max_size=40).map(lambda t: t.encode("utf-8")))
secret = st.text(alphabet=string.ascii_letters + string.digits + "+/=-_", min_size=1, max_size=40)


def sdk_authorization(sk, method_, host_, path_, query, headers_, body_):
    request = SdkRequest(
        method=method_,
        schema="https",
        host=host_,
        resource_path=path_,
        query_params=list(query),
        header_params=dict(headers_),
        body=body_,
    )
    return Signer(BasicCredentials(AK, sk)).sign(request).header_params["Authorization"]


@settings(
    max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]
)
@given(
    sk=secret,
    method_=method,
    host_=host,
    path_=path,
    query=st.lists(st.tuples(query_key, query_value), max_size=6),
    headers_=headers,
    ctype=content_type,
    body_=body,
    project=st.booleans(),
)
def test_our_signer_matches_huaweis_sdk(sk, method_, host_, path_, query, headers_, ctype, body_, project):
    to_sign = dict(headers_)
    to_sign["X-Sdk-Date"] = DATE
    if ctype:
        to_sign["Content-Type"] = ctype
    if project:
        to_sign["X-Project-Id"] = "0123456789abcdef0123456789abcdef"
    # Both get the path as it goes on the wire: percent-encoded, as DmsTaskApi (quote(id, safe='')) and the SDK's
    # generated clients build it. A raw newline or '?' cannot be sent in a path at all.
    wire_path = quote(path_, safe="/")
    ours = sign_request(AK, sk, method_, "https://%s%s" % (host_, wire_path), query=query, headers=to_sign, body=body_)[
        "Authorization"
    ]
    theirs = sdk_authorization(sk, method_, host_, wire_path, query, to_sign, body_)
    assert ours == theirs
