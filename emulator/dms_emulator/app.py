"""The emulator without the network: state, routing, authentication and faults for one request.

The HTTP server only parses bytes into a `Received` and writes a `Reply`; everything testable is here,
so unit tests call `Emulator.dispatch()` with a fake clock.
"""

from __future__ import annotations

import time
from typing import Any, Callable, Dict, Optional

from .admin_api import AdminApi
from .clock import ServerClock, parse_skew
from .dms_api import DmsApi, match_route, task_id_of
from .eip_api import EipApi, instance_bindings, match_eip_route
from .eips import EipStore
from .errors import API_NOT_FOUND, THROTTLED, ApiError, gateway_error
from .faults import POST_KINDS, Fault, FaultRegistry
from .gateway import Gateway
from .iam_api import IamApi
from .identity import Identity
from .instance_list import InstanceList, match_list_route
from .instances import InstanceBook, match_instance_route
from .jobs import JobsApi, match_job_route
from .reply import Reply, json_reply, raw_reply
from .request import Received
from .seed import apply_seed, validate_seed
from .stats import Stats
from .taskstore import TaskStore

ADMIN_PREFIX = "/_emulator/"
_HTML_ERRORS = {
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Temporarily Unavailable",
    504: "Gateway Time-out",
}


def _html_page(status: int) -> bytes:
    # What an upstream proxy really sends for 5xx: HTML, not JSON. Clients must not choke on it.
    title = "%d %s" % (status, _HTML_ERRORS.get(status, "Error"))
    return (
        "<html>\r\n<head><title>%s</title></head>\r\n<body>\r\n<center><h1>%s</h1></center>\r\n"
        "<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n" % (title, title)
    ).encode("ascii")


class Emulator:
    def __init__(
        self,
        clock: Optional[Any] = None,
        seed: Optional[Dict[str, Any]] = None,
        sleep: Callable[[float], None] = time.sleep,
        clock_skew: Optional[float] = None,
    ) -> None:
        """`clock` is the caller's clock (default: the real one); the server runs `clock_skew` seconds off it.

        `clock_skew` (the --clock-skew flag) wins over the seed's `clock_skew`; both default to 0.
        """
        self.seed = seed
        if seed is not None:
            validate_seed(seed)
        if clock_skew is None:
            clock_skew = parse_skew(seed.get("clock_skew", 0), "seed clock_skew") if seed else 0.0
        self.start_skew = parse_skew(clock_skew)
        # The one server clock: every part of the emulator (and every new route) asks self.clock.now().
        self.clock = ServerClock(clock, self.start_skew)
        self.sleep = sleep
        self.stats = Stats()
        self.identity = Identity()
        self.store = TaskStore()
        self.faults = FaultRegistry()
        self.gateway = Gateway(self.identity, self.stats, self.clock)
        self.dms = DmsApi(self.store, self.clock.now)
        self.jobs = JobsApi(self.store, self.clock.now)
        # The VPC service's EIPs (eip_api.py) and the instance list share the instances of the TaskStore.
        self.eips = EipStore(self.clock.now, instance_bindings(self.store.all_instances))
        self.eip_api = EipApi(self.eips, self.clock.now)
        self.instances = InstanceBook(self.store, self.clock.now, self.eips)
        self.instance_list = InstanceList(
            self.store.all_instances, self.instances.detail, lambda: self.store.settle(self.clock.now())
        )
        self.iam = IamApi(self.identity, self.clock.now)
        self.admin = AdminApi(self)
        self.reset()

    def reset(self, keep_credentials: bool = False) -> None:
        """Back to the state right after start: seed re-applied, start skew, counters zero, no faults, no lockouts."""
        self.store.reset()
        self.jobs.reset()
        self.instances.reset()
        self.eips.reset()
        self.faults.clear()
        # Connections already open stay open across a reset but count only when accepted, so a test
        # that asserts on "connections" sees only the ones it opened itself.
        self.stats.reset()
        self.clock.set_skew(self.start_skew)
        if keep_credentials:
            self.identity.clear_lockouts()
        else:
            self.identity.reset(defaults=True)
        if self.seed is not None:
            apply_seed(self.seed, self.identity, self.store, self.clock.now(), self.instances)

    # --- one request ---------------------------------------------------------------------------
    def dispatch(self, req: Received) -> Reply:
        self.jobs.settle()
        if req.raw_path.startswith(ADMIN_PREFIX):
            self.stats.bump("admin_requests")
            return self.admin.handle(req)
        self.stats.bump("requests")
        try:
            reply = self._dispatch_api(req)
        except ApiError as err:
            reply = json_reply(err.status, err.body, err.headers)
        return reply

    def _route(self, req: Received) -> Optional[str]:
        path = req.raw_path.rstrip("/") or "/"
        if req.method == "GET" and path == "/v3/projects":
            return "iam.list_projects"
        if req.method == "POST" and path == "/v3/auth/tokens":
            return "iam.create_token"
        found = (
            match_route(req.method, req.raw_path)
            or match_job_route(req.method, req.raw_path)
            or match_instance_route(req.method, req.raw_path)
            or match_eip_route(req.method, req.raw_path)
            or match_list_route(req.method, req.raw_path)
        )
        return found[0] if found else None

    def _dispatch_api(self, req: Received) -> Reply:
        route = self._route(req)
        self.stats.bump_key("requests_by_route", route or "unknown")
        if route is None:
            raise gateway_error(404, API_NOT_FOUND[0], API_NOT_FOUND[1], req.request_id)
        principal = None
        if route != "iam.create_token":
            principal = self.gateway.authenticate(req)
        task_id = task_id_of(req.raw_path)
        pre = self._pre_fault(req, task_id)
        if pre is not None:
            return pre
        if route == "iam.list_projects":
            reply = self.iam.list_projects(req)
        elif route == "iam.create_token":
            reply = self.iam.create_token(req)
        elif route.startswith("eip."):
            found = match_eip_route(req.method, req.raw_path)
            assert found is not None and principal is not None
            reply = self.eip_api.handle(found[0], found[1], req, principal)
        elif route == "instances.list":
            found = match_list_route(req.method, req.raw_path)
            assert found is not None and principal is not None
            reply = self.instance_list.handle(found[1], req, principal)
        elif route.startswith("instances."):
            found = match_instance_route(req.method, req.raw_path)
            assert found is not None and principal is not None
            reply = self.instances.handle(found[0], found[1], req, principal)
        elif match_job_route(req.method, req.raw_path) is not None:
            found = match_job_route(req.method, req.raw_path)
            assert found is not None and principal is not None
            reply = self.jobs.handle(found[0], found[1], req, principal)
        else:
            found = match_route(req.method, req.raw_path)
            assert found is not None and principal is not None
            reply = self.dms.handle(found[0], found[1], req, principal)
        return self._post_fault(req, task_id, reply)

    # --- faults --------------------------------------------------------------------------------
    def _applied(self, fault: Fault) -> None:
        self.stats.bump_key("faults_applied", fault.kind)

    def _pre_fault(self, req: Received, task_id: Optional[str]) -> Optional[Reply]:
        delay = self.faults.take({"delay"}, req.method, req.raw_path, task_id)
        if delay is not None:
            self._applied(delay)
            self.sleep(float(delay.options.get("seconds", 1.0)))
        fault = self.faults.take({"status", "drop", "not_json", "oversized"}, req.method, req.raw_path, task_id)
        if fault is None:
            return None
        self._applied(fault)
        opts = fault.options
        if fault.kind == "drop":
            return Reply(0, drop=True)
        if fault.kind == "not_json":
            body = opts.get("body", "<html><body>Service is being upgraded</body></html>")
            return raw_reply(
                int(opts.get("status_code", 200)), str(body).encode("utf-8"), opts.get("content_type", "text/html")
            )
        if fault.kind == "oversized":
            size = int(opts.get("size", 5 * 1024 * 1024))
            # Valid JSON so that only a size limit, not the parser, saves the client.
            payload = {"task_count": "1", "tasks": [], "padding": "x" * size}
            return json_reply(200, payload)
        return self._status_fault(req, opts)

    def _status_fault(self, req: Received, opts: Dict[str, Any]) -> Reply:
        status = int(opts["status"])
        headers: Dict[str, str] = {}
        if opts.get("retry_after") is not None:
            headers["Retry-After"] = str(opts["retry_after"])
        if "body" in opts:
            body = opts["body"]
            if isinstance(body, (dict, list)):
                return json_reply(status, body, headers)
            return raw_reply(status, str(body).encode("utf-8"), opts.get("content_type", "text/plain"), headers)
        if status == 429:
            return json_reply(
                status, {"error_code": THROTTLED[0], "error_msg": THROTTLED[1], "request_id": req.request_id}, headers
            )
        if status >= 500:
            return raw_reply(status, _html_page(status), "text/html", headers)
        return json_reply(status, {"error_code": "DMS.00%d000" % status, "error_msg": "Injected fault."}, headers)

    def _post_fault(self, req: Received, task_id: Optional[str], reply: Reply) -> Reply:
        if reply.status != 200 or not isinstance(reply.json_body, dict) or "tasks" not in reply.json_body:
            return reply
        fault = self.faults.take(POST_KINDS, req.method, req.raw_path, task_id)
        if fault is None:
            return reply
        self._applied(fault)
        payload = dict(reply.json_body)
        if fault.kind == "empty_tasks":
            payload["tasks"] = []
            payload["task_count"] = str(fault.options.get("task_count", "0"))
        else:
            drop = fault.options.get("fields", ["status"])
            payload["tasks"] = [{k: v for k, v in task.items() if k not in drop} for task in payload["tasks"]]
        return json_reply(200, payload, {k: v for k, v in reply.headers.items() if k.lower() != "content-type"})
