"""Admin endpoints for EIPs and instance states (reference in docs/emulator.md, "EIPs" and "Instance states").

  GET  /_emulator/instances[?project_id=]          every instance: admin view + the detail DMS would show
  POST /_emulator/instances/{instance_id}/state    status or status_timeline, publicip_id_in_detail,
                                                   kafka_public_status, busy_changes (project_id in the body)
  GET  /_emulator/eips[?project_id=]               every EIP as the v1 API shows it, plus the DMS instance holding it
  POST /_emulator/eips                             create (or replace) an EIP; {"eips": [...]} creates several
  POST /_emulator/eips/{eip_id}                    set its status and/or port_id (project_id in the body)
  POST /_emulator/eip-settings                     {"auto_create": false}: an EIP id nobody created makes a bind fail
Kept apart from admin_api.py so that its route table only needs to hand these paths over.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Dict, Optional

from . import DEFAULT_PROJECT_ID
from .reply import Reply, json_reply
from .request import Received

if TYPE_CHECKING:
    from .state import EmulatorState

_INSTANCE_STATE = "/_emulator/instances/"
_EIPS = "/_emulator/eips"


def _body(req: Received) -> Any:
    if not req.body:
        return {}
    try:
        return json.loads(req.body.decode("utf-8"))
    except ValueError as exc:
        raise ValueError("body is not JSON: %s" % exc)


def _project(req: Received, body: Any) -> str:
    if isinstance(body, dict) and body.get("project_id"):
        return str(body["project_id"])
    return req.query("project_id") or DEFAULT_PROJECT_ID


def handle_extension(emu: "EmulatorState", req: Received) -> Optional[Reply]:
    """The answer for an EIP/instance-state admin path, or None when the path is not one of them.

    ValueError becomes 400 in the caller (AdminApi.handle).
    """
    path = req.raw_path.rstrip("/")
    if req.method == "GET" and path == "/_emulator/instances":
        return _list_instances(emu, req)
    if req.method == "POST" and path.startswith(_INSTANCE_STATE) and path.endswith("/state"):
        return _instance_state(emu, req, path[len(_INSTANCE_STATE) : -len("/state")])
    if req.method == "GET" and path == _EIPS:
        return _list_eips(emu, req)
    if req.method == "POST" and path == _EIPS:
        return _create_eips(emu, req)
    if req.method == "POST" and path.startswith(_EIPS + "/"):
        return _update_eip(emu, req, path[len(_EIPS) + 1 :])
    if req.method == "POST" and path == "/_emulator/eip-settings":
        body = _body(req)
        if not isinstance(body, dict) or set(body) != {"auto_create"} or not isinstance(body["auto_create"], bool):
            raise ValueError('eip-settings takes {"auto_create": true|false}')
        emu.eips.auto_create = body["auto_create"]
        return json_reply(200, {"auto_create": emu.eips.auto_create})
    return None


def _list_instances(emu: "EmulatorState", req: Received) -> Reply:
    project = req.query("project_id")
    now = emu.clock.now()
    emu.store.settle(now)
    rows = []
    for instance in emu.store.all_instances():
        if project and instance.project_id != project:
            continue
        view = instance.job_view()
        view.update(
            {
                "name": instance.name,
                "status_timeline": bool(instance.status_cursor),
                "publicip_id_in_detail": instance.publicip_id_form,
                "kafka_public_status": instance.kafka_public_status,
                "detail": emu.instances.detail(instance),
            }
        )
        rows.append(view)
    return json_reply(200, {"instances": rows})


def _instance_state(emu: "EmulatorState", req: Received, instance_id: str) -> Reply:
    body = _body(req)
    if not isinstance(body, dict) or not body:
        raise ValueError("state must be a non-empty JSON object")
    project = _project(req, body)
    with emu.store.lock:
        instance = emu.store.instance(project, instance_id)
        if instance is None:
            return json_reply(404, {"error": "no instance %s in project %s" % (instance_id, project)})
        emu.instances.set_state(instance, {k: v for k, v in body.items() if k != "project_id"})
        return json_reply(200, {"instance_id": instance.id, "detail": emu.instances.detail(instance)})


def _eip_row(emu: "EmulatorState", project: str, eip_id: str) -> Dict[str, Any]:
    view = emu.eips.view(project, eip_id)
    assert view is not None
    return {
        "project_id": project,
        "id": view.eip.id,
        "public_ip_address": view.eip.public_ip_address,
        "status": view.status,
        "port_id": view.port_id,
        "private_ip_address": view.private_ip_address,
        "instance_id": view.instance_id,
        "stored_status": view.eip.status,
    }


def _list_eips(emu: "EmulatorState", req: Received) -> Reply:
    project = req.query("project_id") or DEFAULT_PROJECT_ID
    return json_reply(200, {"eips": [_eip_row(emu, project, item.eip.id) for item in emu.eips.views(project)]})


def _create_eips(emu: "EmulatorState", req: Received) -> Reply:
    body = _body(req)
    items = (
        body.get("eips")
        if isinstance(body, dict) and set(body) <= {"eips", "project_id"} and "eips" in body
        else [body]
    )
    if not isinstance(items, list) or not items:
        raise ValueError('give one EIP object or {"eips": [...]}')
    created = []
    for item in items:
        project = _project(req, item if isinstance(item, dict) and item.get("project_id") else body)
        eip = emu.eips.create(item, project)
        created.append(_eip_row(emu, project, eip.id))
    return json_reply(201, created[0] if len(created) == 1 and "eips" not in body else {"eips": created})


def _update_eip(emu: "EmulatorState", req: Received, eip_id: str) -> Reply:
    body = _body(req)
    project = _project(req, body)
    spec = {k: v for k, v in body.items() if k != "project_id"} if isinstance(body, dict) else body
    try:
        emu.eips.update(project, eip_id, spec)
    except KeyError:
        return json_reply(404, {"error": "no EIP %s in project %s" % (eip_id, project)})
    return json_reply(200, _eip_row(emu, project, eip_id))
