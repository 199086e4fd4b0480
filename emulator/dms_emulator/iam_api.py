"""The two IAM calls the SDK and the module use: project lookup by region and password tokens (dms-api.md §4.4/4.5)."""

from __future__ import annotations

import json
from typing import Any, Callable, Dict, Optional

from .errors import ApiError
from .identity import Identity, Project
from .reply import Reply, json_reply
from .request import Received
from .timefmt import iso_ms


def _iam_error(status: int, code: str, message: str) -> ApiError:
    # INVENTED shape detail: Keystone-style nested error plus Huawei-style IAM code; the SDK parser reads both.
    return ApiError(
        status,
        {
            "error": {"code": code, "message": message, "title": "Unauthorized" if status == 401 else "Bad Request"},
            "error_code": code,
            "error_msg": message,
        },
    )


class IamApi:
    def __init__(self, identity: Identity, now: Callable[[], float]) -> None:
        self.identity = identity
        self.now = now

    def list_projects(self, req: Received) -> Reply:
        projects = self.identity.projects_named(req.query("name"))
        return json_reply(
            200,
            {
                "projects": [p.to_api() for p in projects],
                "links": {"self": "/v3/projects", "previous": None, "next": None},
            },
            headers={"X-IAM-Trace-Id": req.request_id},
        )

    def create_token(self, req: Received) -> Reply:
        try:
            body = json.loads(req.body.decode("utf-8") or "{}")
            auth = body["auth"]
            identity = auth["identity"]
            if "password" not in identity.get("methods", []):
                raise KeyError("methods")
            user_spec = identity["password"]["user"]
            name, password = user_spec["name"], user_spec["password"]
            domain = user_spec.get("domain") or {}
        except (ValueError, KeyError, TypeError, AttributeError):
            raise _iam_error(400, "IAM.0003", "The request body is invalid.")
        user = self.identity.find_user(name, domain.get("name"), domain.get("id"))
        if user is None or user.password != password:
            raise _iam_error(401, "IAM.0006", "The username or password is wrong.")
        project = self._scope_project(auth.get("scope") or {})
        token = self.identity.issue_token(project, user.name, user.id, self.now())
        return json_reply(
            201,
            {
                "token": self.token_body(
                    token.expires_at, token.issued_at, project, user.name, user.id, user.domain_id, user.domain_name
                )
            },
            headers={"X-Subject-Token": token.value, "X-IAM-Trace-Id": req.request_id},
        )

    def _scope_project(self, scope: Dict[str, Any]) -> Project:
        spec = scope.get("project") if isinstance(scope, dict) else None
        if not isinstance(spec, dict):
            raise _iam_error(400, "IAM.0003", "A project scope is required.")
        project: Optional[Project] = None
        if spec.get("id"):
            project = self.identity.project_by_id(spec["id"])
        elif spec.get("name"):
            matches = self.identity.projects_named(spec["name"])
            project = matches[0] if matches else None
        if project is None:
            raise _iam_error(401, "IAM.0011", "The project does not exist or is not accessible.")
        return project

    @staticmethod
    def token_body(
        expires_at: float,
        issued_at: float,
        project: Project,
        user_name: str,
        user_id: str,
        domain_id: str,
        domain_name: str,
    ) -> Dict[str, Any]:
        return {
            "expires_at": iso_ms(expires_at),
            "issued_at": iso_ms(issued_at),
            "methods": ["password"],
            "project": {
                "id": project.id,
                "name": project.name,
                "domain": {"id": project.domain_id, "name": domain_name},
            },
            "user": {"id": user_id, "name": user_name, "domain": {"id": domain_id, "name": domain_name}},
            "catalog": [],
            "roles": [{"id": "0", "name": "te_admin"}],
        }
