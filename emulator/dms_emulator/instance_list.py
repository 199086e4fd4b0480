"""`GET /v2/{project_id}/instances`: the instance list of all three engines (one path, three SDK calls).

Huawei's SDK 3.1.219 calls it from Kafka `ListInstances`, RabbitMQ `ListInstancesDetails` and RocketMQ
`ListInstances`, each with the same query parameters: `engine`, `name`, `instance_id`, `status`, `include_failure`,
`exact_match_name`, `enterprise_project_id`, `offset` (>= 0), `limit` (1 to 50, default 10) -- and each reads
`{"instances": [...], "instance_num": N}`, an instance being that engine's detail (Kafka/RabbitMQ
`ShowInstanceResp`, RocketMQ `InstanceDetail`). `engine` is `kafka`, `rabbitmq`, or `rocketmq`/`reliability`.

INVENTED (docs/emulator.md): all engines when `engine` is absent; a name matches as a substring unless
`exact_match_name=true` (the SDK says "fuzzy"); CREATEFAILED instances only with `include_failure=true`; newest
first; `instance_num` counts every match, not the page; the texts of the 400 answers.
"""

from __future__ import annotations

import re
from typing import Callable, Dict, List, Optional, Tuple

from .errors import BAD_PARAMETER, dms_error
from .gateway import Principal
from .instance_model import Instance
from .reply import Reply, json_reply
from .request import Received

LIST_ROUTE = ("GET", re.compile(r"^/v2/([^/]+)/instances/?$"), "instances.list")
ENGINE_NAMES = {"kafka": "kafka", "rabbitmq": "rabbitmq", "rocketmq": "rocketmq", "reliability": "rocketmq"}
DEFAULT_LIMIT = 10
MAX_LIMIT = 50


def match_list_route(method: str, path: str) -> Optional[Tuple[str, Tuple[str, ...]]]:
    found = LIST_ROUTE[1].match(path)
    if found and method == LIST_ROUTE[0]:
        return LIST_ROUTE[2], found.groups()
    return None


def _bad(name: str) -> Exception:
    return dms_error(400, BAD_PARAMETER, "Invalid %s parameter in the request." % name)


def _int(req: Received, name: str, default: int, low: int, high: Optional[int]) -> int:
    raw = req.query(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise _bad(name)
    if value < low or (high is not None and value > high):
        raise _bad(name)
    return value


def _flag(req: Received, name: str) -> bool:
    raw = req.query(name)
    if raw in (None, "", "false"):
        return False
    if raw == "true":
        return True
    raise _bad(name)


class InstanceList:
    def __init__(
        self,
        instances: Callable[[], List[Instance]],
        detail: Callable[[Instance], Dict[str, object]],
        settle: Callable[[], None],
    ) -> None:
        self.instances = instances
        self.detail = detail
        self.settle = settle

    def handle(self, groups: Tuple[str, ...], req: Received, principal: Principal) -> Reply:
        project_id = groups[0]
        if principal.kind == "token" and principal.project_id != project_id:
            raise dms_error(401, "DMS.10240104", "The project ID in the URL does not match the token.")
        engine = req.query("engine")
        if engine not in (None, "") and engine not in ENGINE_NAMES:
            raise _bad("engine")
        offset = _int(req, "offset", 0, 0, None)
        limit = _int(req, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
        exact = _flag(req, "exact_match_name")
        include_failure = _flag(req, "include_failure")
        self.settle()
        rows = [each for each in self.instances() if each.project_id == project_id]
        if engine:
            rows = [each for each in rows if each.engine == ENGINE_NAMES[engine]]
        name = req.query("name")
        if name:
            rows = [each for each in rows if (each.name == name if exact else name in each.name)]
        for key in ("instance_id", "status"):
            wanted = req.query(key)
            if wanted:
                rows = [each for each in rows if (each.id if key == "instance_id" else each.status) == wanted]
        if not include_failure and req.query("status") != "CREATEFAILED":
            rows = [each for each in rows if each.status != "CREATEFAILED"]
        enterprise = req.query("enterprise_project_id")
        if enterprise not in (None, "", "0", "all_granted_eps"):
            rows = []
        rows.sort(key=lambda each: (-each.created_ms, each.id))
        page = rows[offset : offset + limit]
        return json_reply(200, {"instances": [self.detail(each) for each in page], "instance_num": len(rows)})
