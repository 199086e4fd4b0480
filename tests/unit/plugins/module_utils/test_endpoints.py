# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Where requests go: the region-built URL, the European cloud domain, and endpoint/region/cloud validation."""

from __future__ import annotations

import pytest

from ansible_collections.hwcloud.dms.plugins.module_utils._endpoints import (
    cloud_for_region,
    dms_endpoint,
    validate_base_url,
    validate_region,
    vpc_endpoint,
)
from ansible_collections.hwcloud.dms.plugins.module_utils._errors import ConfigurationError


@pytest.mark.parametrize(
    "region,cloud,expected",
    [
        ("cn-north-4", None, "https://dms.cn-north-4.myhuaweicloud.com"),
        ("ap-southeast-1", None, "https://dms.ap-southeast-1.myhuaweicloud.com"),
        ("eu-west-101", None, "https://dms.eu-west-101.myhuaweicloud.eu"),
        ("eu-west-0", None, "https://dms.eu-west-0.myhuaweicloud.com"),
        ("eu-de", "otc.t-systems.com", "https://dms.eu-de.otc.t-systems.com"),
        ("eu-west-101", "myhuaweicloud.com", "https://dms.eu-west-101.myhuaweicloud.com"),
    ],
)
def test_region_built_url(region, cloud, expected):
    assert dms_endpoint(region, cloud) == expected


def test_cloud_for_region():
    assert cloud_for_region("cn-north-4") == "myhuaweicloud.com"
    assert cloud_for_region("eu-west-101") == "myhuaweicloud.eu"
    assert cloud_for_region("eu-west-101", "example.org") == "example.org"


def test_endpoint_wins_over_region_and_cloud():
    assert dms_endpoint("cn-north-4", "myhuaweicloud.eu", "http://127.0.0.1:8080/") == "http://127.0.0.1:8080"
    assert dms_endpoint(None, None, "https://dms.example.com/prefix/") == "https://dms.example.com/prefix"


@pytest.mark.parametrize(
    "url",
    [
        "ftp://dms.example.com",
        "dms.example.com",
        "https://",
        "http:///v2",
        "file:///etc/passwd",
        "https://dms.example.com/?a=b",
        "https://dms.example.com#frag",
        "https://user:pw@dms.example.com",
        "https://dms.example.com:99999",
        "https://dms.example.com:abc",
    ],
)
def test_bad_endpoints_name_the_option(url):
    with pytest.raises(ConfigurationError) as info:
        dms_endpoint("cn-north-4", None, url)
    assert "'endpoint'" in str(info.value)


@pytest.mark.parametrize(
    "url",
    [
        "https://user:s3cret@dms.example.com",
        "ftp://user:s3cret@dms.example.com",
        "https://user:s3cret@",
        "https://user:s3cret@dms.example.com:99999",
    ],
)
def test_endpoint_with_user_info_does_not_echo_the_password(url):
    with pytest.raises(ConfigurationError) as info:
        validate_base_url(url)
    assert "s3cret" not in str(info.value)
    assert "user info" in str(info.value)


def test_validate_base_url_strips_space_and_trailing_slash_and_names_a_custom_option():
    assert validate_base_url("  https://dms.example.com:8443/  ") == "https://dms.example.com:8443"
    with pytest.raises(ConfigurationError) as info:
        validate_base_url("ftp://x", option="iam_endpoint")
    assert "'iam_endpoint'" in str(info.value)


def test_missing_region_without_endpoint():
    with pytest.raises(ConfigurationError) as info:
        dms_endpoint(None)
    assert "'region'" in str(info.value) and "HW_REGION_NAME" in str(info.value) and "'endpoint'" in str(info.value)


@pytest.mark.parametrize(
    "region", ["CN-North-4", "cn_north_4", "cn-north-4.", "-cn", "cn--north", "cn north", "cn-north-4/../x"]
)
def test_bad_regions(region):
    with pytest.raises(ConfigurationError) as info:
        validate_region(region, "here")
    assert "'region'" in str(info.value)


@pytest.mark.parametrize(
    "cloud", ["myhuaweicloud", "bad domain.com", "-x.com", "x.com/evil", "x..com", "evil.com:1@x.com"]
)
def test_bad_cloud(cloud):
    with pytest.raises(ConfigurationError) as info:
        dms_endpoint("cn-north-4", cloud)
    assert "'cloud'" in str(info.value)


@pytest.mark.parametrize(
    "region, cloud, endpoint, dms, expected",
    [
        # huaweicloudsdkeip's region table: the VPC service stays on myhuaweicloud.com where DMS is on .eu
        ("eu-west-101", None, None, None, "https://vpc.eu-west-101.myhuaweicloud.com"),
        ("cn-north-4", None, None, None, "https://vpc.cn-north-4.myhuaweicloud.com"),
        ("eu-de", "otc.t-systems.com", None, None, "https://vpc.eu-de.otc.t-systems.com"),
        ("cn-north-4", None, "http://127.0.0.1:9/", None, "http://127.0.0.1:9"),
        ("cn-north-4", None, None, "http://127.0.0.1:8080/", "http://127.0.0.1:8080"),
        ("cn-north-4", None, "https://vpc.example", "http://127.0.0.1:8080", "https://vpc.example"),
        (None, None, None, None, None),
    ],
)
def test_vpc_endpoint(region, cloud, endpoint, dms, expected):
    assert vpc_endpoint(region, cloud, endpoint, dms) == expected


def test_vpc_endpoint_is_validated_naming_the_option():
    with pytest.raises(ConfigurationError, match="Option 'vpc_endpoint' must not carry user info"):
        vpc_endpoint("cn-north-4", None, "https://u:p@vpc.example")
