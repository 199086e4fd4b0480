"""dms_request's query dictionary is signed the way Huawei's SDK signs the same parameters (booleans lower-case,
lists as repeated keys, numbers with str()), so the gateway computes the same canonical query."""

from __future__ import annotations

import pytest

pytest.importorskip("huaweicloudsdkcore")

from huaweicloudsdkcore.sdk_request import SdkRequest  # noqa: E402
from huaweicloudsdkcore.signer.signer import Signer  # noqa: E402

from ansible_collections.hwcloud.dms.plugins.module_utils._request_path import query_pairs  # noqa: E402
from ansible_collections.hwcloud.dms.plugins.module_utils._signer import canonical_query  # noqa: E402


@pytest.mark.parametrize(
    "query",
    [
        {"enabled": True, "off": False},
        {"limit": 10, "start": 1, "ratio": 2.5},
        {"name": ["b", "a"], "engine": "kafka"},
        {"q": "a b/c~d*e", "t": "caf\u00e9"},
    ],
)
def test_canonical_query_matches_the_sdk_signer(query):
    # The SDK keeps None out and expands list ('multi') parameters into repeated pairs before signing.
    sdk_pairs = []
    for key, value in query.items():
        sdk_pairs.extend((key, item) for item in value) if isinstance(value, list) else sdk_pairs.append((key, value))
    sdk = Signer.process_canonical_query_string(SdkRequest(method="GET", query_params=sdk_pairs))
    assert canonical_query(query_pairs(query)) == sdk
