"""The unsigned test-control API under /_emulator/ (reference in docs/emulator.md)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from . import DEFAULT_PROJECT_ID
from .admin_eip import handle_extension
from .config import apply_credentials
from .faults import parse_fault
from .iam_api import IamApi
from .reply import Reply, json_reply
from .request import Received

if TYPE_CHECKING:
    from .app import Emulator


class AdminError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _json_body(req: Received) -> Any:
    if not req.body:
        return {}
    try:
        return json.loads(req.body.decode("utf-8"))
    except ValueError as exc:
        raise AdminError(400, "body is not JSON: %s" % exc)


class AdminApi:
    def __init__(self, emulator: "Emulator") -> None:
        self.emu = emulator

    def handle(self, req: Received) -> Reply:
        route = (req.method, req.raw_path.rstrip("/"))
        handlers = {
            ("GET", "/_emulator/health"): lambda: json_reply(200, {"ok": True}),
            ("GET", "/_emulator/stats"): lambda: json_reply(200, self.emu.stats.snapshot()),
            ("POST", "/_emulator/reset"): lambda: self._reset(req),
            ("GET", "/_emulator/tasks"): lambda: json_reply(
                200, {"tasks": self.emu.store.all_tasks(self.emu.clock.now())}
            ),
            ("POST", "/_emulator/tasks"): lambda: self._create_task(req),
            ("POST", "/_emulator/instances"): lambda: self._create_instance(req),
            ("GET", "/_emulator/faults"): lambda: json_reply(200, {"faults": self.emu.faults.list()}),
            ("POST", "/_emulator/faults"): lambda: self._add_fault(req),
            ("DELETE", "/_emulator/faults"): lambda: json_reply(200, {"cleared": self.emu.faults.clear()}),
            ("POST", "/_emulator/credentials"): lambda: self._credentials(req),
            ("POST", "/_emulator/tokens"): lambda: self._token(req),
            ("GET", "/_emulator/clock"): lambda: json_reply(200, self.emu.clock.describe()),
            ("POST", "/_emulator/clock"): lambda: self._clock(req),
            ("GET", "/_emulator/jobs"): lambda: self.emu.jobs.admin(req),
            ("POST", "/_emulator/jobs"): lambda: self.emu.jobs.admin(req),
        }
        handler = handlers.get(route)
        try:
            if handler is None:
                # EIPs and instance states (admin_eip.py) answer their own paths.
                extension = handle_extension(self.emu, req)
                if extension is not None:
                    return extension
                raise AdminError(404, "no admin endpoint %s %s" % route)
            return handler()
        except AdminError as exc:
            return json_reply(exc.status, {"error": exc.message})
        except ValueError as exc:
            return json_reply(400, {"error": str(exc)})

    def _reset(self, req: Received) -> Reply:
        body = _json_body(req)
        self.emu.reset(keep_credentials=bool(isinstance(body, dict) and body.get("keep_credentials")))
        return json_reply(200, {"reset": True})

    def _create_task(self, req: Received) -> Reply:
        task = self.emu.store.create_task(_json_body(req), self.emu.clock.now())
        view = self.emu.store.peek(task, self.emu.clock.now())
        instance = self.emu.store.instance(task.project_id, task.instance_id)
        # The task as the API shows it, plus where it lives; not the store's own bookkeeping (visible_at).
        view.update(
            {
                "project_id": task.project_id,
                "instance_id": task.instance_id,
                "engine": instance.engine if instance else None,
            }
        )
        return json_reply(201, view)

    def _create_instance(self, req: Received) -> Reply:
        body = _json_body(req)
        if not isinstance(body, dict):
            raise AdminError(400, "instance must be a JSON object")
        if not (body.get("instance_id") or body.get("id")):
            raise AdminError(400, "instance_id is required")
        profile = self.emu.instances.configure(body, body.get("project_id") or DEFAULT_PROJECT_ID)
        return json_reply(
            201,
            {
                "project_id": profile.project_id,
                "instance_id": profile.instance_id,
                "engine": profile.engine,
                "detail": self.emu.instances.detail(profile),
            },
        )

    def _add_fault(self, req: Received) -> Reply:
        fault = self.emu.faults.add(parse_fault(_json_body(req)))
        return json_reply(201, fault.describe())

    def _clock(self, req: Received) -> Reply:
        body = _json_body(req)
        if not isinstance(body, dict) or set(body) != {"skew"}:
            raise AdminError(
                400, 'clock takes {"skew": seconds} (positive: server ahead of the caller, negative: behind)'
            )
        self.emu.clock.set_skew(body["skew"])
        return json_reply(200, self.emu.clock.describe())

    def _credentials(self, req: Received) -> Reply:
        return json_reply(200, {"added": apply_credentials(self.emu.identity, _json_body(req))})

    def _token(self, req: Received) -> Reply:
        body = _json_body(req)
        if not isinstance(body, dict):
            raise AdminError(400, "token request must be a JSON object")
        identity = self.emu.identity
        if body.get("project_id"):
            project = identity.project_by_id(body["project_id"])
        else:
            matches = (
                identity.projects_named(body.get("project_name"))
                if body.get("project_name")
                else [identity.project_by_id(DEFAULT_PROJECT_ID)]
            )
            project = matches[0] if matches else None
        if project is None:
            raise AdminError(400, "unknown project")
        now = self.emu.clock.now()
        # An expired token was issued a day ago and ran out a minute ago, like one a real client kept too long.
        lifetime = float(body.get("lifetime", 24 * 3600))
        issued = now - 24 * 3600 if body.get("expired") else now
        if body.get("expired"):
            lifetime = 24 * 3600 - 60
        user_name = body.get("user_name") or "emulator-user"
        token = identity.issue_token(project, user_name, "emulatoruser0000000000000000000001", issued, lifetime)
        return json_reply(
            201,
            {
                "token": token.value,
                "expires_at": IamApi.token_body(
                    token.expires_at, token.issued_at, project, user_name, token.user_id, project.domain_id, ""
                )["expires_at"],
                "project": project.to_api(),
            },
        )
