"""What the admin API and the seed may set on an instance without re-creating it (docs/emulator.md, "Instance states").

`status` (any non-empty string: a client must cope with a state it does not know) or a `status_timeline` script,
the detail's `publicip_id` form, `kafka_public_status`, and `busy_changes`.
"""

from __future__ import annotations

from typing import Any, Dict

from .instance_model import PUBLICIP_ID_FORMS, Instance
from .timeline import TimelineCursor, parse_timeline

STATE_KEYS = {"project_id", "status", "status_timeline", "publicip_id_in_detail", "kafka_public_status", "busy_changes"}
# The keys of an instance's admin/seed form that are state (the rest of the form re-creates the instance).
_FORM_STATE_KEYS = ("status_timeline", "publicip_id_in_detail", "kafka_public_status")


def state_of_form(spec: Dict[str, Any]) -> Dict[str, Any]:
    """The state part of a `POST /_emulator/instances` (or seed) form; RUNNING unless a status or script is given."""
    state = {key: spec[key] for key in _FORM_STATE_KEYS if key in spec}
    if "status" in spec or "status_timeline" not in spec:
        state["status"] = spec.get("status") or "RUNNING"
    return state


def apply_state(instance: Instance, spec: Dict[str, Any], now: float) -> None:
    """Set what `spec` names (ValueError naming the key on bad input, before anything is set)."""
    unknown = set(spec) - STATE_KEYS
    if unknown:
        raise ValueError(
            "unknown state keys: %s (known: %s)" % (", ".join(sorted(unknown)), ", ".join(sorted(STATE_KEYS)))
        )
    if "status" in spec and "status_timeline" in spec:
        raise ValueError("give status or status_timeline, not both")
    cursor = None
    if "status_timeline" in spec:
        phases = parse_timeline(spec["status_timeline"])
        if any(not isinstance(phase.status, str) or not phase.status for phase in phases):
            raise ValueError("each status_timeline phase needs a non-empty status")
        cursor = TimelineCursor(phases, now)
    status = spec.get("status")
    if "status" in spec and (not isinstance(status, str) or not status):
        raise ValueError("status must be a non-empty string")
    form = spec.get("publicip_id_in_detail", instance.publicip_id_form)
    if form not in PUBLICIP_ID_FORMS:
        raise ValueError("publicip_id_in_detail must be one of %s" % ", ".join(PUBLICIP_ID_FORMS))
    kafka_status = spec.get("kafka_public_status", instance.kafka_public_status)
    if kafka_status is not None and (not isinstance(kafka_status, str) or not kafka_status):
        raise ValueError("kafka_public_status must be a non-empty string or null")
    busy = spec.get("busy_changes", instance.busy_changes)
    if not isinstance(busy, int) or isinstance(busy, bool) or busy < 0:
        raise ValueError("busy_changes must be an integer >= 0")
    if cursor is not None:
        instance.status_cursor = cursor
        instance.advance_status(now)
    elif status is not None:
        instance.status_cursor = None
        instance.status = status
    instance.publicip_id_form = form
    instance.kafka_public_status = kafka_status
    instance.busy_changes = busy
