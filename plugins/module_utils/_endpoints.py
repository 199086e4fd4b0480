# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.dms contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Where DMS requests go: https://dms.{region}.{cloud} unless an endpoint is given."""

from __future__ import annotations

import re
import unicodedata
from typing import Optional
from urllib.parse import urlsplit

from ._errors import ConfigurationError

DEFAULT_CLOUD = "myhuaweicloud.com"
# Huawei Cloud Europe lives under its own domain (Terraform provider getCloudDomain, SDK region tables).
EUROPE_CLOUD = "myhuaweicloud.eu"
# Used with fullmatch: '$' would let a trailing newline through.
REGION_PATTERN = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
CLOUD_PATTERN = re.compile(r"[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)+")
# A URL shown back in a message must be plainly free of user info: scheme, host, numeric port, plain path.
_SHOWABLE_URL = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*://)?[A-Za-z0-9.\[\]-]*(:[0-9]*)?(/[A-Za-z0-9._~/-]*)?")


def cloud_for_region(region: str, cloud: Optional[str] = None) -> str:
    if cloud:
        return cloud
    return EUROPE_CLOUD if region.startswith("eu-west-1") else DEFAULT_CLOUD


def validate_region(region: Optional[str], needed_for: str) -> str:
    if not region:
        raise ConfigurationError(
            "Option 'region' is required %s. Set it (for example region: cn-north-4) or export HW_REGION_NAME."
            % needed_for
        )
    if not REGION_PATTERN.fullmatch(region):
        raise ConfigurationError(
            "Option 'region' must look like 'cn-north-4' (lower-case letters, digits and dashes), got %r." % region
        )
    return region


URL_OPTIONS = ("endpoint", "iam_endpoint", "vpc_endpoint")


def may_hold_user_info(url: str) -> bool:
    """True for a URL that has user info in some spelling, or is too odd to tell: it is never shown."""
    return _has_user_info(url.strip()) or not _SHOWABLE_URL.fullmatch(url.strip())


def _shown(url: str) -> str:
    """The URL quoted for a message, or a placeholder when it might carry a password in some spelling."""
    return repr(url) if _SHOWABLE_URL.fullmatch(url) else "(not shown: it is not a plain URL and may hold user info)"


def _has_user_info(text: str) -> bool:
    # '@' in any spelling: plain, percent-encoded, or a look-alike that NFKC folds to '@' (fullwidth U+FF20, small U+FE6B).
    folded = unicodedata.normalize("NFKC", text)
    return "@" in folded or "%40" in text.lower()


def validate_base_url(url: str, option: str = "endpoint") -> str:
    """Return the URL without a trailing '/', or fail naming the option; a URL that may hold user info is never echoed."""
    text = url.strip()
    if _has_user_info(text):
        # Checked first, and the URL not echoed: user info may hold a password.
        raise ConfigurationError(
            "Option '%s' must not carry user info (user:password@); give only scheme, host, port and path." % option
        )
    if any(ord(char) <= 0x20 or ord(char) >= 0x7F for char in text):
        raise ConfigurationError(
            "Option '%s' must be a URL of printable ASCII without spaces or control characters (write an"
            " international host name in its xn-- form), got %s." % (option, _shown(text))
        )
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        raise ConfigurationError(
            "Option '%s' is not a valid URL (check the brackets around an IPv6 address and the port): %s."
            % (option, _shown(text))
        ) from None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise ConfigurationError(
            "Option '%s' must be an http:// or https:// URL such as https://dms.cn-north-4.myhuaweicloud.com, got %s."
            % (option, _shown(text))
        )
    if parts.query or parts.fragment or text.endswith(("?", "#")):
        raise ConfigurationError(
            "Option '%s' must not carry a query or a fragment; give only scheme, host, port and path." % option
        )
    if port == 0:
        raise ConfigurationError("Option '%s' has an invalid port: %s." % (option, _shown(text)))
    return text.rstrip("/")


def dms_endpoint(region: Optional[str], cloud: Optional[str] = None, endpoint: Optional[str] = None) -> str:
    if endpoint:
        return validate_base_url(endpoint)
    region = validate_region(region, "when 'endpoint' is not set")
    if cloud and not CLOUD_PATTERN.fullmatch(cloud):
        raise ConfigurationError("Option 'cloud' must be a domain name such as myhuaweicloud.com, got %r." % cloud)
    return "https://dms.%s.%s" % (region, cloud_for_region(region, cloud))


def iam_endpoint(region: Optional[str], cloud: Optional[str] = None, endpoint: Optional[str] = None) -> str:
    """Base URL of IAM: the given one (a trailing /v3, as in Terraform's HW_AUTH_URL, is dropped), else https://iam.{region}.{cloud}."""
    if endpoint:
        url = validate_base_url(endpoint, "iam_endpoint")
        return url[:-3] if url.endswith("/v3") else url
    region = validate_region(
        region, "to reach IAM when 'iam_endpoint' is not set (project_id lookup or user_name/password)"
    )
    if cloud and not CLOUD_PATTERN.fullmatch(cloud):
        raise ConfigurationError("Option 'cloud' must be a domain name such as myhuaweicloud.com, got %r." % cloud)
    return "https://iam.%s.%s" % (region, cloud_for_region(region, cloud))


def vpc_endpoint(
    region: Optional[str],
    cloud: Optional[str] = None,
    endpoint: Optional[str] = None,
    dms_endpoint_given: Optional[str] = None,
) -> Optional[str]:
    """Base URL of the VPC service (EIPs): the given one; else the DMS 'endpoint' when one is given; else
    https://vpc.{region}.{cloud}; None without any of them.

    The VPC service keeps myhuaweicloud.com where DMS moved to myhuaweicloud.eu (huaweicloudsdkeip's region table:
    eu-west-101 is vpc.eu-west-101.myhuaweicloud.com), so only an explicit 'cloud' changes its domain. A DMS endpoint
    of one's own (a proxy, a gateway, a local stand-in) is taken to front the VPC service too rather than sending
    EIP lookups to the public cloud behind the user's back; vpc_endpoint says otherwise, and a server without the
    EIP list is answered with one warning and the DMS-only behaviour.
    """
    if endpoint:
        return validate_base_url(endpoint, "vpc_endpoint")
    if dms_endpoint_given:
        return validate_base_url(dms_endpoint_given)
    if not region:
        return None  # no EIP lookups: dms_public_access falls back to what the DMS detail says, with a warning
    region = validate_region(region, "for the VPC service")
    if cloud and not CLOUD_PATTERN.fullmatch(cloud):
        raise ConfigurationError("Option 'cloud' must be a domain name such as myhuaweicloud.com, got %r." % cloud)
    return "https://vpc.%s.%s" % (region, cloud or DEFAULT_CLOUD)
