"""Counters that tests and the performance benchmark assert on (GET /_emulator/stats)."""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any, Dict


class Stats:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self.requests = 0  # emulated-API requests (admin calls excluded)
            self.admin_requests = 0
            self.connections = 0  # TCP connections accepted (admin ones included)
            self.signature_failures = 0  # every AK/SK rejection: mismatch, unknown AK, skew, lockout, malformed
            self.auth_failures = 0  # every gateway 401 (AK/SK, token, missing credentials)
            self.auth_failures_by_reason: Counter = Counter()
            self.requests_by_route: Counter = Counter()
            self.responses_by_status: Counter = Counter()
            self.auth_headers_seen: Counter = Counter()  # "sdk-hmac-sha256", "x-auth-token", "none"
            self.signed_header_sets: Counter = Counter()  # "content-type;host;...;x-sdk-date" → n
            self.faults_applied: Counter = Counter()

    def bump(self, name: str, amount: int = 1) -> None:
        with self._lock:
            setattr(self, name, getattr(self, name) + amount)

    def bump_key(self, name: str, key: str, amount: int = 1) -> None:
        with self._lock:
            getattr(self, name)[key] += amount

    def snapshot(self) -> Dict[str, Any]:
        with self._lock:
            return {
                "requests": self.requests,
                "admin_requests": self.admin_requests,
                "connections": self.connections,
                "signature_failures": self.signature_failures,
                "auth_failures": self.auth_failures,
                "auth_failures_by_reason": dict(self.auth_failures_by_reason),
                "requests_by_route": dict(self.requests_by_route),
                "responses_by_status": {str(k): v for k, v in self.responses_by_status.items()},
                "auth_headers_seen": dict(self.auth_headers_seen),
                "signed_header_sets": dict(self.signed_header_sets),
                "faults_applied": dict(self.faults_applied),
            }
