"""The emulated EIPs (VPC service) and how DMS instances bind them.

One model serves the EIP API (eip_api.py) and the public-access changes of the DMS routes (instances.py):
- an EIP is created by the admin API or the seed (`POST /_emulator/eips`), or implicitly the first time an instance
  names its id (an instance seeded with `publicip_ids`, or a bind) -- so instances made the old way, with EIP ids
  nobody created, still resolve through the EIP API;
- whether an EIP is bound to a DMS instance is read from the instance itself (its `ids` while public access is on),
  never stored twice: an applied bind shows the EIP ACTIVE with the broker's port, an applied unbind shows it DOWN;
- an EIP set to another status (FREEZED, ERROR, ...) keeps that status whatever the instance says; an EIP created
  ACTIVE with its own `port_id` is bound to something else.

Statuses and fields: huaweicloudsdkeip 3.1.219, v2 `PublicipShowResp` and v3 `PublicipSingleShowResp`.
INVENTED (docs/emulator.md): addresses derived from ids, port ids derived from instance and broker, the
private address of a broker, the default bandwidth, `type`, and which statuses DMS accepts for a bind.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Optional, Tuple

# The values of `status` in huaweicloudsdkeip v2/v3 (docstring of PublicipShowResp.status).
EIP_STATUSES = (
    "FREEZED",
    "BIND_ERROR",
    "BINDING",
    "PENDING_DELETE",
    "PENDING_CREATE",
    "NOTIFYING",
    "NOTIFY_DELETE",
    "PENDING_UPDATE",
    "DOWN",
    "ACTIVE",
    "ELB",
    "VPN",
    "ERROR",
)
# INVENTED: DMS binds only an unbound EIP (DOWN); every other status makes the change's task FAILED.
BINDABLE = ("DOWN",)
EIP_KEYS = {"id", "project_id", "public_ip_address", "status", "port_id", "private_ip_address", "bandwidth_size"}
DEFAULT_BANDWIDTH = 5  # INVENTED: Mbit/s of a dedicated bandwidth


def eip_address(eip_id: str) -> str:
    """INVENTED: a stable address per EIP id, in 100.64.0.0/10 so it can never be someone's real address."""
    digest = hashlib.sha256(eip_id.encode("utf-8")).digest()
    return "100.%d.%d.%d" % (64 + digest[0] % 64, digest[1], 1 + digest[2] % 254)


def port_id_for(instance_id: str, index: int) -> str:
    """INVENTED: the port of the instance's `index`-th public node, a stable UUID-shaped id."""
    digest = hashlib.sha256(("%s:%d" % (instance_id, index)).encode("utf-8")).hexdigest()
    return "%s-%s-%s-%s-%s" % (digest[:8], digest[8:12], digest[12:16], digest[16:20], digest[20:32])


def private_address(index: int) -> str:
    """The private address of the instance's `index`-th node (instances.py renders the same ones)."""
    return "192.168.0.%d" % (10 + index)


@dataclass
class Eip:
    project_id: str
    id: str
    public_ip_address: str
    created_at: float
    status: str = "DOWN"  # stored status; a bound DMS instance turns DOWN/ACTIVE into ACTIVE
    port_id: Optional[str] = None  # bound to something other than a DMS instance
    private_ip_address: Optional[str] = None
    bandwidth_size: int = DEFAULT_BANDWIDTH


@dataclass(frozen=True)
class Binding:
    """Where an EIP is bound when a DMS instance holds it."""

    instance_id: str
    index: int

    @property
    def port_id(self) -> str:
        return port_id_for(self.instance_id, self.index)


@dataclass(frozen=True)
class EipView:
    """An EIP as the API shows it now."""

    eip: Eip
    status: str
    port_id: Optional[str]
    private_ip_address: Optional[str]
    instance_id: Optional[str]  # the DMS instance holding it, if any


# (project_id, eip id) -> Binding; given by the owner of the instances (TaskStore).
BindingsOf = Callable[[str], Dict[str, Binding]]


class EipStore:
    def __init__(self, now: Callable[[], float], bindings_of: BindingsOf) -> None:
        self.now = now
        self.bindings_of = bindings_of
        self.lock = threading.RLock()
        self.reset()

    def reset(self) -> None:
        with self.lock:
            self.eips: Dict[Tuple[str, str], Eip] = {}
            # Whether an EIP id nobody created exists when a DMS bind names it (docs/emulator.md, "EIPs").
            self.auto_create = True

    # --- admin / seed ---------------------------------------------------------------------------
    def create(self, spec: Dict[str, Any], project_id: str) -> Eip:
        """Add or replace an EIP from the admin/seed form; ValueError on bad input."""
        if not isinstance(spec, dict):
            raise ValueError("an EIP must be a JSON object")
        unknown = set(spec) - EIP_KEYS
        if unknown:
            raise ValueError("unknown EIP keys: %s" % ", ".join(sorted(unknown)))
        eip_id = spec.get("id")
        if not isinstance(eip_id, str) or not eip_id:
            raise ValueError("EIP id is required")
        address = spec.get("public_ip_address") or eip_address(eip_id)
        port_id = _optional_text(spec, "port_id")
        status = spec.get("status") or ("ACTIVE" if port_id else "DOWN")
        _check_status(status)
        bandwidth = spec.get("bandwidth_size", DEFAULT_BANDWIDTH)
        if not isinstance(bandwidth, int) or isinstance(bandwidth, bool) or bandwidth < 1:
            raise ValueError("bandwidth_size must be an integer >= 1")
        with self.lock:
            for other in self.eips.values():
                if other.project_id == project_id and other.id != eip_id and other.public_ip_address == address:
                    raise ValueError(
                        "public_ip_address %s is already EIP %s's (one address per EIP)" % (address, other.id)
                    )
            eip = Eip(
                project_id,
                eip_id,
                str(address),
                self.now(),
                status,
                port_id,
                _optional_text(spec, "private_ip_address"),
                bandwidth,
            )
            self.eips[(project_id, eip_id)] = eip
            return eip

    def update(self, project_id: str, eip_id: str, spec: Dict[str, Any]) -> Eip:
        """Set an EIP's status and/or port_id (admin); KeyError when it does not exist."""
        if not isinstance(spec, dict) or not spec or set(spec) - {"status", "port_id"}:
            raise ValueError('an EIP update takes {"status": ..., "port_id": ... or null}')
        with self.lock:
            self.materialise(project_id)
            eip = self.eips.get((project_id, eip_id))
            if eip is None:
                raise KeyError(eip_id)
            if "status" in spec:
                _check_status(spec["status"])
                eip.status = spec["status"]
            if "port_id" in spec:
                eip.port_id = _optional_text(spec, "port_id")
            return eip

    # --- reading ----------------------------------------------------------------------------------
    def materialise(self, project_id: str) -> None:
        """Create the EIPs that instances hold but nobody created (DOWN, derived address)."""
        with self.lock:
            for eip_id in self.bindings_of(project_id):
                if (project_id, eip_id) not in self.eips:
                    self.eips[(project_id, eip_id)] = Eip(project_id, eip_id, eip_address(eip_id), self.now())

    def views(self, project_id: str) -> List[EipView]:
        """Every EIP of the project, sorted by id (the order the marker pages in)."""
        with self.lock:
            self.materialise(project_id)
            bindings = self.bindings_of(project_id)
            eips = sorted((e for e in self.eips.values() if e.project_id == project_id), key=lambda e: e.id)
            return [self._view(eip, bindings.get(eip.id)) for eip in eips]

    def view(self, project_id: str, eip_id: str) -> Optional[EipView]:
        for item in self.views(project_id):
            if item.eip.id == eip_id:
                return item
        return None

    def address(self, project_id: str, eip_id: str) -> str:
        with self.lock:
            eip = self.eips.get((project_id, eip_id))
            return eip.public_ip_address if eip else eip_address(eip_id)

    @staticmethod
    def _view(eip: Eip, binding: Optional[Binding]) -> EipView:
        if binding is not None:
            status = "ACTIVE" if eip.status in ("DOWN", "ACTIVE") else eip.status
            return EipView(eip, status, binding.port_id, private_address(binding.index), binding.instance_id)
        return EipView(eip, eip.status, eip.port_id, eip.private_ip_address if eip.port_id else None, None)

    # --- DMS binds --------------------------------------------------------------------------------
    def bind_refusal(self, project_id: str, ids: List[str], instance_id: str) -> Optional[str]:
        """Why DMS cannot bind these EIPs to the instance, or None (the caller makes the change's task FAILED)."""
        with self.lock:
            known = {item.eip.id: item for item in self.views(project_id)}
            for eip_id in ids:
                item = known.get(eip_id)
                if item is None:
                    if self.auto_create:
                        continue
                    return "EIP %s does not exist" % eip_id
                if item.instance_id == instance_id:
                    continue
                if item.port_id or item.status not in BINDABLE:
                    return "EIP %s is %s%s" % (
                        eip_id,
                        item.status,
                        " (bound to port %s)" % item.port_id if item.port_id else "",
                    )
            return None


def _check_status(status: Any) -> None:
    if status not in EIP_STATUSES:
        raise ValueError("EIP status must be one of %s" % ", ".join(EIP_STATUSES))


def _optional_text(spec: Dict[str, Any], key: str) -> Optional[str]:
    value = spec.get(key)
    if value is not None and (not isinstance(value, str) or not value):
        raise ValueError("%s must be a non-empty string or null" % key)
    return value
