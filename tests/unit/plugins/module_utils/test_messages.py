# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Messages name the service (DMS, IAM, proxy), where a value came from, and the fix before any dump."""

from __future__ import annotations

import pytest

from ansible_collections.hwcloud.dms.plugins.module_utils._auth import Unsigned
from ansible_collections.hwcloud.dms.plugins.module_utils._errors import (
    ConfigurationError,
    DmsApiError,
    DmsTransportError,
    InstanceNotFoundError,
    TaskNotFoundError,
)
from ansible_collections.hwcloud.dms.plugins.module_utils._http import DmsHttpClient
from ansible_collections.hwcloud.dms.plugins.module_utils._http_response import HttpResponse
from ansible_collections.hwcloud.dms.plugins.module_utils._ids import validate_id
from ansible_collections.hwcloud.dms.plugins.module_utils._poll import PollAborted
from ansible_collections.hwcloud.dms.plugins.module_utils._settings import settings_from_task
from ansible_collections.hwcloud.dms.plugins.module_utils._tasks import DmsTaskApi
from ansible_collections.hwcloud.dms.plugins.module_utils._transport import open_transport
from ansible_collections.hwcloud.dms.plugins.module_utils._waiter import wait_for_tasks
from ansible_collections.hwcloud.dms.tests.unit.http_server import free_port

PROJECT = "0123456789abcdef0123456789abcdef"
INSTANCE = "11111111-2222-3333-4444-555555555555"
TASK = "8abfa7b272adc5b40172b73130065ae7"
AK, SK = "EMULATORAK0000000001", "emulator-secret-key-do-not-use-in-production"


class Raising:
    def __init__(self, error):
        self.error = error

    def get_json(self, path, query=(), deadline=None):
        raise self.error


def client(url, retries=3, **kwargs):
    pauses = []
    transport = open_transport(request_timeout=2, retries=retries, sleep=pauses.append)
    return DmsHttpClient(transport, url, Unsigned(), PROJECT, **kwargs), pauses


# --- service and origin ----------------------------------------------------------------------------------------


def test_refused_connection_names_the_endpoint_and_the_variable_it_came_from():
    url = "http://127.0.0.1:%d" % free_port()
    settings = settings_from_task(
        {}, {"HW_DMS_ENDPOINT": url, "HW_PROJECT_ID": PROJECT, "HW_ACCESS_KEY": AK, "HW_SECRET_KEY": SK}
    )
    assert settings.endpoint_origin == "'endpoint' (from HW_DMS_ENDPOINT)"
    made, _pauses = client(settings.base_url, retries=0, origin=settings.endpoint_origin)
    with pytest.raises(DmsTransportError) as info:
        made.get_json("/v2/x")
    message = str(info.value)
    assert message.startswith("Could not reach the DMS API"), message
    assert "'endpoint' (from HW_DMS_ENDPOINT)" in message and url in message


def test_origins_of_task_options_and_of_region_defaults():
    settings = settings_from_task(
        {"endpoint": "https://dms.example.test", "access_key": AK, "secret_key": SK, "region": "cn-north-4"},
        {"HW_REGION_NAME": "ignored"},
    )
    assert settings.endpoint_origin == "'endpoint' (set in the task)"
    assert settings.iam_origin == "the IAM endpoint of region 'cn-north-4' ('region' set in the task)"
    environ = {"HW_REGION_NAME": "cn-north-4", "HW_AUTH_URL": "https://iam.example.test"}
    settings = settings_from_task({"access_key": AK, "secret_key": SK}, environ)
    assert settings.endpoint_origin == "the DMS endpoint of region 'cn-north-4' ('region' from HW_REGION_NAME)"
    assert settings.iam_origin == "'iam_endpoint' (from HW_AUTH_URL)"


def test_an_unreachable_iam_is_called_iam_and_the_fix_names_iam_endpoint_and_project_id():
    url = "http://127.0.0.1:%d" % free_port()
    made, _pauses = client(url, retries=0, service="IAM", origin="'iam_endpoint' (from HW_AUTH_URL)")
    with pytest.raises(DmsTransportError) as info:
        made.request("GET", "/v3/projects", [("name", "cn-north-4")])
    message = str(info.value)
    assert message.startswith("Could not reach the IAM API"), message
    assert "DMS API" not in message
    assert "'iam_endpoint' (from HW_AUTH_URL)" in message and "project_id" in message and "HW_PROJECT_ID" in message


def test_an_iam_client_made_from_the_dms_one_reports_as_iam():
    made, _pauses = client("http://127.0.0.1:1")
    iam = made.for_service("IAM", "http://127.0.0.1:2", Unsigned(), "'iam_endpoint' (set in the task)")
    assert (iam.service, iam.origin) == ("IAM", "'iam_endpoint' (set in the task)")
    assert (made.service, made.origin) == ("DMS", None)


def test_iam_http_errors_say_iam():
    error = DmsApiError("GET", "/v3/projects", 403, "IAM.0002", "Forbidden", "r-1", service="IAM")
    assert str(error).startswith("IAM API GET /v3/projects failed with HTTP 403")


def test_dns_failures_are_not_retried_and_say_the_name_does_not_resolve():
    made, pauses = client("http://no-such-host.invalid", retries=3, origin="'endpoint' (from HW_DMS_ENDPOINT)")
    with pytest.raises(DmsTransportError) as info:
        made.get_json("/v2/x")
    message = str(info.value)
    assert pauses == [] and made.requests_sent == 1
    assert "no-such-host.invalid" in message and "does not resolve" in message, message
    assert "'endpoint' (from HW_DMS_ENDPOINT)" in message


def test_a_proxy_that_refuses_is_named_as_the_proxy(monkeypatch):
    proxy = "http://127.0.0.1:%d" % free_port()
    monkeypatch.setenv("HTTP_PROXY", proxy)
    monkeypatch.setenv("http_proxy", proxy)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    made, _pauses = client("http://dms.example.test", retries=0)
    with pytest.raises(DmsTransportError) as info:
        made.get_json("/v2/x")
    message = str(info.value)
    assert message.startswith("Could not reach the DMS API through the proxy %s" % proxy), message
    assert proxy in message and "HTTPS_PROXY" in message and "NO_PROXY" in message


# --- gateway answers -------------------------------------------------------------------------------------------


def test_lockout_is_explained_and_does_not_blame_the_key():
    error = DmsApiError(
        "GET",
        "/v2/x",
        401,
        "APIGW.0301",
        "Incorrect IAM authentication information: AK access failed to reach the limit,forbidden",
        "r-2",
    )
    message = str(error)
    assert "locked" in message and "5 minutes" in message and "may be right now" in message, message
    assert "Check access_key/secret_key" not in message


def test_canonical_request_dump_is_short_and_after_the_advice():
    dump = (
        "Incorrect IAM authentication information: verify aksk signature fail, canonicalRequest:GET|/v2/%s/instances/%s/"
        "tasks/|limit=100&start=1|content-type:application/json|host:127.0.0.1|x-project-id:%s|x-sdk-date:20240115T083000Z"
        "||content-type;host;x-project-id;x-sdk-date|e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        % (PROJECT, INSTANCE, PROJECT)
    )
    message = str(DmsApiError("GET", "/v2/x", 401, "APIGW.0301", dump, "r-3"))
    advice = message.index("Check access_key/secret_key")
    assert message.index("canonicalRequest") > advice, message
    assert "verify aksk signature fail" in message[:advice]
    assert (
        len(message) < len(dump) + 250
        and "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" not in message
    )


# --- not found -------------------------------------------------------------------------------------------------


def test_an_instance_that_does_not_exist_is_not_reported_as_a_missing_task():
    error = DmsApiError("GET", "/v2/x", 404, "DMS.00404022", "This DMS instance does not exist.", "r-4")
    with pytest.raises(InstanceNotFoundError) as info:
        DmsTaskApi(Raising(error), PROJECT, INSTANCE).show(TASK)
    message = str(info.value)
    assert message.startswith("Instance %s was not found: it does not exist in project %s" % (INSTANCE, PROJECT)), (
        message
    )
    assert "instance_id" in message and "Task %s" % TASK not in message


def test_a_wait_ends_at_once_on_an_unknown_instance(clock):
    error = DmsApiError("GET", "/v2/x", 404, "DMS.00404022", "This DMS instance does not exist.", "r-7")
    api = DmsTaskApi(Raising(error), PROJECT, INSTANCE)
    deadline = clock() + 600
    with pytest.raises(PollAborted) as info:
        wait_for_tasks(lambda: [api.show(TASK, deadline)], deadline, 5, clock, clock.sleep, lambda message: None)
    assert isinstance(info.value.cause, InstanceNotFoundError)
    assert info.value.result.reads == 1 and clock.sleeps == []  # no 30 s not-found grace


def test_a_missing_task_on_an_existing_instance_is_still_a_missing_task():
    error = DmsApiError("GET", "/v2/x", 404, "DMS.00404023", "The background task does not exist.", "r-5")
    with pytest.raises(TaskNotFoundError) as info:
        DmsTaskApi(Raising(error), PROJECT, INSTANCE).show(TASK)
    assert str(info.value).startswith("Task %s was not found on instance %s" % (TASK, INSTANCE))


def test_listing_an_instance_that_does_not_exist():
    error = DmsApiError("GET", "/v2/x", 404, "DMS.00404022", "This DMS instance does not exist.", "r-6")
    with pytest.raises(InstanceNotFoundError) as info:
        DmsTaskApi(Raising(error), PROJECT, INSTANCE).list()
    assert str(info.value).startswith(
        "Instance %s was not found: it does not exist in project %s" % (INSTANCE, PROJECT)
    )


# --- ids -------------------------------------------------------------------------------------------------------


def test_instance_id_with_a_trailing_space_shows_an_instance_style_example():
    with pytest.raises(ConfigurationError) as info:
        validate_id(INSTANCE + " ", "instance_id")
    message = str(info.value)
    assert "a DMS instance id such as 6e3a3b1c-1111-4a4a-9b9b-000000000001" in message, message
    assert "8abfa7b272adc5b40172b73130065ae7" not in message
    assert "trailing space" in message and repr(INSTANCE + " ") in message


def test_task_id_keeps_a_task_style_example():
    with pytest.raises(ConfigurationError) as info:
        validate_id("a/b", "task_id")
    assert "8abfa7b272adc5b40172b73130065ae7" in str(info.value)


def test_http_response_is_still_importable_for_fakes():
    assert HttpResponse(200, {}, None).status == 200


def test_the_fix_comes_before_urllib3s_long_cause():
    url = "http://127.0.0.1:%d" % free_port()
    made, _pauses = client(url, retries=0, origin="'endpoint' (from HW_DMS_ENDPOINT)")
    with pytest.raises(DmsTransportError) as info:
        made.get_json("/v2/x")
    message = str(info.value)
    assert (
        message.index("Check 'endpoint' (from HW_DMS_ENDPOINT)")
        < message.index("Cause:")
        < message.lower().index("refused")
    )
