# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""An in-process DMS for module tests: a requests transport adapter, injected through DmsModule.session_factory.

No process, no socket: a module's main() runs end to end (settings, signing, the HTTP client, the action, the
failure path) against scripted answers. ``FakeDms.routes`` maps (method, path) to a list of answers (status, body);
the last answer of a route repeats. Every request is recorded in ``sent`` (method, path, query, headers, body).
"""

from __future__ import annotations

import io
import json
from email.utils import formatdate
from typing import Any, Optional
from urllib.parse import urlsplit

import requests
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict

BASE_URL = "https://dms.fake.test"
PROJECT = "0123456789abcdef0123456789abcdef"
INSTANCE = "11111111-2222-3333-4444-555555555555"
CONNECTION = dict(
    endpoint=BASE_URL,
    iam_endpoint=BASE_URL,
    access_key="HPUAEXAMPLEAK0000001",
    secret_key="exampleSecretKey0123456789abcdefghijABCD",
    project_id=PROJECT,
    retries=0,
)


def task_path(task_id: str, instance_id: str = INSTANCE) -> str:
    return "/v2/%s/instances/%s/tasks/%s" % (PROJECT, instance_id, task_id)


def task_answer(task_id: str, status: str, name: str = "kafkaInstanceExtend") -> tuple[int, dict[str, Any]]:
    return 200, {"task_count": "1", "tasks": [{"id": task_id, "name": name, "status": status, "params": "{}"}]}


class FakeDms(BaseAdapter):  # type: ignore[misc]
    def __init__(self) -> None:
        super().__init__()
        self.routes: dict[tuple[str, str], list[tuple[int, Any]]] = {}
        self.sent: list[dict[str, Any]] = []

    def answer(self, method: str, path: str, *answers: tuple[int, Any]) -> "FakeDms":
        self.routes[(method, path)] = list(answers)
        return self

    def session(self) -> requests.Session:
        """A session whose requests to BASE_URL reach this adapter (the longest mounted prefix wins)."""
        session = requests.Session()
        session.mount(BASE_URL + "/", self)
        return session

    def send(self, request: requests.PreparedRequest, stream: bool = False, timeout: Any = None, **kwargs: Any) -> Any:
        parts = urlsplit(request.url or "")
        body = request.body.decode("utf-8") if isinstance(request.body, bytes) else request.body
        self.sent.append(
            dict(method=request.method, path=parts.path, query=parts.query, headers=dict(request.headers), body=body)
        )
        answers = self.routes.get((str(request.method), parts.path))
        if not answers:
            status, data = 404, {"error_code": "APIGW.0101", "error_msg": "no route in the fake DMS"}
        else:
            status, data = answers.pop(0) if len(answers) > 1 else answers[0]
        return self._response(request, status, data)

    @staticmethod
    def _response(request: requests.PreparedRequest, status: int, data: Optional[Any]) -> requests.Response:
        content = b"" if data is None else json.dumps(data).encode("utf-8")
        response = requests.Response()
        response.status_code = status
        response.reason = "OK" if status < 400 else "Error"
        response.headers = CaseInsensitiveDict(
            {
                "Content-Type": "application/json",
                "Content-Length": str(len(content)),
                "Date": formatdate(usegmt=True),
                "X-Request-Id": "fake-request-1",
            }
        )
        response.raw = io.BytesIO(content)
        response.url = request.url or ""
        response.request = request
        response.encoding = "utf-8"
        return response

    def close(self) -> None:
        pass
