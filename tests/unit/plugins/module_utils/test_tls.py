# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""_tls: what requests' ``verify`` gets from validate_certs/ca_path, and the clear-text warning off loopback."""

from __future__ import annotations

import pytest

from ansible_collections.hwcloud.dms.plugins.module_utils._errors import ConfigurationError
from ansible_collections.hwcloud.dms.plugins.module_utils._tls import cleartext_warning, tls_verify

HTTPS = "https://dms.cn-north-4.myhuaweicloud.com"


def test_verify_is_true_by_default_and_the_bundle_when_given(tmp_path):
    bundle = tmp_path / "ca.pem"
    bundle.write_text("-----BEGIN CERTIFICATE-----\n")
    warnings = []
    assert tls_verify({"validate_certs": True}, HTTPS, warnings) is True
    assert tls_verify({"validate_certs": True, "ca_path": str(bundle)}, HTTPS, warnings) == str(bundle)
    assert warnings == []


def test_an_unreadable_ca_path_names_the_option(tmp_path):
    with pytest.raises(ConfigurationError, match="'ca_path' must name a readable PEM file"):
        tls_verify({"validate_certs": True, "ca_path": str(tmp_path / "nope.pem")}, HTTPS, [])


@pytest.mark.parametrize("url, warned", [(HTTPS, True), ("http://127.0.0.1:8080", False)])
def test_validate_certs_false_warns_only_where_there_is_tls_to_skip(url, warned):
    warnings = []
    assert tls_verify({"validate_certs": False, "ca_path": "/ignored.pem"}, url, warnings) is False
    assert bool(warnings) is warned


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1:1", "http://127.1.2.3", "http://localhost:8080/x", "http://api.localhost", "http://[::1]:80"],
)
def test_plain_http_on_this_machine_is_not_warned_about(url):
    assert cleartext_warning(url, None) is None


def test_plain_http_elsewhere_names_each_url_once():
    warning = cleartext_warning("http://dms.example.test", "http://iam.example.test", "http://dms.example.test")
    assert warning.startswith("http://dms.example.test and http://iam.example.test use http://, not https://")
    assert cleartext_warning(HTTPS, "http://10.0.0.1").startswith("http://10.0.0.1 uses http://")
