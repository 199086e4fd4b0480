# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""_iam: project lookup and password tokens against scripted answers, then resolve_auth_and_project on the wire."""

from __future__ import annotations

import pytest
from requests.structures import CaseInsensitiveDict

from ansible_collections.hwcloud.dms.plugins.module_utils._auth import AkSkAuth, PasswordCredentials, TokenAuth
from ansible_collections.hwcloud.dms.plugins.module_utils._errors import DmsApiError, DmsResponseError
from ansible_collections.hwcloud.dms.plugins.module_utils._http import DmsHttpClient
from ansible_collections.hwcloud.dms.plugins.module_utils._http_response import HttpResponse
from ansible_collections.hwcloud.dms.plugins.module_utils._iam import (
    IamError,
    IssuedToken,
    lookup_project_id,
    password_token,
    resolve_auth_and_project,
)
from ansible_collections.hwcloud.dms.plugins.module_utils._redact import Redactor
from ansible_collections.hwcloud.dms.plugins.module_utils._settings import connection_settings
from ansible_collections.hwcloud.dms.plugins.module_utils._tasks import DmsTaskApi
from ansible_collections.hwcloud.dms.plugins.module_utils._transport import open_transport
from ansible_collections.hwcloud.dms.tests.unit.http_server import Reply, TestServer

IAM = "https://iam.cn-north-4.myhuaweicloud.com"
PROJECT = "0123456789abcdef0123456789abcdef"
PASSWORD = "s3cret-password-value"
TOKEN = "MIIEXAMPLETOKEN0123456789"


class FakeIam:
    """Answers every request with one scripted HttpResponse or exception; records what was asked."""

    def __init__(self, answer):
        self.answer = answer
        self.calls = []
        self.redact = Redactor()

    def request(self, method, path, query=(), body=None, deadline=None, base_url=None, idempotent=None):
        self.calls.append((method, path, list(query), body))
        self.idempotent = idempotent
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer


def projects(*ids):
    return HttpResponse(200, {}, {"projects": [{"id": project_id, "name": "cn-north-4"} for project_id in ids]})


def creds(password=PASSWORD):
    return PasswordCredentials("alice", password, "acme")


# --- lookup_project_id ------------------------------------------------------------------------------------------


def test_lookup_takes_the_only_project_and_asks_by_region_name():
    iam = FakeIam(projects(PROJECT))
    assert lookup_project_id(iam, "cn-north-4", IAM) == PROJECT
    assert iam.calls == [("GET", "/v3/projects", [("name", "cn-north-4")], None)]


def test_lookup_with_no_project_names_region_and_both_fixes():
    with pytest.raises(IamError) as info:
        lookup_project_id(FakeIam(projects()), "ap-nowhere-9", IAM)
    message = str(info.value)
    assert "No IAM project is named after region 'ap-nowhere-9'" in message
    assert "GET %s/v3/projects?name=ap-nowhere-9" % IAM in message
    assert "'region' (HW_REGION_NAME)" in message and "'project_id' (HW_PROJECT_ID)" in message


def test_lookup_with_several_projects_lists_their_ids():
    with pytest.raises(IamError) as info:
        lookup_project_id(FakeIam(projects("a" * 32, "b" * 32)), "cn-north-4", IAM)
    assert "Several IAM projects are named 'cn-north-4' (ids: %s, %s)" % ("a" * 32, "b" * 32) in str(info.value)
    assert "set 'project_id' (HW_PROJECT_ID)" in str(info.value)


@pytest.mark.parametrize("data", [None, {"projects": "x"}, {}, ["p"]])
def test_lookup_rejects_a_body_without_a_projects_list(data):
    with pytest.raises(DmsResponseError, match="without a 'projects' list"):
        lookup_project_id(FakeIam(HttpResponse(200, {}, data)), "cn-north-4", IAM)


def test_lookup_rejects_an_id_that_could_change_the_path():
    with pytest.raises(DmsResponseError, match="not an id"):
        lookup_project_id(FakeIam(projects("../admin")), "cn-north-4", IAM)


def test_lookup_refused_explains_the_permission_and_the_way_out():
    error = DmsApiError("GET", "/v3/projects", 403, "IAM.0002", "You are not authorized", "rid")
    with pytest.raises(IamError) as info:
        lookup_project_id(FakeIam(error), "cn-north-4", IAM)
    message = str(info.value)
    assert "HTTP 403: IAM.0002 You are not authorized (X-Request-Id: rid)" in message
    assert "allowed to list IAM projects" in message and "HW_PROJECT_ID" in message


def test_lookup_with_an_expired_token_says_how_to_renew():
    error = DmsApiError(
        "GET", "/v3/projects", 401, "APIGW.0301", "Incorrect IAM authentication information: token expires", None
    )
    with pytest.raises(IamError) as info:
        lookup_project_id(FakeIam(error), "cn-north-4", IAM)
    assert "expired or is invalid" in str(info.value) and "HW_AUTH_TOKEN" in str(info.value)


# --- password_token ---------------------------------------------------------------------------------------------


def issued(headers=None, body=None):
    # As the client hands them back: requests' case-insensitive dict (IAM may spell the header in any case).
    return HttpResponse(
        201,
        CaseInsensitiveDict(headers if headers is not None else {"x-subject-token": TOKEN}),
        body if body is not None else {"token": {"project": {"id": PROJECT}, "expires_at": "2030-01-01T00:00:00.000Z"}},
    )


def test_password_token_scoped_by_region_name_reads_token_and_project():
    iam = FakeIam(issued())
    token = password_token(iam, creds(), None, "cn-north-4", IAM)
    assert (token.token, token.project_id, token.expires_at) == (TOKEN, PROJECT, "2030-01-01T00:00:00.000Z")
    assert iam.redact("echo %s" % TOKEN) == "echo <hidden>"  # a secret of the run from now on
    method, path, _query, body = iam.calls[0]
    assert (method, path) == ("POST", "/v3/auth/tokens")
    assert iam.idempotent is True  # a token POST changes nothing: retried on 5xx like a read
    assert body == {
        "auth": {
            "identity": {
                "methods": ["password"],
                "password": {"user": {"name": "alice", "password": PASSWORD, "domain": {"name": "acme"}}},
            },
            "scope": {"project": {"name": "cn-north-4"}},
        }
    }


def test_password_token_scoped_by_project_id_when_known():
    iam = FakeIam(issued())
    password_token(iam, creds(), PROJECT, "cn-north-4", IAM)
    assert iam.calls[0][3]["auth"]["scope"] == {"project": {"id": PROJECT}}


def test_password_token_without_x_subject_token_fails():
    with pytest.raises(DmsResponseError, match="without an X-Subject-Token"):
        password_token(FakeIam(issued(headers={})), creds(), None, "cn-north-4", IAM)


def test_password_token_without_a_project_in_the_body_leaves_it_unknown():
    token = password_token(FakeIam(issued(body={"token": {}})), creds(), None, "cn-north-4", IAM)
    assert token.project_id is None and token.token == TOKEN


def test_wrong_password_names_user_domain_and_env_but_never_the_password():
    # Even if IAM echoed the password, the message would not carry it.
    error = DmsApiError(
        "POST", "/v3/auth/tokens", 401, "IAM.0006", "The username or password is wrong: %s" % PASSWORD, None
    )
    with pytest.raises(IamError) as info:
        password_token(FakeIam(error), creds(), None, "cn-north-4", IAM)
    message = str(info.value)
    assert "IAM refused the password of user 'alice' in account (domain) 'acme'" in message
    assert "IAM.0006 The username or password is wrong: <hidden>" in message
    assert "HW_USER_NAME, HW_USER_PASSWORD and HW_DOMAIN_NAME" in message
    assert PASSWORD not in message


def test_unknown_scope_project_names_region_and_project_id():
    error = DmsApiError(
        "POST", "/v3/auth/tokens", 401, "IAM.0011", "The project does not exist or is not accessible.", None
    )
    with pytest.raises(IamError) as info:
        password_token(FakeIam(error), creds(), None, "ap-nowhere-9", IAM)
    assert "IAM would not issue a token for the project named 'ap-nowhere-9'" in str(info.value)
    assert "HW_REGION_NAME" in str(info.value) and "HW_PROJECT_ID" in str(info.value)


def test_other_iam_failures_keep_status_and_code():
    error = DmsApiError("POST", "/v3/auth/tokens", 503, None, "non-JSON body: <html>", None)
    with pytest.raises(IamError, match="Getting an IAM token for user 'alice' failed .*HTTP 503"):
        password_token(FakeIam(error), creds(), None, "cn-north-4", IAM)


def test_reprs_hide_the_token_and_the_password():
    for text in (repr(IssuedToken(TOKEN, PROJECT, None)), repr(creds()), repr(TokenAuth(TOKEN))):
        assert TOKEN not in text and PASSWORD not in text and "<hidden>" in text


# --- resolve_auth_and_project against the shared loopback test server ------------------------------------------------
# One server plays IAM and DMS (as the emulator and a private cloud's single gateway do), so "one connection" shows.

TASK_ID = "8abfa7b272adc5b40172b73130065ae7"


@pytest.fixture
def gateway():
    server = TestServer()
    yield server
    server.close()


def settings_for(server, **options):
    base = {"endpoint": server.url, "iam_endpoint": server.url, "region": "cn-north-4"}
    base.update(options)
    return connection_settings(base)


def open_client(settings, auth=None):
    transport = open_transport(retries=0)
    return DmsHttpClient(transport, settings.base_url, auth or settings.auth, settings.project_id)


def resolved_client(settings, base):
    """The DMS client for the settings resolve_auth_and_project returns; ``base`` itself must stay as it was."""
    before = (base.auth, base.project_id)
    resolved = resolve_auth_and_project(settings, base)
    assert (base.auth, base.project_id) == before
    assert resolved.password is None and settings.project_id in (None, resolved.project_id)
    return base.with_auth(resolved.auth, resolved.project_id)


def signed_headers(request):
    authorization = request["headers"].get("Authorization", "")
    return authorization.split("SignedHeaders=")[1].split(",")[0] if "SignedHeaders=" in authorization else None


def test_aksk_lookup_then_dms_call_one_lookup_and_one_connection(gateway):
    gateway.replies(
        Reply(200, {"projects": [{"id": PROJECT, "name": "cn-north-4"}]}),
        Reply(200, {"task_count": "1", "tasks": [{"id": TASK_ID, "status": "SUCCESS"}]}),
    )
    settings = settings_for(gateway, access_key="HPUAEXAMPLEAK0000001", secret_key="example-secret-key-0123")
    client = resolved_client(settings, open_client(settings))
    try:
        assert client.project_id == PROJECT and isinstance(client.auth, AkSkAuth)
        assert DmsTaskApi(client, client.project_id, "inst-1").show(TASK_ID)["id"] == TASK_ID
    finally:
        client.close()
    lookup, show = gateway.received
    assert (lookup["method"], lookup["path"]) == ("GET", "/v3/projects?name=cn-north-4")
    assert show["path"].startswith("/v2/%s/instances/inst-1/tasks/%s" % (PROJECT, TASK_ID))
    assert "X-Project-Id" not in lookup["headers"] and show["headers"]["X-Project-Id"] == PROJECT
    assert [signed_headers(request) for request in gateway.received] == [
        "content-type;host;user-agent;x-sdk-date",
        "content-type;host;user-agent;x-project-id;x-sdk-date",
    ]
    assert gateway.connections == 1


def test_known_project_id_means_no_iam_call(gateway):
    settings = settings_for(
        gateway, access_key="HPUAEXAMPLEAK0000001", secret_key="example-secret-key-0123", project_id=PROJECT
    )
    client = resolved_client(settings, open_client(settings))
    client.close()
    assert client.project_id == PROJECT
    assert gateway.received == []


def test_password_gives_token_and_project_without_a_lookup(gateway):
    gateway.replies(Reply(201, {"token": {"project": {"id": PROJECT}}}, {"X-Subject-Token": TOKEN}))
    settings = settings_for(gateway, user_name="alice", password=PASSWORD, domain_name="acme")
    assert settings.auth is None and settings.password is not None
    client = resolved_client(settings, open_client(settings, AkSkAuth("unused", "unused")))
    client.close()
    assert client.project_id == PROJECT
    assert isinstance(client.auth, TokenAuth) and client.auth.source == "user_name/password"
    (request,) = gateway.received
    assert (request["method"], request["path"]) == ("POST", "/v3/auth/tokens")
    # The token request carries no credentials header: the password is in the body only.
    assert not {"authorization", "x-auth-token", "x-security-token"} & {name.lower() for name in request["headers"]}
    assert client.redact("token %s" % TOKEN) == "token <hidden>"


def test_token_lookup_is_sent_with_the_token(gateway):
    gateway.replies(Reply(200, {"projects": [{"id": PROJECT, "name": "cn-north-4"}]}))
    settings = settings_for(gateway, auth_token=TOKEN)
    client = resolved_client(settings, open_client(settings))
    client.close()
    assert client.project_id == PROJECT
    (request,) = gateway.received
    assert request["headers"]["X-Auth-Token"] == TOKEN and "Authorization" not in request["headers"]
