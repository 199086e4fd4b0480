# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""_auth_choice: which method the options choose, what it builds, and keys refused before anything is sent.

The precedence rules with the environment are checked through connection_settings in test_settings.py.
"""

from __future__ import annotations

import pytest

from ansible_collections.hwcloud.dms.plugins.module_utils._auth import AkSkAuth, PasswordCredentials, TokenAuth
from ansible_collections.hwcloud.dms.plugins.module_utils._auth_choice import (
    AKSK,
    PASSWORD,
    TOKEN,
    build_auth,
    check_credential,
    choose_method,
)
from ansible_collections.hwcloud.dms.plugins.module_utils._errors import ConfigurationError

SK = "exampleSecretKey0123456789abcdefghijABCD"


@pytest.mark.parametrize(
    "params, method",
    [
        ({"access_key": "AK", "secret_key": SK}, AKSK),
        ({"auth_token": "TOKEN"}, TOKEN),
        ({"user_name": "alice", "password": "pw", "domain_name": "acme"}, PASSWORD),
        ({"domain_name": "acme", "security_token": "t"}, None),
    ],
)
def test_each_method_is_chosen_by_its_selectors(params, method):
    warnings = []
    assert choose_method(params, None, warnings) == method
    assert warnings == []


def test_build_auth_gives_the_auth_or_the_credentials_to_exchange():
    auth, password = build_auth({"access_key": "AK", "secret_key": SK, "security_token": "t"}, AKSK)
    assert isinstance(auth, AkSkAuth) and password is None
    auth, password = build_auth({"auth_token": "TOKEN"}, TOKEN)
    assert isinstance(auth, TokenAuth) and password is None
    auth, password = build_auth({"user_name": "alice", "password": "pw", "domain_name": "acme"}, PASSWORD)
    assert auth is None and isinstance(password, PasswordCredentials)


@pytest.mark.parametrize(
    "value, what",
    [
        (SK + "\n", "leading or trailing whitespace"),
        ("a\x01b", "a control character"),
        ("a b", "a space"),
        ("caf\u00e9", "outside printable ASCII"),
    ],
)
def test_a_key_that_cannot_go_into_a_header_is_refused_without_its_value(value, what):
    with pytest.raises(ConfigurationError) as info:
        check_credential(value, "Option 'secret_key'")
    assert what in str(info.value) and "Option 'secret_key'" in str(info.value)
    assert value.strip() not in str(info.value)


def test_build_auth_checks_every_credential_it_is_given():
    with pytest.raises(ConfigurationError, match="Option 'secret_key' \\(or HW_SECRET_KEY"):
        build_auth({"access_key": "AK", "secret_key": SK + " "}, AKSK)
