# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""_settings: late binding of the environment, every option check naming the option and the fix, no secret in any message or repr.

The checks run through connection_settings, as a module runs them; _auth_choice, _tls and _option_specs have
their own files for what they do alone.
"""

from __future__ import annotations

import pytest

from ansible_collections.hwcloud.dms.plugins.module_utils._auth import AkSkAuth, TokenAuth
from ansible_collections.hwcloud.dms.plugins.module_utils._errors import ConfigurationError
from ansible_collections.hwcloud.dms.plugins.module_utils._option_specs import (
    DEFAULTS_AFTER_ENVIRONMENT,
    MAX_RETRIES,
)
from ansible_collections.hwcloud.dms.plugins.module_utils._settings import (
    bind_environment,
    connection_settings,
    explicit_options,
    settings_from_task,
)

AK = "HPUAEXAMPLEAK0000001"
SK = "exampleSecretKey0123456789abcdefghijABCD"
TOKEN = "EXAMPLE-SECURITY-TOKEN-0123456789"
PROJECT = "0123456789abcdef0123456789abcdef"


def params(**overrides):
    base = {
        "access_key": AK,
        "secret_key": SK,
        "security_token": None,
        "region": "cn-north-4",
        "project_id": PROJECT,
        "endpoint": None,
        "cloud": None,
        "validate_certs": True,
        "ca_path": None,
        "request_timeout": 30.0,
        "retries": 5,
    }
    base.update(overrides)
    return base


def config_error(**overrides):
    with pytest.raises(ConfigurationError) as info:
        connection_settings(params(**overrides))
    message = str(info.value)
    assert SK not in message and TOKEN not in message
    return message


def test_defaults():
    settings = connection_settings(params())
    assert settings.base_url == "https://dms.cn-north-4.myhuaweicloud.com"
    assert settings.project_id == PROJECT
    assert settings.verify is True
    assert settings.request_timeout == 30.0
    assert settings.retries == 5
    assert settings.warnings == []
    assert isinstance(settings.auth, AkSkAuth) and settings.auth.access_key == AK


def test_none_timeout_and_retries_fall_back_to_defaults():
    settings = connection_settings(params(request_timeout=None, retries=None))
    assert (settings.request_timeout, settings.retries) == (30.0, 5)


@pytest.mark.parametrize(
    "overrides,missing",
    [
        ({"access_key": None}, "access_key"),
        ({"secret_key": None}, "secret_key"),
        ({"secret_key": ""}, "secret_key"),
        ({"access_key": None, "secret_key": None}, "access_key and secret_key"),
    ],
)
def test_missing_credentials_name_the_env_vars_and_never_the_secret(overrides, missing):
    message = config_error(security_token=TOKEN, **overrides)
    assert "Missing credentials: %s." % missing in message
    for env in ("HW_ACCESS_KEY", "HW_SECRET_KEY", "HUAWEICLOUD_SDK_AK", "HUAWEICLOUD_SDK_SK"):
        assert env in message


def test_missing_project_id_without_region_names_both_fixes():
    message = config_error(project_id=None, region=None, endpoint="http://127.0.0.1:8080")
    assert "'project_id'" in message and "HW_PROJECT_ID" in message and "HW_REGION_NAME" in message


def test_missing_project_id_is_looked_up_at_the_regional_iam():
    settings = connection_settings(params(project_id=None))
    assert settings.project_id is None
    assert settings.iam_url == "https://iam.cn-north-4.myhuaweicloud.com"
    assert settings.region == "cn-north-4"


def test_bad_project_id():
    assert "'project_id'" in config_error(project_id="../other")


@pytest.mark.parametrize(
    "endpoint", ["ftp://dms.example.com", "https://", "https://dms.example.com/?x=1", "dms.example.com"]
)
def test_endpoint_validation_names_endpoint(endpoint):
    assert "'endpoint'" in config_error(endpoint=endpoint)


def test_endpoint_is_used_without_region():
    settings = connection_settings(params(region=None, endpoint="http://127.0.0.1:8080/"))
    assert settings.base_url == "http://127.0.0.1:8080"


@pytest.mark.parametrize(
    "region,cloud,url",
    [
        ("cn-north-4", None, "https://dms.cn-north-4.myhuaweicloud.com"),
        ("eu-west-101", None, "https://dms.eu-west-101.myhuaweicloud.eu"),
        ("eu-de", "otc.t-systems.com", "https://dms.eu-de.otc.t-systems.com"),
    ],
)
def test_region_built_url(region, cloud, url):
    assert connection_settings(params(region=region, cloud=cloud)).base_url == url


def test_region_validation():
    assert "'region'" in config_error(region=None)
    assert "'region'" in config_error(region="CN North 4")
    assert "'cloud'" in config_error(cloud="not a domain")


@pytest.mark.parametrize("value", [0, -1, 3600.5, 86400])
def test_request_timeout_bounds(value):
    assert "'request_timeout'" in config_error(request_timeout=value)


@pytest.mark.parametrize("value", [0.05, 1, 3600])
def test_request_timeout_accepted(value):
    assert connection_settings(params(request_timeout=value)).request_timeout == float(value)


@pytest.mark.parametrize("value", [-1, MAX_RETRIES + 1, 100])
def test_retries_bounds(value):
    message = config_error(retries=value)
    assert "'retries'" in message and str(MAX_RETRIES) in message


@pytest.mark.parametrize("value", [0, MAX_RETRIES])
def test_retries_accepted(value):
    assert connection_settings(params(retries=value)).retries == value


def test_ca_path_must_exist(tmp_path):
    missing = str(tmp_path / "nope.pem")
    message = config_error(ca_path=missing)
    assert "'ca_path'" in message and missing in message
    assert "'ca_path'" in config_error(ca_path=str(tmp_path))


def test_ca_path_is_the_verify_value(tmp_path):
    bundle = tmp_path / "ca.pem"
    bundle.write_text("-----BEGIN CERTIFICATE-----\n")
    settings = connection_settings(params(ca_path=str(bundle)))
    assert settings.verify == str(bundle)
    assert settings.warnings == []


def test_validate_certs_false_disables_verify_and_warns(tmp_path):
    settings = connection_settings(params(validate_certs=False, ca_path=str(tmp_path / "ignored.pem")))
    assert settings.verify is False
    assert len(settings.warnings) == 1
    assert "validate_certs is false" in settings.warnings[0] and "ca_path" in settings.warnings[0]


def test_validate_certs_false_on_plain_http_does_not_warn():
    settings = connection_settings(params(validate_certs=False, endpoint="http://127.0.0.1:8080"))
    assert settings.verify is False
    assert settings.warnings == []


def test_auth_repr_never_holds_secret_or_token():
    settings = connection_settings(params(security_token=TOKEN))
    for text in (repr(settings.auth), str(settings.auth), repr(vars(settings))):
        assert SK not in text and TOKEN not in text
    assert AK in repr(settings.auth)


# --- authentication methods, precedence, IAM endpoint ---------------------------------------------------------------

AUTH_TOKEN = "MIIEXAMPLEAUTHTOKEN0123456789"
PASSWORD = "example-password-0123"
NO_AKSK = {"access_key": None, "secret_key": None}


def test_auth_token_alone_is_token_auth():
    settings = connection_settings(params(auth_token=AUTH_TOKEN, **NO_AKSK))
    assert settings.method == "auth_token" and isinstance(settings.auth, TokenAuth)
    assert settings.iam_url is None  # project_id known, no password: IAM is never called


def test_password_alone_is_password_auth_and_needs_iam():
    settings = connection_settings(params(user_name="alice", password=PASSWORD, domain_name="acme", **NO_AKSK))
    assert settings.method == "user_name/password" and settings.auth is None
    assert settings.iam_url == "https://iam.cn-north-4.myhuaweicloud.com"
    for text in (repr(settings.password), repr(vars(settings))):
        assert PASSWORD not in text


@pytest.mark.parametrize(
    "given,missing",
    [
        ({"user_name": "alice", "password": PASSWORD}, "domain_name"),
        ({"password": PASSWORD, "domain_name": "acme"}, "user_name"),
        ({"user_name": "alice", "domain_name": "acme"}, "password"),
    ],
)
def test_user_name_password_domain_name_are_required_together(given, missing):
    message = config_error(**dict(NO_AKSK, **given))
    assert (
        "user_name, password and domain_name are required together" in message and "missing: %s." % missing in message
    )
    assert PASSWORD not in message


def test_nothing_at_all_names_every_method():
    message = config_error(**NO_AKSK)
    assert "Missing credentials: access_key and secret_key." in message
    assert "auth_token (HW_AUTH_TOKEN)" in message and "HW_USER_PASSWORD" in message


@pytest.mark.parametrize(
    "explicit,message_part",
    [
        ({"access_key", "auth_token"}, "access_key and auth_token"),
        ({"secret_key", "password"}, "secret_key and password"),
        ({"auth_token", "user_name"}, "auth_token and user_name"),
    ],
)
def test_two_explicit_methods_fail_naming_the_options(explicit, message_part):
    values = dict(auth_token=AUTH_TOKEN, user_name="alice", password=PASSWORD, domain_name="acme")
    with pytest.raises(ConfigurationError) as info:
        connection_settings(params(**values), explicit=explicit)
    assert "Options %s choose different authentication methods" % message_part in str(info.value)
    assert AUTH_TOKEN not in str(info.value) and PASSWORD not in str(info.value)


def test_explicit_method_beats_the_environment_silently():
    values = dict(auth_token=AUTH_TOKEN, user_name="alice", password=PASSWORD, domain_name="acme")
    settings = connection_settings(params(**values), explicit={"password", "region"})
    assert settings.method == "user_name/password" and settings.warnings == []
    settings = connection_settings(params(**values), explicit={"auth_token"})
    assert settings.method == "auth_token" and settings.warnings == []


@pytest.mark.parametrize(
    "values,chosen",
    [
        (dict(auth_token=AUTH_TOKEN), "access_key/secret_key"),
        (
            dict(auth_token=AUTH_TOKEN, user_name="alice", password=PASSWORD, domain_name="acme", **NO_AKSK),
            "auth_token",
        ),
        (dict(user_name="alice", password=PASSWORD, domain_name="acme"), "access_key/secret_key"),
    ],
)
def test_environment_only_follows_the_precedence_with_a_warning(values, chosen):
    settings = connection_settings(params(**values), explicit=set())
    assert settings.method == chosen
    assert len(settings.warnings) == 1 and "using %s" % chosen in settings.warnings[0]
    assert AUTH_TOKEN not in settings.warnings[0] and PASSWORD not in settings.warnings[0]


def test_domain_name_or_security_token_alone_choose_nothing():
    settings = connection_settings(params(domain_name="acme"), explicit={"domain_name"})
    assert settings.method == "access_key/secret_key" and settings.warnings == []
    settings = connection_settings(params(security_token=TOKEN, auth_token=AUTH_TOKEN, **NO_AKSK), explicit=set())
    assert settings.method == "auth_token" and settings.warnings == []


def test_explicit_options_maps_aliases_and_skips_unset():
    assert explicit_options(
        {"ak": AK, "sk": None, "password": "x", "instance_id": "i", "_ansible_check_mode": False}
    ) == {"access_key", "password"}


@pytest.mark.parametrize(
    "iam,url",
    [
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
        ("https://iam.example.com/v3", "https://iam.example.com"),
        ("https://iam.example.com:443/v3/", "https://iam.example.com:443"),
        ("https://iam.example.com/identity", "https://iam.example.com/identity"),
    ],
)
def test_iam_endpoint_option_drops_a_trailing_v3(iam, url):
    assert connection_settings(params(iam_endpoint=iam)).iam_url == url


@pytest.mark.parametrize(
    "iam",
    ["ftp://iam.example.com", "https://user:pw@iam.example.com", "https://iam.example.com/?x=1", "iam.example.com"],
)
def test_iam_endpoint_is_validated_like_endpoint(iam):
    message = config_error(iam_endpoint=iam)
    assert "'iam_endpoint'" in message and "pw@" not in message


@pytest.mark.parametrize(
    "region,cloud,url",
    [
        ("eu-west-101", None, "https://iam.eu-west-101.myhuaweicloud.eu"),
        ("ap-southeast-1", "example.cloud", "https://iam.ap-southeast-1.example.cloud"),
    ],
)
def test_iam_url_is_built_from_region_and_cloud(region, cloud, url):
    assert connection_settings(params(project_id=None, region=region, cloud=cloud)).iam_url == url


def test_lookup_without_region_but_with_endpoints_names_region():
    message = config_error(
        project_id=None, region=None, endpoint="http://127.0.0.1:1", iam_endpoint="http://127.0.0.1:1"
    )
    assert "'region' is needed to look it up" in message


def test_password_with_project_id_but_no_region_needs_iam_endpoint():
    message = config_error(
        region=None, endpoint="http://127.0.0.1:1", user_name="alice", password=PASSWORD, domain_name="acme", **NO_AKSK
    )
    assert "'iam_endpoint'" in message and "region" in message


# --- late binding of the environment -------------------------------------------------------------------------------


def test_environment_fills_only_options_the_task_left_unset():
    environ = {
        "HW_ACCESS_KEY": "env-ak",
        "HW_SECRET_KEY": "env-sk",
        "HW_REGION_NAME": "eu-west-101",
        "HW_AUTH_TOKEN": AUTH_TOKEN,
    }
    bound = bind_environment({"access_key": AK, "region": None, "retries": None}, environ)
    assert (
        bound.values["access_key"] == AK
        and bound.values["secret_key"] == "env-sk"
        and bound.values["region"] == "eu-west-101"
    )
    assert bound.from_task == {"access_key"}
    assert bound.from_environment == {
        "secret_key": "HW_SECRET_KEY",
        "region": "HW_REGION_NAME",
        "auth_token": "HW_AUTH_TOKEN",
    }


def test_the_first_variable_that_exists_wins_even_when_empty():
    bound = bind_environment({}, {"HW_ACCESS_KEY": "", "HUAWEICLOUD_SDK_AK": "sdk-ak", "HUAWEICLOUD_SDK_SK": "sdk-sk"})
    assert bound.values["access_key"] == "" and bound.values["secret_key"] == "sdk-sk"


def test_an_empty_string_in_the_task_is_set_and_not_replaced_by_the_environment():
    bound = bind_environment({"project_id": ""}, {"HW_PROJECT_ID": PROJECT})
    assert bound.values["project_id"] == "" and "project_id" not in bound.from_environment


def test_retries_default_applies_after_the_environment():
    assert bind_environment({}, {}).values["retries"] == DEFAULTS_AFTER_ENVIRONMENT["retries"]
    assert bind_environment({}, {"HW_MAX_RETRIES": "0"}).values["retries"] == 0
    assert bind_environment({"retries": 2}, {"HW_MAX_RETRIES": "0"}).values["retries"] == 2


def test_a_malformed_environment_value_names_the_variable_and_the_option():
    with pytest.raises(ConfigurationError) as info:
        bind_environment({}, {"HW_MAX_RETRIES": "lots"})
    assert "HW_MAX_RETRIES" in str(info.value) and "'retries'" in str(info.value) and "int" in str(info.value)


def test_the_environment_is_read_when_called_not_at_import(monkeypatch):
    monkeypatch.setenv("HW_CLOUD", "example.cloud")
    assert bind_environment({}).values["cloud"] == "example.cloud"
    monkeypatch.delenv("HW_CLOUD")
    assert bind_environment({}).values["cloud"] is None


def test_settings_from_task_lets_a_task_method_beat_the_environment_silently():
    environ = {"HW_ACCESS_KEY": AK, "HW_SECRET_KEY": SK, "HW_PROJECT_ID": PROJECT, "HW_REGION_NAME": "cn-north-4"}
    settings = settings_from_task({"auth_token": AUTH_TOKEN}, environ)
    assert settings.method == "auth_token" and settings.warnings == [] and settings.project_id == PROJECT
    with pytest.raises(ConfigurationError) as info:
        settings_from_task({"auth_token": AUTH_TOKEN, "sk": SK}, environ)
    assert "Options secret_key and auth_token choose different authentication methods" in str(info.value)


def test_vpc_endpoint_from_the_environment_the_region_or_the_dms_endpoint():
    base = {"access_key": AK, "secret_key": "sk", "project_id": PROJECT}
    env = settings_from_task(dict(base, region="eu-west-101"), {"HW_VPC_ENDPOINT": "https://vpc.example:8443/"})
    assert env.vpc_url == "https://vpc.example:8443" and env.vpc_origin == "'vpc_endpoint' (from HW_VPC_ENDPOINT)"
    region = settings_from_task(dict(base, region="eu-west-101"), {})
    assert region.base_url == "https://dms.eu-west-101.myhuaweicloud.eu"
    assert region.vpc_url == "https://vpc.eu-west-101.myhuaweicloud.com"
    given = settings_from_task(dict(base, endpoint="http://127.0.0.1:8080"), {})
    assert given.vpc_url == "http://127.0.0.1:8080"


def test_vpc_endpoint_with_user_info_is_refused_naming_the_option():
    with pytest.raises(ConfigurationError, match="'vpc_endpoint' must not carry user info"):
        settings_from_task(
            {
                "access_key": AK,
                "secret_key": "sk",
                "project_id": PROJECT,
                "region": "cn-north-4",
                "vpc_endpoint": "https://u:p@h",
            }
        )
