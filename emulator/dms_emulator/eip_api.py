"""The EIP calls of the VPC service that a DMS client needs: v1 list and show, v3 list (huaweicloudsdkeip 3.1.219).

- `GET /v1/{project_id}/publicips` (v2 SDK `ListPublicips`): repeatable `id`, `public_ip_address`, `port_id`,
  `private_ip_address` filters (OR within a name, AND across names), `ip_version`, `enterprise_project_id`,
  paged with `marker` (the id of the previous page's last row) and `limit` -> `{"publicips": [PublicipShowResp]}`;
- `GET /v1/{project_id}/publicips/{publicip_id}` (v2 `ShowPublicip`) -> `{"publicip": PublicipShowResp}`, or 404
  `{"code": "VPC.0504", "message": "Floating IP could not be found."}` (the EIP API's error-code page example);
- `GET /v3/{project_id}/eip/publicips` (v3 `ListPublicips`): the same filters plus `status`, `type`,
  `vnic.port_id`, `vnic.private_ip_address`, `vnic.instance_id`, `associate_instance_id`/`_type`,
  `public_ip_address_like`, paged with `marker` or `offset` and `limit`
  -> `{"publicips": [PublicipSingleShowResp], "page_info": {...}, "total_count": N, "request_id": ...}`.
The same gateway signs them as the DMS calls (one host serves DMS, IAM and VPC paths).

INVENTED (docs/emulator.md): the order (by id), the default page size, the answer to a bad parameter or an unknown
marker, `type`, bandwidth names, and the v3 `vnic`/`associate_instance_*` values of a DMS-bound EIP.
"""

from __future__ import annotations

import re
from typing import Any, Callable, Dict, List, Optional, Tuple

from .eips import Binding, EipStore, EipView
from .errors import ApiError
from .gateway import Principal
from .instance_model import Instance
from .reply import Reply, json_reply
from .request import Received
from .timefmt import iso_ms

_SEG = r"([^/]+)"
EIP_ROUTES = [
    ("GET", re.compile(r"^/v1/%s/publicips/?$" % _SEG), "eip.list_v1"),
    ("GET", re.compile(r"^/v1/%s/publicips/%s/?$" % (_SEG, _SEG)), "eip.show_v1"),
    ("GET", re.compile(r"^/v3/%s/eip/publicips/?$" % _SEG), "eip.list_v3"),
]
# Faithful: the EIP API's error-code page (code, text) for a missing EIP and for a token of another project.
EIP_NOT_FOUND = ("VPC.0504", "Floating IP could not be found.")
TENANT_MISMATCH = ("VPC.0007", "urlTenantId is not equal tokenTenantId")
# INVENTED: the VPC service's code for a bad query parameter is not documented where we looked.
BAD_EIP_PARAMETER = "EMU.VPC.0400"
DEFAULT_PAGE = 2000  # INVENTED default page size (v3 documents 2000 as the largest page in most regions)
ENTERPRISE_PROJECT = "0"


def match_eip_route(method: str, path: str) -> Optional[Tuple[str, Tuple[str, ...]]]:
    for route_method, pattern, name in EIP_ROUTES:
        found = pattern.match(path)
        if found and route_method == method:
            return name, found.groups()
    return None


def instance_bindings(instances: Callable[[], List[Instance]]) -> Callable[[str], Dict[str, Binding]]:
    """The EIPs each instance of a project holds while its public access is on (the bindings the EIP store reads)."""

    def of(project_id: str) -> Dict[str, Binding]:
        found: Dict[str, Binding] = {}
        for instance in instances():
            if instance.project_id == project_id and instance.enabled:
                for index, eip_id in enumerate(instance.ids):
                    found.setdefault(eip_id, Binding(instance.id, index))
        return found

    return of


def _vpc_error(status: int, code: str, message: str) -> ApiError:
    # The EIP API's error body (its error-code page): {"code": ..., "message": ...}; Huawei's SDK parser reads it.
    return ApiError(status, {"code": code, "message": message})


def _values(req: Received, name: str) -> List[str]:
    return [value for key, value in req.params if key == name]


def _limit(req: Received, high: Optional[int]) -> int:
    raw = req.query("limit")
    if raw is None or raw == "":
        return DEFAULT_PAGE
    try:
        value = int(raw)
    except ValueError:
        raise _vpc_error(400, BAD_EIP_PARAMETER, "Invalid limit: %s" % raw)
    if value < 0 or (high is not None and value > high):
        raise _vpc_error(400, BAD_EIP_PARAMETER, "Invalid limit: %s" % raw)
    return value or DEFAULT_PAGE


class EipApi:
    def __init__(self, eips: EipStore, now: Callable[[], float]) -> None:
        self.eips = eips
        self.now = now

    def handle(self, route: str, groups: Tuple[str, ...], req: Received, principal: Principal) -> Reply:
        project_id = groups[0]
        if principal.kind == "token" and principal.project_id != project_id:
            raise _vpc_error(400, *TENANT_MISMATCH)
        views = self.eips.views(project_id)
        if route == "eip.show_v1":
            found = [item for item in views if item.eip.id == groups[1]]
            if not found:
                raise _vpc_error(404, *EIP_NOT_FOUND)
            return json_reply(200, {"publicip": self._v1(found[0])})
        rows = self._filter(req, views, route == "eip.list_v3")
        if route == "eip.list_v1":
            page, _start = self._page(req, rows, allow_offset=False)
            return json_reply(200, {"publicips": [self._v1(item) for item in page]})
        page, start = self._page(req, rows, allow_offset=True)
        page_info: Dict[str, Any] = {"current_count": len(page)}
        if page:
            page_info["previous_marker"] = page[0].eip.id
            if start + len(page) < len(rows):
                page_info["next_marker"] = page[-1].eip.id
        return json_reply(
            200,
            {
                "request_id": req.request_id,
                "publicips": [self._v3(item) for item in page],
                "page_info": page_info,
                "total_count": len(rows),
            },
        )

    # --- filters and pages --------------------------------------------------------------------------
    @staticmethod
    def _filter(req: Received, views: List[EipView], v3: bool) -> List[EipView]:
        def keep(name: str, value: Callable[[EipView], Optional[str]]) -> None:
            wanted = _values(req, name)
            if wanted:
                rows[:] = [item for item in rows if value(item) in wanted]

        rows = list(views)
        keep("id", lambda item: item.eip.id)
        keep("public_ip_address", lambda item: item.eip.public_ip_address)
        keep("ip_version", lambda item: "4")
        enterprise = req.query("enterprise_project_id")
        if enterprise not in (None, "", "all_granted_eps"):
            rows = [item for item in rows if enterprise == ENTERPRISE_PROJECT]
        if v3:
            keep("status", lambda item: item.status)
            keep("type", lambda item: "5_bgp")
            keep("vnic.port_id", lambda item: item.port_id)
            keep("vnic.private_ip_address", lambda item: item.private_ip_address)
            keep("vnic.instance_id", lambda item: item.instance_id)
            keep("associate_instance_id", lambda item: item.port_id)
            keep("associate_instance_type", lambda item: "PORT" if item.port_id else None)
            like = req.query("public_ip_address_like")
            if like:
                rows = [item for item in rows if like in item.eip.public_ip_address]
        else:
            keep("port_id", lambda item: item.port_id)
            keep("private_ip_address", lambda item: item.private_ip_address)
        return rows

    @staticmethod
    def _page(req: Received, rows: List[EipView], allow_offset: bool) -> Tuple[List[EipView], int]:
        limit = _limit(req, DEFAULT_PAGE if allow_offset else None)
        marker = req.query("marker")
        start = 0
        if marker:
            ids = [item.eip.id for item in rows]
            if marker not in ids:
                raise _vpc_error(400, BAD_EIP_PARAMETER, "Invalid marker: %s" % marker)
            start = ids.index(marker) + 1
        elif allow_offset and req.query("offset"):
            try:
                start = int(req.query("offset") or "0")
            except ValueError:
                start = -1
            if start < 0:
                raise _vpc_error(400, BAD_EIP_PARAMETER, "Invalid offset: %s" % req.query("offset"))
        return rows[start : start + limit], start

    # --- rendering ----------------------------------------------------------------------------------
    def _v1(self, item: EipView) -> Dict[str, Any]:
        """A v2-SDK PublicipShowResp (fields and types of huaweicloudsdkeip 3.1.219)."""
        eip = item.eip
        row: Dict[str, Any] = {
            "id": eip.id,
            "status": item.status,
            "type": "5_bgp",
            "public_ip_address": eip.public_ip_address,
            "ip_version": 4,
            "tenant_id": eip.project_id,
            "create_time": _v1_time(eip.created_at),
            "bandwidth_id": _bandwidth_id(eip.id),
            "bandwidth_name": "bandwidth-%s" % eip.id[:8],
            "bandwidth_share_type": "PER",
            "bandwidth_size": eip.bandwidth_size,
            "enterprise_project_id": ENTERPRISE_PROJECT,
            "tags": [],
        }
        if item.port_id:
            row["port_id"] = item.port_id
            if item.private_ip_address:
                row["private_ip_address"] = item.private_ip_address
        return row

    def _v3(self, item: EipView) -> Dict[str, Any]:
        """A v3-SDK PublicipSingleShowResp."""
        eip = item.eip
        row: Dict[str, Any] = {
            "id": eip.id,
            "project_id": eip.project_id,
            "ip_version": 4,
            "public_ip_address": eip.public_ip_address,
            "network_type": "5_bgp",
            "type": "EIP",
            "status": item.status,
            "description": "",
            "created_at": iso_seconds(eip.created_at),
            "updated_at": iso_seconds(eip.created_at),
            "bandwidth": {
                "id": _bandwidth_id(eip.id),
                "size": eip.bandwidth_size,
                "share_type": "PER",
                "charge_mode": "bandwidth",
                "name": "bandwidth-%s" % eip.id[:8],
            },
            "enterprise_project_id": ENTERPRISE_PROJECT,
            "lock_status": "",
            "alias": "",
            "tags": [],
            "vnic": None,
            "associate_instance_type": None,
            "associate_instance_id": None,
        }
        if item.port_id:
            row["associate_instance_type"] = "PORT"
            row["associate_instance_id"] = item.port_id
            row["vnic"] = {
                "private_ip_address": item.private_ip_address or "",
                "port_id": item.port_id,
                "device_owner": "neutron:VIP_PORT" if item.instance_id else "compute:nova",
                "device_id": "",
                "vpc_id": "a0f2f55f-1c2c-4c5b-9e52-7cd4f1a0e001",
                "instance_id": item.instance_id or "",
                "instance_type": "DMS" if item.instance_id else "",
            }
        return row


def _bandwidth_id(eip_id: str) -> str:
    return "bw-" + eip_id


def _v1_time(at: float) -> str:
    # The v1 API's create_time format, "yyyy-MM-dd HH:mm:ss" (UTC).
    return iso_ms(at)[:19].replace("T", " ")


def iso_seconds(at: float) -> str:
    return iso_ms(at)[:19] + "Z"
