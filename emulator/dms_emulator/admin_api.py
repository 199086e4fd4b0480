"""The unsigned test-control API under /_emulator/ (reference in docs/emulator.md).

It works on `EmulatorState` (state.py), the narrow view of the emulator's parts, never on the `Emulator` itself.
A new admin endpoint is one `register(method, path, handler)` line in `AdminApi.__init__` (or a call from outside);
the handler takes the `Received` request and returns a `Reply`, and may raise `AdminError` or `ValueError` (400).
Who may call it at all is admin_access.py's business.
"""

from __future__ import annotations

import json
import math
from typing import Any, Callable, Dict, Optional, Tuple

from . import DEFAULT_PROJECT_ID
from .admin_eip import handle_extension
from .config import apply_credentials
from .faults import parse_fault
from .iam_api import IamApi
from .progression import Scope
from .reply import Reply, json_reply
from .request import Received
from .state import EmulatorState

AdminHandler = Callable[[Received], Reply]
# Longest token lifetime the admin API issues: ten years, far beyond IAM's 24 hours, far below float overflow.
MAX_TOKEN_LIFETIME = 10 * 365 * 86400


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


def _lifetime(value: Any) -> float:
    """A token lifetime in seconds: a finite number from 1 s to ten years (1e308 used to overflow the expiry date)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise AdminError(400, "lifetime must be a number of seconds, got %r" % (value,))
    if not 1 <= value <= MAX_TOKEN_LIFETIME:
        raise AdminError(400, "lifetime must be from 1 to %d seconds (ten years), got %r" % (MAX_TOKEN_LIFETIME, value))
    return float(value)


class AdminApi:
    def __init__(self, state: EmulatorState) -> None:
        self.state = state
        self._endpoints: Dict[Tuple[str, str], AdminHandler] = {}
        state_ = state  # the lambdas below read the state, not self, so the table holds no cycle through self
        self.register("GET", "/_emulator/health", lambda req: json_reply(200, {"ok": True}))
        self.register("GET", "/_emulator/stats", lambda req: json_reply(200, state_.stats.snapshot()))
        self.register("POST", "/_emulator/reset", self._reset)
        self.register(
            "GET",
            "/_emulator/tasks",
            lambda req: json_reply(200, {"tasks": state_.store.all_tasks(state_.clock.now())}),
        )
        self.register("POST", "/_emulator/tasks", self._create_task)
        self.register("POST", "/_emulator/instances", self._create_instance)
        self.register("GET", "/_emulator/faults", lambda req: json_reply(200, {"faults": state_.faults.list()}))
        self.register("POST", "/_emulator/faults", self._add_fault)
        self.register("DELETE", "/_emulator/faults", lambda req: json_reply(200, {"cleared": state_.faults.clear()}))
        self.register("POST", "/_emulator/credentials", self._credentials)
        self.register("POST", "/_emulator/tokens", self._token)
        self.register("GET", "/_emulator/clock", lambda req: json_reply(200, state_.clock.describe()))
        self.register("POST", "/_emulator/clock", self._clock)
        self.register("GET", "/_emulator/jobs", state_.jobs.admin)
        self.register("POST", "/_emulator/jobs", state_.jobs.admin)
        self.register("GET", "/_emulator/progression", self._describe_progression)
        self.register("POST", "/_emulator/progression", self._set_progression)
        self.register("POST", "/_emulator/advance", self._advance)

    def register(self, method: str, path: str, handler: AdminHandler) -> None:
        """Serve `method path` (exact, no trailing slash) with `handler(request) -> Reply`."""
        self._endpoints[(method.upper(), path.rstrip("/"))] = handler

    def handle(self, req: Received) -> Reply:
        route = (req.method, req.raw_path.rstrip("/"))
        handler = self._endpoints.get(route)
        try:
            if handler is None:
                # EIPs and instance states (admin_eip.py) answer their own paths.
                extension = handle_extension(self.state, req)
                if extension is not None:
                    return extension
                raise AdminError(404, "no admin endpoint %s %s" % route)
            return handler(req)
        except AdminError as exc:
            return json_reply(exc.status, {"error": exc.message})
        except ValueError as exc:
            return json_reply(400, {"error": str(exc)})

    def _reset(self, req: Received) -> Reply:
        body = _json_body(req)
        self.state.reset(bool(isinstance(body, dict) and body.get("keep_credentials")))
        return json_reply(200, {"reset": True})

    def _create_task(self, req: Received) -> Reply:
        task = self.state.store.create_task(_json_body(req), self.state.clock.now())
        view = self.state.store.peek(task, self.state.clock.now())
        instance = self.state.store.instance(task.project_id, task.instance_id)
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
        body = dict(body)
        mode = body.pop("progression", None)
        profile = self.state.instances.configure(body, body.get("project_id") or DEFAULT_PROJECT_ID)
        if mode is not None:
            self.state.progression.set_mode(mode, self.state.clock.now(), (profile.project_id, profile.instance_id))
        return json_reply(
            201,
            {
                "project_id": profile.project_id,
                "instance_id": profile.instance_id,
                "engine": profile.engine,
                "detail": self.state.instances.detail(profile),
            },
        )

    def _add_fault(self, req: Received) -> Reply:
        fault = self.state.faults.add(parse_fault(_json_body(req)))
        return json_reply(201, fault.describe())

    def _clock(self, req: Received) -> Reply:
        body = _json_body(req)
        if not isinstance(body, dict) or set(body) != {"skew"}:
            raise AdminError(
                400, 'clock takes {"skew": seconds} (positive: server ahead of the caller, negative: behind)'
            )
        self.state.clock.set_skew(body["skew"])
        return json_reply(200, self.state.clock.describe())

    def _credentials(self, req: Received) -> Reply:
        return json_reply(200, {"added": apply_credentials(self.state.identity, _json_body(req))})

    def _token(self, req: Received) -> Reply:
        body = _json_body(req)
        if not isinstance(body, dict):
            raise AdminError(400, "token request must be a JSON object")
        identity = self.state.identity
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
        now = self.state.clock.now()
        # An expired token was issued a day ago and ran out a minute ago, like one a real client kept too long.
        lifetime = _lifetime(body.get("lifetime", 24 * 3600))
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

    # --- progression (progression.py) ------------------------------------------------------------
    @staticmethod
    def _scope(body: Dict[str, Any]) -> Optional[Scope]:
        instance_id = body.get("instance_id")
        if instance_id is None:
            if body.get("project_id") is not None:
                raise AdminError(400, "project_id needs an instance_id")
            return None
        if not isinstance(instance_id, str) or not instance_id:
            raise AdminError(400, "instance_id must be a non-empty string")
        project_id = body.get("project_id") or DEFAULT_PROJECT_ID
        if not isinstance(project_id, str):
            raise AdminError(400, "project_id must be a string")
        return (project_id, instance_id)

    def _describe_progression(self, req: Received) -> Reply:
        return json_reply(200, self.state.progression.describe(self.state.clock.now()))

    def _set_progression(self, req: Received) -> Reply:
        body = _json_body(req)
        if not isinstance(body, dict) or not set(body) <= {"mode", "instance_id", "project_id"} or "mode" not in body:
            raise AdminError(
                400, 'progression takes {"mode": "time"|"immediate"|"manual", "instance_id"?: ..., "project_id"?: ...}'
            )
        self.state.progression.set_mode(body["mode"], self.state.clock.now(), self._scope(body))
        return json_reply(200, self.state.progression.describe(self.state.clock.now()))

    def _advance(self, req: Received) -> Reply:
        body = _json_body(req)
        if not isinstance(body, dict) or not set(body) <= {"seconds", "steps", "instance_id", "project_id"}:
            raise AdminError(400, 'advance takes {"seconds"?: N, "steps"?: N, "instance_id"?: ..., "project_id"?: ...}')
        seconds = body.get("seconds", 0)
        # No seconds and no steps: one step, moto's "advance" (every running task to its next status).
        steps = body.get("steps", 0 if "seconds" in body else 1)
        now = self.state.clock.now()
        self.state.progression.advance(now, seconds=seconds, steps=steps, scope=self._scope(body))
        # Apply what finished now, so the admin views and the next API read agree.
        self.state.store.settle(now)
        return json_reply(200, self.state.progression.describe(now))
