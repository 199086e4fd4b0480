"""`dms-emulator replay`: serve a cassette's answers, in order, to a client that signs as it would for the emulator.

Each call must be the cassette's next one (method, path, query, body). The cassette's stand-ins (scrub.py) match
whatever value of the same shape the client sends, and bind to it: the client may run with its own project and
instance ids, and every later call and answer uses the bound value in place of the stand-in. Times of day in a
query (a task filter's begin_time) match any time written the same way, since the client derives them from the
answers' Date. Answers are moved in time by (now - the first recorded Date), Date headers and the times in the
bodies alike, so that a client that places tasks on the server's clock sees them as recent as they were.
"""

from __future__ import annotations

import calendar
import email.utils
import json
import re
import threading
import time
from typing import Any, Dict, List, Optional, Set

from .cassette import Cassette, Interaction
from .clock import ServerClock
from .config import apply_credentials
from .errors import ApiError
from .gateway import Gateway
from .identity import Identity
from .reply import Reply, json_reply
from .request import Received
from .stats import Stats
from .timefmt import iso_ms

_SHAPES = {
    "uuid": r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}",
    "ipv4": r"[0-9]{1,3}(?:\.[0-9]{1,3}){3}",
}
# A value of no fixed shape (a name, a redacted password): anything up to the next separator of where it stands.
_ANY_IN_URL = r"[^/?&=#]+"
_ANY_IN_JSON = r'(?:[^"\\]|\\.)+'
# A compact time (20261204192952) or epoch milliseconds in a query: the client computes it from the clock.
_QUERY_TIME = re.compile(r"(?<=[=])(\d{14}|1\d{12})(?=&|$)")
_ISO_TIME = re.compile(r"^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d+)?Z$")
UNSIGNED_CALLS = (("POST", re.compile(r"^/v3/auth/tokens/?$")),)


def _shape(standin: str, kind: str, in_body: bool) -> str:
    if kind == "hex32":
        return "[0-9a-fA-F]{%d}" % len(standin)
    return _SHAPES.get(kind, _ANY_IN_JSON if in_body else _ANY_IN_URL)


class Template:
    """Matches a recorded string against a received one, with stand-ins as variables (bound or free)."""

    def __init__(self, standins: Dict[str, str]) -> None:
        self.standins = standins
        names = sorted(standins, key=len, reverse=True)
        self._finder = re.compile("|".join(r"%s(?![0-9A-Za-z])" % re.escape(n) for n in names)) if names else None

    def match(
        self, recorded: str, received: str, bound: Dict[str, str], times: bool = False, in_body: bool = False
    ) -> Optional[Dict[str, str]]:
        """New bindings (possibly none) when `received` fits `recorded`; None when it does not."""
        pattern, groups, pos = [], [], 0
        seen: Dict[str, int] = {}
        for found in self._finder.finditer(recorded) if self._finder else ():
            pattern.append(self._literal(recorded[pos : found.start()], times))
            name = found.group(0)
            if name in bound:
                pattern.append(re.escape(bound[name]))
            elif name in seen:
                pattern.append("(?P=g%d)" % seen[name])
            else:
                seen[name] = len(groups)
                groups.append(name)
                pattern.append("(?P<g%d>%s)" % (seen[name], _shape(name, self.standins[name], in_body)))
            pos = found.end()
        pattern.append(self._literal(recorded[pos:], times))
        matched = re.fullmatch("".join(pattern), received)
        if matched is None:
            return None
        return {name: matched.group("g%d" % index) for index, name in enumerate(groups)}

    @staticmethod
    def _literal(text: str, times: bool) -> str:
        if not times:
            return re.escape(text)
        out, pos = [], 0
        for found in _QUERY_TIME.finditer(text):
            out.append(re.escape(text[pos : found.start()]))
            out.append(r"\d{%d}" % len(found.group(0)))
            pos = found.end()
        out.append(re.escape(text[pos:]))
        return "".join(out)


def unbind(text: str, bound: Dict[str, str]) -> str:
    """Each bound stand-in replaced by its value, in one pass: 192.0.2.1 never eats the start of 192.0.2.10."""
    if not bound:
        return text
    names = sorted(bound, key=len, reverse=True)
    finder = re.compile("|".join(r"%s(?![0-9A-Za-z])" % re.escape(name) for name in names))
    return finder.sub(lambda found: bound[found.group(0)], text)


def http_date_epoch(value: Optional[str]) -> Optional[float]:
    parsed = email.utils.parsedate_tz(value or "")
    return float(email.utils.mktime_tz(parsed)) if parsed else None


def shift_times(value: Any, offset: float, key: str = "") -> Any:
    """ISO times, and epoch milliseconds under a *_at/*time key, moved `offset` seconds."""
    if isinstance(value, dict):
        return {k: shift_times(v, offset, k) for k, v in value.items()}
    if isinstance(value, list):
        return [shift_times(item, offset, key) for item in value]
    if isinstance(value, str):
        found = _ISO_TIME.match(value)
        if found:
            epoch = calendar.timegm(time.strptime(found.group(1), "%Y-%m-%dT%H:%M:%S"))
            return iso_ms(epoch + float(found.group(2) or 0) + offset)
    timeish = key.endswith(("_at", "time", "_date"))
    if timeish and isinstance(value, str) and re.fullmatch(r"1\d{12}", value):
        return str(int(value) + int(offset * 1000))
    if timeish and isinstance(value, int) and not isinstance(value, bool) and 10**12 <= value < 10**13:
        return value + int(offset * 1000)
    return value


class Replayer:
    """What the HTTP server calls (`dispatch`), like `Emulator`; answers from the cassette."""

    def __init__(self, cassette: Cassette, seed: Optional[Dict[str, Any]] = None, clock: Optional[Any] = None) -> None:
        self.cassette = cassette
        self.stats = Stats()
        self.clock = ServerClock(clock)
        identity = Identity()
        identity.reset(defaults=not (seed or {}).get("replace_defaults"))
        if seed:
            apply_credentials(identity, {k: seed[k] for k in ("access_keys", "projects", "users") if k in seed})
        self.gateway = Gateway(identity, self.stats, self.clock)
        self.template = Template(cassette.stand_ins)
        self.bound: Dict[str, str] = {}
        self.tokens: Set[str] = set()  # tokens this replay handed out (X-Subject-Token), valid as X-Auth-Token
        self.position = 0
        self.offset: Optional[float] = None
        self._lock = threading.Lock()

    def remaining(self) -> int:
        return len(self.cassette.interactions) - self.position

    def dispatch(self, req: Received) -> Reply:
        with self._lock:
            received = "%s %s%s" % (req.method, req.raw_path, "?" + req.raw_query if req.raw_query else "")
            if self.position >= len(self.cassette.interactions):
                return self._refuse(
                    req, "the cassette holds no call %s: all its %d calls were served" % (received, self.position)
                )
            expected = self.cassette.interactions[self.position]
            try:
                self._authenticate(req)
            except ApiError as err:
                return json_reply(err.status, err.body, err.headers)
            new = self._match(expected, req)
            if new is None:
                return self._refuse(
                    req,
                    "the cassette holds no call %s at this point: its call %d of %d is %s"
                    % (received, self.position + 1, len(self.cassette.interactions), expected.describe()),
                )
            self.bound.update(new)
            self.position += 1
            return self._answer(expected)

    def _authenticate(self, req: Received) -> None:
        if any(req.method == method and pattern.match(req.raw_path) for method, pattern in UNSIGNED_CALLS):
            return
        token = req.header("x-auth-token")
        if token and not req.header("authorization") and token in self.tokens:
            return
        self.gateway.authenticate(req)

    def _match(self, expected: Interaction, req: Received) -> Optional[Dict[str, str]]:
        if expected.method != req.method:
            return None
        found: Dict[str, str] = {}
        for recorded, received, times, in_body in (
            (expected.path, req.raw_path, False, False),
            (expected.query, req.raw_query, True, False),
            (expected.body, req.body.decode("utf-8", "replace"), False, True),
        ):
            new = self.template.match(recorded, received, dict(self.bound, **found), times, in_body)
            if new is None:
                return None
            found.update(new)
        # One value stands for one stand-in: a second instance must not pass for the first one's stand-in.
        taken = {value: name for name, value in self.bound.items()}
        values = list(found.values())
        if len(set(values)) != len(values) or any(taken.get(value, name) != name for name, value in found.items()):
            return None
        return found

    def _refuse(self, req: Received, message: str) -> Reply:
        return json_reply(400, {"error_code": "REPLAY.0400", "error_msg": "dms-emulator replay: " + message})

    def _unbind(self, text: str) -> str:
        return unbind(text, self.bound)

    def _answer(self, expected: Interaction) -> Reply:
        recorded_date = http_date_epoch(expected.date)
        if self.offset is None and recorded_date is not None:
            self.offset = self.clock.now() - recorded_date
        offset = self.offset or 0.0
        headers: Dict[str, str] = {}
        for name, value in expected.headers.items():
            headers["-".join(part.capitalize() for part in name.split("-"))] = self._unbind(value)
        if "X-Subject-Token" in headers:
            self.tokens.add(headers["X-Subject-Token"])
        if recorded_date is not None:
            headers["Date"] = email.utils.formatdate(recorded_date + offset, usegmt=True)
        if expected.text_body is None:
            payload = json.loads(self._unbind(json.dumps(expected.json_body)))
            return json_reply(expected.status, shift_times(payload, offset), headers)
        return Reply(expected.status, self._unbind(expected.text_body).encode("utf-8"), headers)

    def unserved(self) -> List[Interaction]:
        return self.cassette.interactions[self.position :]
