"""The parts of a received HTTP request that handlers and the verifier need, decoupled from http.server."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple
from urllib.parse import parse_qsl


@dataclass
class Received:
    method: str
    raw_path: str  # as received, still percent-encoded, no query
    raw_query: str  # as received, without '?'
    headers: Dict[str, str]  # lower-case names; first value wins
    body: bytes = b""
    request_id: str = ""
    peer: str = ""  # the client's address; empty for an in-process call
    params: List[Tuple[str, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.params = parse_qsl(self.raw_query, keep_blank_values=True)

    def header(self, name: str) -> Optional[str]:
        return self.headers.get(name.lower())

    def query(self, name: str) -> Optional[str]:
        for key, value in self.params:
            if key == name:
                return value
        return None


def header_text(value: str) -> str:
    """http.server decodes header bytes as latin-1; the SDK sends UTF-8. Undo that for non-ASCII values."""
    try:
        return value.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return value
