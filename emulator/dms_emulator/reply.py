"""What a handler answers; the server turns it into bytes on the wire."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Dict, Optional


@dataclass
class Reply:
    status: int
    body: bytes = b""
    headers: Dict[str, str] = field(default_factory=dict)
    json_body: Optional[Any] = None  # kept so post-handler faults can rewrite it
    drop: bool = False  # close the connection without answering


def json_reply(status: int, payload: Any, headers: Optional[Dict[str, str]] = None) -> Reply:
    body = json.dumps(payload).encode("utf-8")
    merged = {"Content-Type": "application/json;charset=UTF-8"}
    merged.update(headers or {})
    return Reply(status, body, merged, json_body=payload)


def empty_reply(status: int = 204) -> Reply:
    return Reply(status, b"", {})


def raw_reply(status: int, body: bytes, content_type: str, headers: Optional[Dict[str, str]] = None) -> Reply:
    merged = {"Content-Type": content_type}
    merged.update(headers or {})
    return Reply(status, body, merged)
