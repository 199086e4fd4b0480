"""`dms-emulator compare`: send a cassette's calls to a fresh emulator and report how its answers differ.

The emulator starts with each instance the cassette reads, as the first recorded answer describes it (engine, name,
size, status), and each EIP a recorded VPC answer lists (its first answer: status, bandwidth), under the cassette's
own (stand-in) ids, and runs with progression "immediate". Each call goes out
signed with the emulator's key; ids the emulator makes up (a task's id) are bound to the cassette's stand-ins at
the same place in the answer, so that later calls ask for them. Per call the report lists differences in status,
fields present and their types; values are compared where the same state is expected: on the last read of each call
before the next change, and only for the fields that say what state something is in (STATE_FIELDS). A wait's
earlier reads depend on timing: for them a field is missing only when every recorded answer of the call has it, extra
only when none has it, and values are not compared.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Iterator, List, Optional, Tuple

from . import DEFAULT_ACCESS_KEY, DEFAULT_SECRET_KEY
from .app import Emulator
from .cassette import Cassette, Interaction
from .clock import FakeClock
from .replayer import http_date_epoch, unbind
from .request import Received
from .signing import sign_headers
from .timefmt import format_sdk_date

# Fields whose value is the state of a thing (not its environment, which the emulator invents: VPC names, versions).
STATE_FIELDS = frozenset(
    {
        "status",
        "engine",
        "enable_publicip",
        "public_access_enabled",
        "public_bandwidth",
        "broker_num",
        "storage_space",
        "product_id",
        "name",
        "task_count",
        "count",
        "total_count",
        "error_code",
        "job_id",
        "progress",
    }
)
SEED_FIELDS = ("name", "status", "broker_num", "storage_space", "product_id", "enable_publicip")
# What an EIP is created with; the other fields the EIP API shows are derived from these.
EIP_SEED_FIELDS = ("id", "status", "public_ip_address", "port_id", "private_ip_address", "bandwidth_size")


@dataclass
class CallReport:
    number: int
    call: str
    differences: List[str] = field(default_factory=list)


def _type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "integer" if isinstance(value, int) else "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def flatten(value: Any, prefix: str = "") -> Dict[str, Any]:
    """path -> value for every field; list items as [n], so that a field's place is its name."""
    out: Dict[str, Any] = {}
    if isinstance(value, dict):
        for key, item in value.items():
            path = "%s.%s" % (prefix, key) if prefix else str(key)
            out[path] = item
            out.update(flatten(item, path))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            path = "%s[%d]" % (prefix, index)
            out[path] = item
            out.update(flatten(item, path))
    return out


def _leaf(path: str) -> str:
    return path.rsplit(".", 1)[-1].split("[", 1)[0]


def settled_calls(calls: List[Interaction]) -> List[bool]:
    """True for each call whose values are compared: a change, or the last of its reads before the next change."""
    settled = [True] * len(calls)
    seen: Dict[str, int] = {}
    for index, call in enumerate(calls):
        if call.method != "GET":
            seen.clear()
            continue
        key = call.describe()
        if key in seen:
            settled[seen[key]] = False
        seen[key] = index
    return settled


class Comparison:
    def __init__(self, cassette: Cassette, make_emulator: Optional[Callable[..., Emulator]] = None) -> None:
        """`make_emulator(clock=..., progression=..., seed=...)` builds the emulator to compare with (default: `Emulator`)."""
        self.cassette = cassette
        # The emulator's clock follows the recorded Dates, so that a query's time filter selects what it did then.
        self.clock = FakeClock(http_date_epoch(cassette.interactions[0].date) or 0.0 if cassette.interactions else 0.0)
        # Only the key compare signs with: IAM's projects and users are those the cassette shows (seed()).
        only_key = {
            "replace_defaults": True,
            "access_keys": [{"access_key": DEFAULT_ACCESS_KEY, "secret_key": DEFAULT_SECRET_KEY}],
        }
        self.emulator = (make_emulator or Emulator)(clock=self.clock, progression="immediate", seed=only_key)
        self.bound: Dict[str, str] = {}

    def _is_standin(self, value: Any) -> bool:
        return isinstance(value, str) and any(name in value for name in self.cassette.stand_ins)

    def _bind(self, text: str) -> str:
        return unbind(text, self.bound)

    def _recorded_reads(self, collection: str, depth: int) -> Iterator[Tuple[List[str], Any]]:
        """The path parts and JSON answer of each recorded successful GET of `/{version}/{project}/{collection}`,
        `depth` parts long (3: the list, 4: one item)."""
        for call in self.cassette.interactions:
            parts = call.path.strip("/").split("/")
            if call.method == "GET" and call.status == 200 and len(parts) == depth and parts[2] == collection:
                yield parts, call.json_body

    def seed(self) -> None:
        """Each instance the cassette reads, created as its first recorded answer shows it; IAM's users and projects."""
        self._seed_identity()
        created = set()
        for parts, answer in self._recorded_reads("instances", 4):
            if not isinstance(answer, dict) or "engine" not in answer or parts[3] in created:
                continue
            created.add(parts[3])
            spec = {key: answer[key] for key in SEED_FIELDS if key in answer and not self._is_standin(answer[key])}
            spec.update(instance_id=parts[3], project_id=parts[1], engine=answer["engine"])
            self._admin("/_emulator/instances", spec)
        self._seed_eips()

    def _seed_eips(self) -> None:
        """Each EIP a recorded `GET /v1/{project}/publicips` lists, created as its first answer shows it: a client
        that looks EIPs up before binding them gets the same answers as when it was recorded."""
        seen = set()
        for parts, answer in self._recorded_reads("publicips", 3):
            eips = answer.get("publicips") if isinstance(answer, dict) else None
            for eip in eips if isinstance(eips, list) else []:
                if not isinstance(eip, dict) or not eip.get("id") or (parts[1], eip["id"]) in seen:
                    continue
                seen.add((parts[1], eip["id"]))
                spec = {key: eip[key] for key in EIP_SEED_FIELDS if eip.get(key) and not self._is_standin(eip[key])}
                spec["id"] = eip["id"]
                self._admin("/_emulator/eips", {"eips": [spec], "project_id": parts[1]})

    def _seed_identity(self) -> None:
        """The users of recorded password token requests (stand-in name and password) and the projects IAM showed."""
        users, projects = [], {}
        for call in self.cassette.interactions:
            if call.service != "iam" or call.status >= 300:
                continue
            answer = call.json_body if isinstance(call.json_body, dict) else {}
            for project in answer.get("projects") or [answer.get("token", {}).get("project") or {}]:
                if isinstance(project, dict) and project.get("id") and project.get("name"):
                    projects.setdefault(project["id"], {"id": project["id"], "name": project["name"]})
            try:
                user = json.loads(call.body)["auth"]["identity"]["password"]["user"]
                users.append(
                    {
                        "name": user["name"],
                        "password": user["password"],
                        "domain_name": (user.get("domain") or {}).get("name"),
                    }
                )
            except (ValueError, KeyError, TypeError):
                continue
        if users or projects:
            self._admin("/_emulator/credentials", {"users": users, "projects": list(projects.values())})

    def _admin(self, path: str, body: Dict[str, Any]) -> None:
        reply = self.emulator.dispatch(
            Received("POST", path, "", {}, json.dumps(body).encode("utf-8"), peer="127.0.0.1")
        )
        if reply.status >= 300:
            raise ValueError("the emulator refused %s %s: %s" % (path, body, reply.body.decode("utf-8", "replace")))

    def send(self, call: Interaction) -> Tuple[int, Any]:
        path, query, body = self._bind(call.path), self._bind(call.query), self._bind(call.body).encode("utf-8")
        headers = {"host": "dms.emulator", "x-sdk-date": format_sdk_date(self.emulator.clock.now())}
        if body:
            headers["content-type"] = "application/json"
        if not (call.method == "POST" and path.rstrip("/") == "/v3/auth/tokens"):
            headers["authorization"] = sign_headers(
                DEFAULT_ACCESS_KEY, DEFAULT_SECRET_KEY, call.method, path, query, headers, body
            )
        reply = self.emulator.dispatch(Received(call.method, path, query, headers, body, "compare", "127.0.0.1"))
        try:
            return reply.status, json.loads(reply.body.decode("utf-8")) if reply.body else None
        except ValueError:
            return reply.status, reply.body.decode("utf-8", "replace")

    def run(self) -> List[CallReport]:
        self.seed()
        reports = []
        settled = settled_calls(self.cassette.interactions)
        # Per call, the fields every recorded answer has (always there, whatever the state) and any answer has.
        always: Dict[str, set] = {}
        ever: Dict[str, set] = {}
        for call in self.cassette.interactions:
            fields = set(flatten(call.json_body if call.text_body is None else None))
            key = call.describe()
            always[key] = always[key] & fields if key in always else fields
            ever[key] = ever.get(key, set()) | fields
        for number, call in enumerate(self.cassette.interactions, 1):
            recorded_at = http_date_epoch(call.date)
            if recorded_at is not None and recorded_at > self.clock.now():
                self.clock.set(recorded_at)
            status, answer = self.send(call)
            recorded = call.json_body if call.text_body is None else call.text_body
            report = CallReport(number, call.describe())
            if status != call.status:
                report.differences.append("status: recorded %d, emulator %d" % (call.status, status))
            shape = None if settled[number - 1] else (always[call.describe()], ever[call.describe()])
            report.differences.extend(self.diff(recorded, answer, shape))
            reports.append(report)
        return reports

    def diff(self, recorded: Any, answer: Any, intermediate: Optional[Tuple[set, set]] = None) -> List[str]:
        """Differences of one answer. `intermediate`: for a wait's earlier read, the fields every recorded answer of
        the call has and those any has; then a field counts as missing only when always recorded, as extra only when
        never recorded, and values are not compared (the state depends on timing)."""
        settled = intermediate is None
        theirs, ours = flatten(recorded), flatten(answer)
        out = []
        for path, value in theirs.items():
            if self._is_standin(value) and isinstance(ours.get(path), str):
                self.bound.setdefault(value, ours[path])
        expected, possible = (set(theirs), set(theirs)) if intermediate is None else intermediate
        out += [
            "field %s: recorded, missing from the emulator's answer" % p for p in theirs if p in expected - set(ours)
        ]
        out += ["field %s: in the emulator's answer, not recorded" % p for p in ours if p not in possible]
        for path in theirs:
            if path not in ours:
                continue
            mine, real = _type(ours[path]), _type(theirs[path])
            if mine != real:
                out.append("field %s: recorded %s, emulator %s" % (path, real, mine))
            elif settled and _leaf(path) in STATE_FIELDS and real not in ("object", "array"):
                if not self._is_standin(theirs[path]) and theirs[path] != ours[path]:
                    out.append("value %s: recorded %r, emulator %r" % (path, theirs[path], ours[path]))
        return out


def compare_cassette(cassette: Cassette, make_emulator: Optional[Callable[..., Emulator]] = None) -> List[CallReport]:
    return Comparison(cassette, make_emulator).run()


def render_report(name: str, reports: List[CallReport]) -> str:
    """Plain text a user can paste into an issue: one block per call, and a total."""
    lines = ["dms-emulator compare %s: %d calls" % (name, len(reports))]
    total = 0
    for report in reports:
        total += len(report.differences)
        mark = "same" if not report.differences else "%d differences" % len(report.differences)
        lines.append("%3d %s: %s" % (report.number, report.call, mark))
        lines.extend("      " + line for line in report.differences)
    lines.append("%d differences in %d calls" % (total, sum(1 for report in reports if report.differences)))
    return "\n".join(lines) + "\n"
