"""The cassette: a versioned JSON file of recorded calls, already scrubbed (scrub.py) when it is written.

    {"format": "hwcloud-dms-cassette", "version": 1, "recorded_with": "dms-emulator 0.2.0",
     "recorded_at": "2026-12-04T19:40:02Z", "upstreams": {"dms": "https://dms.cn-north-4.myhuaweicloud.com"},
     "stand_ins": {"00000000-0000-4000-8000-000000000001": "uuid", ...},
     "interactions": [{"service": "dms",
                       "request": {"method": "GET", "path": "/v2/<project>/instances/<id>", "query": "", "body": ""},
                       "response": {"status": 200, "date": "Fri, 04 Dec 2026 19:40:02 GMT",
                                    "headers": {"content-type": "application/json"}, "json": {...}}}, ...]}

A response holds either `json` (a JSON body) or `text` (anything else, "" when empty). The request body is kept as the
text the client sent, so that replay can match it; `stand_ins` lists every stand-in (never what it replaced).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

from .files import replace_file

FORMAT = "hwcloud-dms-cassette"
VERSION = 1


class CassetteError(ValueError):
    """A cassette that cannot be read; the message names the file and what is wrong."""


@dataclass
class Interaction:
    service: str
    method: str
    path: str
    query: str
    body: str
    status: int
    date: Optional[str]
    headers: Dict[str, str] = field(default_factory=dict)
    json_body: Any = None
    text_body: Optional[str] = ""

    def describe(self) -> str:
        return "%s %s%s" % (self.method, self.path, "?" + self.query if self.query else "")

    def response_bytes(self) -> bytes:
        if self.text_body is None:
            return json.dumps(self.json_body).encode("utf-8")
        return self.text_body.encode("utf-8")

    def to_json(self) -> Dict[str, Any]:
        response: Dict[str, Any] = {"status": self.status, "date": self.date, "headers": self.headers}
        if self.text_body is None:
            response["json"] = self.json_body
        else:
            response["text"] = self.text_body
        return {
            "service": self.service,
            "request": {"method": self.method, "path": self.path, "query": self.query, "body": self.body},
            "response": response,
        }

    @classmethod
    def from_json(cls, item: Any, where: str) -> "Interaction":
        try:
            request, response = item["request"], item["response"]
            has_json = "json" in response
            return cls(
                service=str(item.get("service", "dms")),
                method=str(request["method"]).upper(),
                path=str(request["path"]),
                query=str(request.get("query") or ""),
                body=str(request.get("body") or ""),
                status=int(response["status"]),
                date=response.get("date"),
                headers={str(k).lower(): str(v) for k, v in (response.get("headers") or {}).items()},
                json_body=response.get("json") if has_json else None,
                text_body=None if has_json else str(response.get("text") or ""),
            )
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise CassetteError("%s: not a recorded call (%s: %s)" % (where, type(exc).__name__, exc)) from None


@dataclass
class Cassette:
    interactions: List[Interaction] = field(default_factory=list)
    stand_ins: Dict[str, str] = field(default_factory=dict)
    upstreams: Dict[str, str] = field(default_factory=dict)
    recorded_with: str = ""
    recorded_at: str = ""

    def to_json(self) -> Dict[str, Any]:
        return {
            "format": FORMAT,
            "version": VERSION,
            "recorded_with": self.recorded_with,
            "recorded_at": self.recorded_at,
            "upstreams": self.upstreams,
            "stand_ins": self.stand_ins,
            "interactions": [item.to_json() for item in self.interactions],
        }

    def save(self, path: str) -> None:
        """Write through a new file renamed over `path`: a reader never sees half a cassette."""
        replace_file(path, json.dumps(self.to_json(), indent=1, ensure_ascii=False) + "\n", ".cassette-")


def load_cassette(path: str) -> Cassette:
    try:
        with open(path, encoding="utf-8") as stream:
            data = json.load(stream)
    except OSError as exc:
        raise CassetteError("cassette %s: %s" % (path, exc.strerror or exc)) from None
    except ValueError as exc:
        raise CassetteError("cassette %s is not JSON: %s" % (path, exc)) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise CassetteError('%s is not a cassette (no "format": "%s")' % (path, FORMAT))
    if data.get("version") != VERSION:
        raise CassetteError(
            "cassette %s has version %r; this dms-emulator reads version %d: record it again or upgrade"
            % (path, data.get("version"), VERSION)
        )
    items = data.get("interactions")
    if not isinstance(items, list):
        raise CassetteError('cassette %s: "interactions" must be a list' % path)
    return Cassette(
        interactions=[Interaction.from_json(item, "%s call %d" % (path, n + 1)) for n, item in enumerate(items)],
        stand_ins={str(k): str(v) for k, v in (data.get("stand_ins") or {}).items()},
        upstreams=dict(data.get("upstreams") or {}),
        recorded_with=str(data.get("recorded_with") or ""),
        recorded_at=str(data.get("recorded_at") or ""),
    )
