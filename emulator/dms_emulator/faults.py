"""Fault injection: rules that make the next matching requests misbehave on purpose.

Faults apply only to the emulated cloud APIs (never to /_emulator/), after authentication has
passed, so that a fault never hides a signing bug and signature counters stay meaningful.
"""

from __future__ import annotations

import itertools
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional

from .errors import THROTTLED
from .reply import Reply, json_reply, raw_reply
from .request import Received
from .stats import Stats

# Kinds that replace the whole response before the handler runs.
PRE_KINDS = {"status", "delay", "drop", "not_json", "oversized"}
# Kinds that rewrite a successful task response after the handler ran.
POST_KINDS = {"empty_tasks", "missing_fields"}
KINDS = PRE_KINDS | POST_KINDS

_ids = itertools.count(1)


@dataclass
class Fault:
    kind: str
    task_id: Optional[str] = None
    path: Optional[str] = None
    method: Optional[str] = None
    count: Optional[int] = None  # None = until cleared
    options: Dict[str, Any] = field(default_factory=dict)
    id: int = field(default_factory=lambda: next(_ids))
    applied: int = 0

    def matches(self, method: str, path: str, task_id: Optional[str]) -> bool:
        if self.method and self.method.upper() != method.upper():
            return False
        if self.path and self.path not in path:
            return False
        if self.task_id and self.task_id != task_id:
            return False
        return True

    def describe(self) -> Dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "task_id": self.task_id,
            "path": self.path,
            "method": self.method,
            "count": self.count,
            "applied": self.applied,
            "options": self.options,
        }


def parse_fault(raw: Dict[str, Any]) -> Fault:
    """Build a Fault from the admin JSON; every key other than the scope keys is a kind option."""
    if not isinstance(raw, dict):
        raise ValueError("fault must be a JSON object")
    kind = raw.get("kind")
    if kind not in KINDS:
        raise ValueError("kind must be one of %s" % ", ".join(sorted(KINDS)))
    scope = raw.get("scope", "global")
    if scope not in ("global", "task", "path"):
        raise ValueError("scope must be global, task or path")
    count = raw.get("count")
    if count is not None and (not isinstance(count, int) or isinstance(count, bool) or count < 1):
        raise ValueError("count must be an integer >= 1")
    task_id = raw.get("task_id")
    path = raw.get("path")
    if scope == "task" and not task_id:
        raise ValueError("scope 'task' needs task_id")
    if scope == "path" and not path:
        raise ValueError("scope 'path' needs path")
    if kind == "status" and not isinstance(raw.get("status"), int):
        raise ValueError("kind 'status' needs an integer 'status'")
    options = {k: v for k, v in raw.items() if k not in {"kind", "scope", "count", "task_id", "path", "method"}}
    return Fault(kind=kind, task_id=task_id, path=path, method=raw.get("method"), count=count, options=options)


class FaultRegistry:
    """Thread-safe list of active faults; the oldest matching fault of a phase wins."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: List[Fault] = []

    def add(self, fault: Fault) -> Fault:
        with self._lock:
            self._faults.append(fault)
        return fault

    def clear(self) -> int:
        with self._lock:
            cleared = len(self._faults)
            self._faults = []
        return cleared

    def list(self) -> List[Dict[str, Any]]:
        with self._lock:
            return [fault.describe() for fault in self._faults]

    def take(self, kinds: set, method: str, path: str, task_id: Optional[str]) -> Optional[Fault]:
        """Claim one application of the first matching fault, consuming its count."""
        with self._lock:
            for fault in self._faults:
                if fault.kind in kinds and fault.matches(method, path, task_id):
                    fault.applied += 1
                    if fault.count is not None:
                        fault.count -= 1
                        if fault.count <= 0:
                            self._faults.remove(fault)
                    return fault
        return None


_HTML_ERRORS = {
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Temporarily Unavailable",
    504: "Gateway Time-out",
}


def html_error_page(status: int) -> bytes:
    # What an upstream proxy really sends for 5xx: HTML, not JSON. Clients must not choke on it.
    title = "%d %s" % (status, _HTML_ERRORS.get(status, "Error"))
    return (
        "<html>\r\n<head><title>%s</title></head>\r\n<body>\r\n<center><h1>%s</h1></center>\r\n"
        "<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n" % (title, title)
    ).encode("ascii")


class FaultLayer:
    """Wraps one authenticated API call: pre-handler faults replace or delay it, post-handler ones rewrite its answer."""

    def __init__(self, registry: FaultRegistry, stats: Stats, sleep: Callable[[float], None] = time.sleep) -> None:
        self.registry = registry
        self.stats = stats
        self.sleep = sleep

    def around(self, req: Received, task_id: Optional[str], call: Callable[[], Reply]) -> Reply:
        pre = self._before(req, task_id)
        if pre is not None:
            return pre
        return self._after(req, task_id, call())

    def _applied(self, fault: Fault) -> None:
        self.stats.bump_key("faults_applied", fault.kind)

    def _before(self, req: Received, task_id: Optional[str]) -> Optional[Reply]:
        delay = self.registry.take({"delay"}, req.method, req.raw_path, task_id)
        if delay is not None:
            self._applied(delay)
            self.sleep(float(delay.options.get("seconds", 1.0)))
        fault = self.registry.take({"status", "drop", "not_json", "oversized"}, req.method, req.raw_path, task_id)
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
        return self._status(req, opts)

    @staticmethod
    def _status(req: Received, opts: Dict[str, Any]) -> Reply:
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
            return raw_reply(status, html_error_page(status), "text/html", headers)
        return json_reply(status, {"error_code": "DMS.00%d000" % status, "error_msg": "Injected fault."}, headers)

    def _after(self, req: Received, task_id: Optional[str], reply: Reply) -> Reply:
        if reply.status != 200 or not isinstance(reply.json_body, dict) or "tasks" not in reply.json_body:
            return reply
        fault = self.registry.take(POST_KINDS, req.method, req.raw_path, task_id)
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
