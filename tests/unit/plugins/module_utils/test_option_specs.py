# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""_option_specs: the shared specs match their doc fragments, secrets are no_log, variables belong to options."""

from __future__ import annotations

import pytest
import yaml

from ansible_collections.hwcloud.dms.plugins.doc_fragments import auth as auth_fragment
from ansible_collections.hwcloud.dms.plugins.doc_fragments import connection as connection_fragment
from ansible_collections.hwcloud.dms.plugins.module_utils._option_specs import (
    AUTH_ARGUMENT_SPEC,
    CONNECTION_ARGUMENT_SPEC,
    DEFAULTS_AFTER_ENVIRONMENT,
    OPTION_ENVIRONMENT,
    SECRET_OPTIONS,
    SHARED_ARGUMENT_SPEC,
    env_name,
)


def test_argument_spec_marks_secrets_no_log():
    assert SHARED_ARGUMENT_SPEC["secret_key"]["no_log"] is True
    assert SHARED_ARGUMENT_SPEC["security_token"]["no_log"] is True
    assert SHARED_ARGUMENT_SPEC["access_key"]["no_log"] is False


@pytest.mark.parametrize(
    "fragment,spec",
    [(auth_fragment, AUTH_ARGUMENT_SPEC), (connection_fragment, CONNECTION_ARGUMENT_SPEC)],
    ids=["hwcloud.dms.auth", "hwcloud.dms.connection"],
)
def test_argument_spec_matches_the_doc_fragment(fragment, spec):
    documented = yaml.safe_load(fragment.ModuleDocFragment.DOCUMENTATION)["options"]
    assert set(documented) == set(spec)
    for name, option in spec.items():
        doc = documented[name]
        description = " ".join(doc["description"])
        assert doc["type"] == option["type"], name
        assert doc.get("default") == option.get("default"), name
        assert doc.get("aliases", []) == option.get("aliases", []), name
        for env in OPTION_ENVIRONMENT.get(name, ()):
            assert "E(%s)" % env in description, (name, env)
        if name in DEFAULTS_AFTER_ENVIRONMENT:
            assert "the default is V(%s)" % DEFAULTS_AFTER_ENVIRONMENT[name] in description, name


def test_every_environment_variable_belongs_to_a_shared_option_and_specs_do_not_overlap():
    assert set(OPTION_ENVIRONMENT) <= set(SHARED_ARGUMENT_SPEC)
    assert set(DEFAULTS_AFTER_ENVIRONMENT) <= set(OPTION_ENVIRONMENT)
    assert not set(AUTH_ARGUMENT_SPEC) & set(CONNECTION_ARGUMENT_SPEC)
    for name in DEFAULTS_AFTER_ENVIRONMENT:
        assert "default" not in SHARED_ARGUMENT_SPEC[name], name  # an Ansible default would hide the unset option


def test_new_secrets_are_no_log():
    assert SHARED_ARGUMENT_SPEC["auth_token"]["no_log"] is True
    assert SHARED_ARGUMENT_SPEC["password"]["no_log"] is True


def test_secret_options_are_exactly_the_no_log_ones():
    assert set(SECRET_OPTIONS) == {"secret_key", "security_token", "auth_token", "password"}


def test_env_name_is_the_first_variable_tried():
    assert env_name("access_key") == "HW_ACCESS_KEY" and env_name("project_id") == "HW_PROJECT_ID"


def test_wait_fragment_matches_the_shared_wait_spec_and_wait_options():
    """hwcloud.dms.wait documents WAIT_ARGUMENT_SPEC, whose defaults are WaitOptions' (the one place of wait defaults);
    wait_timeout's default is each module's own entry, so the fragment gives none."""
    from ansible_collections.hwcloud.dms.plugins.doc_fragments import wait as wait_fragment
    from ansible_collections.hwcloud.dms.plugins.module_utils._poll import (
        DEFAULT_PROGRESS_INTERVAL,
        WAIT_ARGUMENT_SPEC,
        WaitOptions,
    )

    documented = yaml.safe_load(wait_fragment.ModuleDocFragment.DOCUMENTATION)["options"]
    assert set(documented) == set(WAIT_ARGUMENT_SPEC)
    for name, option in WAIT_ARGUMENT_SPEC.items():
        assert documented[name]["type"] == option["type"], name
    assert "default" not in documented["wait_timeout"]
    assert documented["wait_sleep"]["default"] == WAIT_ARGUMENT_SPEC["wait_sleep"]["default"] == WaitOptions().sleep
    assert WAIT_ARGUMENT_SPEC["wait_timeout"]["default"] == WaitOptions().timeout
    assert documented["progress_interval"]["default"] == DEFAULT_PROGRESS_INTERVAL
    assert WAIT_ARGUMENT_SPEC["progress_interval"]["default"] == DEFAULT_PROGRESS_INTERVAL


@pytest.mark.parametrize("module_name", ["dms_task_info", "dms_request", "dms_public_access"])
def test_waiting_modules_take_progress_interval_and_its_fragment(module_name):
    """Each waiting module accepts progress_interval (its action plugin reads it) with the shared default, and
    documents it through hwcloud.dms.wait; a module's own wait_timeout default matches its DOCUMENTATION."""
    import importlib

    module = importlib.import_module("ansible_collections.hwcloud.dms.plugins.modules." + module_name)
    from ansible_collections.hwcloud.dms.plugins.module_utils._poll import WAIT_ARGUMENT_SPEC

    doc = yaml.safe_load(module.DOCUMENTATION)
    assert "hwcloud.dms.wait" in doc["extends_documentation_fragment"]
    spec = module.ARGUMENT_SPEC
    assert spec["progress_interval"] == WAIT_ARGUMENT_SPEC["progress_interval"]
    assert doc["options"]["wait_timeout"]["default"] == spec["wait_timeout"]["default"]
