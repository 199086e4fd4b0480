"""Fault injection: rules that make the next matching requests misbehave on purpose.

Faults apply only to the emulated cloud APIs (never to /_emulator/), after authentication has
passed, so that a fault never hides a signing bug and signature counters stay meaningful.
"""

from __future__ import annotations

import itertools
import threading
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

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
