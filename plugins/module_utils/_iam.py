# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.dms contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The two IAM calls: a project id from a region name, and a token for a user's password.

``resolve_auth_and_project`` runs them before the first DMS request, at most once each per module run:

* user_name/password: ``POST {iam}/v3/auth/tokens``, unsigned, scoped to
  ``project_id`` if known, else to the project named after the region; the token comes back in
  ``X-Subject-Token`` and the project id it was scoped to in the body, so no lookup follows.
* no project_id otherwise: ``GET {iam}/v3/projects?name={region}``, signed with the AK/SK
  or sent with the token, without X-Project-Id; exactly one project must match.

Every call goes through DmsHttpClient (timeouts, retries, error decoding); the IAM clients are made from
the DMS client with ``for_service`` and share its transport (session, deadline, redaction), so the emulator
(and a private cloud with one gateway) keeps one connection.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Optional

from ._auth import PasswordCredentials, TokenAuth, Unsigned
from ._auth_choice import check_credential
from ._errors import DmsApiError, DmsError, DmsResponseError, token_hint
from ._http import DmsHttpClient
from ._ids import is_id
from ._settings import ConnectionSettings

PROJECTS_PATH = "/v3/projects"
TOKENS_PATH = "/v3/auth/tokens"
PASSWORD_ENV = "HW_USER_NAME, HW_USER_PASSWORD and HW_DOMAIN_NAME"


class IamError(DmsError):
    """IAM refused or could not answer: wrong password, no such project, several projects."""


@dataclass(frozen=True, repr=False)
class IssuedToken:
    """A token from POST /v3/auth/tokens and the project it is scoped to; repr hides the token."""

    token: str
    project_id: Optional[str]
    expires_at: Optional[str]

    def __repr__(self) -> str:
        return "IssuedToken(token=<hidden>, project_id=%r, expires_at=%r)" % (self.project_id, self.expires_at)


def _api_detail(err: DmsApiError) -> str:
    detail = " ".join(part for part in (err.error_code, err.error_msg) if part) or "no error details in the body"
    request_id = " (X-Request-Id: %s)" % err.request_id if err.request_id else ""
    return "HTTP %d: %s%s" % (err.status, detail, request_id)


def lookup_project_id(iam: DmsHttpClient, region: str, iam_url: str, deadline: Optional[float] = None) -> str:
    """``projects[0].id`` of GET /v3/projects?name=region; fails on zero or several matches, naming the fix."""
    where = "GET %s%s?name=%s" % (iam_url, PROJECTS_PATH, region)
    try:
        response = iam.request("GET", PROJECTS_PATH, [("name", region)], deadline=deadline)
    except DmsApiError as err:
        hint = token_hint(err.status, err.error_code, err.error_msg)
        if not hint and err.status in (401, 403):
            hint = (
                ". The credentials must be allowed to list IAM projects (as Huawei's SDK does);"
                " if they are not, set project_id (HW_PROJECT_ID) instead"
            )
        raise IamError(
            "Looking up the project id of region %r failed (%s): %s%s." % (region, where, _api_detail(err), hint)
        ) from None
    data = response.data
    projects = data.get("projects") if isinstance(data, dict) else None
    if not isinstance(projects, list):
        raise DmsResponseError("IAM %s answered without a 'projects' list." % where)
    if not projects:
        raise IamError(
            "No IAM project is named after region %r (%s returned none). Check 'region' (HW_REGION_NAME):"
            " the account may not use that region, or the name is misspelt; or set 'project_id' (HW_PROJECT_ID)."
            % (region, where)
        )
    ids = [str(project.get("id")) if isinstance(project, dict) else "?" for project in projects]
    if len(projects) > 1:
        raise IamError(
            "Several IAM projects are named %r (ids: %s), so the project id is ambiguous: set 'project_id'"
            " (HW_PROJECT_ID) to the project the DMS instance belongs to." % (region, ", ".join(ids[:10]))
        )
    return _checked_id(ids[0], where)


def _checked_id(value: Any, where: str) -> str:
    if not is_id(value):
        raise DmsResponseError("IAM %s answered with a project id that is not an id: %r." % (where, str(value)[:80]))
    return value


def password_token(
    iam: DmsHttpClient,
    credentials: PasswordCredentials,
    project_id: Optional[str],
    region: Optional[str],
    iam_url: str,
    deadline: Optional[float] = None,
) -> IssuedToken:
    """Exchange the password for a token scoped to the project id, else to the project named after the region."""
    scope = "project %s" % project_id if project_id else "the project named %r" % region
    try:
        # Issuing a token changes nothing, so it is retried like a read.
        response = iam.request(
            "POST", TOKENS_PATH, body=credentials.token_request(project_id, region), deadline=deadline, idempotent=True
        )
    except DmsApiError as err:
        detail = iam.redact(credentials.scrub(_api_detail(err))) or ""
        if err.status == 401 and _is_scope_error(err):
            raise IamError(
                "IAM would not issue a token for %s (POST %s%s, %s). Check 'region' (HW_REGION_NAME) or 'project_id'"
                " (HW_PROJECT_ID), and that user %r may access that project."
                % (scope, iam_url, TOKENS_PATH, detail, credentials.user_name)
            ) from None
        if err.status in (400, 401):
            raise IamError(
                "IAM refused the password of user %r in account (domain) %r (POST %s%s, %s). Check user_name, password"
                " and domain_name (%s); IAM may lock a user for a while after repeated wrong passwords."
                % (credentials.user_name, credentials.domain_name, iam_url, TOKENS_PATH, detail, PASSWORD_ENV)
            ) from None
        raise IamError(
            "Getting an IAM token for user %r failed (POST %s%s, %s)."
            % (credentials.user_name, iam_url, TOKENS_PATH, detail)
        ) from None
    token = response.headers.get("X-Subject-Token")
    if token:
        # A secret of the run from now on, in every message and result (it is no option, so no_log does not know it),
        # before anything below can quote the answer.
        iam.redact.add(token)
    if not token:
        raise DmsResponseError(
            "IAM POST %s%s answered HTTP %d without an X-Subject-Token header, so there is no token to use."
            % (iam_url, TOKENS_PATH, response.status)
        )
    body = response.data.get("token") if isinstance(response.data, dict) else None
    body = body if isinstance(body, dict) else {}
    project = body.get("project") if isinstance(body.get("project"), dict) else {}
    scoped_id = project.get("id")
    if scoped_id is not None:
        scoped_id = _checked_id(scoped_id, "POST %s%s" % (iam_url, TOKENS_PATH))
    expires_at = body.get("expires_at")
    return IssuedToken(token, scoped_id, expires_at if isinstance(expires_at, str) else None)


def _is_scope_error(err: DmsApiError) -> bool:
    # IAM's error codes for a scope it will not grant are not documented, but its
    # message names the project, which a wrong password's message does not: recognise it by that wording.
    return "project" in (err.error_msg or "").lower()


def resolve_auth_and_project(
    settings: ConnectionSettings, client: DmsHttpClient, deadline: Optional[float] = None
) -> ConnectionSettings:
    """New settings with the final auth (a password exchanged for a token) and the project id (given or looked up).

    ``client`` only lends its transport to the IAM clients made from it (``for_service``); it is not changed.
    At most one POST /v3/auth/tokens and one GET /v3/projects, and never both: a password token's body names its project.
    """
    auth = settings.auth
    project_id = settings.project_id
    if settings.password is not None:
        iam = client.for_service("IAM", settings.iam_url, Unsigned(), settings.iam_origin)
        issued = password_token(iam, settings.password, project_id, settings.region, settings.iam_url, deadline)
        # A token with a control character would be refused by requests with its value quoted.
        check_credential(issued.token, "the token IAM issued (X-Subject-Token)")
        auth = TokenAuth(issued.token, source="user_name/password")
        if not project_id and issued.project_id:
            project_id = issued.project_id
    if not project_id:
        project_id = lookup_project_id(
            client.for_service("IAM", settings.iam_url, auth, settings.iam_origin),
            settings.region,
            settings.iam_url,
            deadline,
        )
    return replace(settings, auth=auth, project_id=project_id, password=None)
