"""Seed files: JSON that pre-loads credentials, instances and tasks (format in docs/emulator.md)."""

from __future__ import annotations

import json
from typing import Any, Dict, Optional

from . import DEFAULT_PROJECT_ID
from .clock import parse_skew
from .config import apply_credentials
from .identity import Identity
from .instances import InstanceBook
from .progression import parse_mode
from .taskstore import TaskStore

SEED_KEYS = {
    "replace_defaults",
    "clock_skew",
    "progression",
    "access_keys",
    "projects",
    "users",
    "eips",
    "eip_auto_create",
    "instances",
    "tasks",
    "comment",
}


def load_seed_file(path: str) -> Dict[str, Any]:
    with open(path, "r", encoding="utf-8") as handle:
        seed = json.load(handle)
    validate_seed(seed)
    return seed


def validate_seed(seed: Any) -> None:
    if not isinstance(seed, dict):
        raise ValueError("seed must be a JSON object")
    unknown = set(seed) - SEED_KEYS
    if unknown:
        raise ValueError("unknown seed keys: %s" % ", ".join(sorted(unknown)))
    if "clock_skew" in seed:
        parse_skew(seed["clock_skew"], "seed clock_skew")
    if "progression" in seed:
        parse_mode(seed["progression"], "seed progression")
    if not isinstance(seed.get("eips", []), list):
        raise ValueError("seed eips must be a list of EIP objects")
    if not isinstance(seed.get("eip_auto_create", True), bool):
        raise ValueError("seed eip_auto_create must be true or false")


def apply_seed(
    seed: Dict[str, Any], identity: Identity, store: TaskStore, now: float, instances: Optional[InstanceBook] = None
) -> None:
    """Load a validated seed into empty state. Timelines start at `now` (i.e. at start or reset)."""
    if seed.get("replace_defaults"):
        identity.reset(defaults=False)
    apply_credentials(identity, {k: seed[k] for k in ("access_keys", "projects", "users") if k in seed})
    eips = instances.eips if instances is not None else None
    if eips is not None:
        # EIPs first: an instance's publicip_ids then name EIPs with their seeded address and status.
        eips.auto_create = seed.get("eip_auto_create", True)
        for item in seed.get("eips") or []:
            eips.create(item, (item.get("project_id") if isinstance(item, dict) else None) or DEFAULT_PROJECT_ID)
    for item in seed.get("instances") or []:
        if not isinstance(item, dict) or not item.get("id"):
            raise ValueError("each seed instance needs an id")
        item = dict(item)
        mode = item.pop("progression", None)  # the instance's own progression (progression.py)
        if instances is not None:
            # Same keys as POST /_emulator/instances (engine, broker_num, status, public state, timelines).
            instances.configure(item, item.get("project_id") or DEFAULT_PROJECT_ID)
        else:
            store.ensure_instance(item.get("project_id") or DEFAULT_PROJECT_ID, item["id"], item.get("engine"))
        if mode is not None:
            store.progression.set_mode(mode, now, (item.get("project_id") or DEFAULT_PROJECT_ID, item["id"]))
    for item in seed.get("tasks") or []:
        store.create_task(item, now)
