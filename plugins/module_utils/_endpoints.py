# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.dms contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Where DMS requests go: https://dms.{region}.{cloud} unless an endpoint is given."""

from __future__ import annotations

import re
from typing import Optional
from urllib.parse import urlsplit

from ._errors import ConfigurationError

DEFAULT_CLOUD = "myhuaweicloud.com"
# Huawei Cloud Europe lives under its own domain (Terraform provider getCloudDomain, SDK region tables).
EUROPE_CLOUD = "myhuaweicloud.eu"
REGION_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
CLOUD_PATTERN = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)+$")


def cloud_for_region(region: str, cloud: Optional[str] = None) -> str:
    if cloud:
        return cloud
    return EUROPE_CLOUD if region.startswith("eu-west-1") else DEFAULT_CLOUD


def validate_region(region: Optional[str], needed_for: str) -> str:
    if not region:
        raise ConfigurationError(
            "Option 'region' is required %s. Set it (for example region: cn-north-4) or export HW_REGION_NAME." % needed_for)
    if not REGION_PATTERN.match(region):
        raise ConfigurationError("Option 'region' must look like 'cn-north-4' (lower-case letters, digits and dashes), got %r." % region)
    return region


def validate_base_url(url: str, option: str = "endpoint") -> str:
    """Return the URL without a trailing '/', or fail naming the option."""
    parts = urlsplit(url.strip())
    if "@" in parts.netloc:
        # Checked first, and the URL not echoed: user info may hold a password.
        raise ConfigurationError("Option '%s' must not carry user info (user:password@); give only scheme, host, port and path." % option)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigurationError(
            "Option '%s' must be an http:// or https:// URL such as https://dms.cn-north-4.myhuaweicloud.com, got %r." % (option, url))
    if parts.query or parts.fragment:
        raise ConfigurationError("Option '%s' must not carry a query or a fragment; give only scheme, host, port and path." % option)
    try:
        parts.port  # pylint: disable=pointless-statement
    except ValueError:
        raise ConfigurationError("Option '%s' has an invalid port: %r." % (option, url)) from None
    return url.strip().rstrip("/")


def dms_endpoint(region: Optional[str], cloud: Optional[str] = None, endpoint: Optional[str] = None) -> str:
    if endpoint:
        return validate_base_url(endpoint)
    region = validate_region(region, "when 'endpoint' is not set")
    if cloud and not CLOUD_PATTERN.match(cloud):
        raise ConfigurationError("Option 'cloud' must be a domain name such as myhuaweicloud.com, got %r." % cloud)
    return "https://dms.%s.%s" % (region, cloud_for_region(region, cloud))


def iam_endpoint(region: Optional[str], cloud: Optional[str] = None, endpoint: Optional[str] = None) -> str:
    """Base URL of IAM: the given one (a trailing /v3, as in Terraform's HW_AUTH_URL, is dropped), else https://iam.{region}.{cloud}."""
    if endpoint:
        url = validate_base_url(endpoint, "iam_endpoint")
        return url[:-3] if url.endswith("/v3") else url
    region = validate_region(region, "to reach IAM when 'iam_endpoint' is not set (project_id lookup or user_name/password)")
    if cloud and not CLOUD_PATTERN.match(cloud):
        raise ConfigurationError("Option 'cloud' must be a domain name such as myhuaweicloud.com, got %r." % cloud)
    return "https://iam.%s.%s" % (region, cloud_for_region(region, cloud))
