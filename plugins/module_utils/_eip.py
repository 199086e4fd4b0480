# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.dms contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The VPC service's EIP list, as far as a DMS client needs it: which EIPs exist, their status, address and port.

``GET /v1/{project_id}/publicips`` with repeated ``id`` and ``public_ip_address`` filters, paged by ``limit`` and
``marker`` (the id of the previous page's last EIP) -- huaweicloudsdkeip v2 ``ListPublicips``, the call
terraform-provider-huaweicloud's DMS resources use to resolve an instance's public addresses to EIPs.
Signed like every DMS call, through a client of the run's transport (``DmsContext.vpc``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Optional, Sequence
from urllib.parse import quote

from ._errors import DmsApiError, DmsError, DmsResponseError, DmsTransportError
from ._http import DeadlineExceeded, DmsHttpClient
from ._ids import is_id

# SDK v2 ListPublicips: limit 1..2000 per page (API reference, "Querying EIPs").
PAGE_LIMIT = 100
# One lookup asks for at most this many filters per request, so that a URL stays well under common proxy limits.
FILTERS_PER_REQUEST = 40
# Pages read per lookup: a lookup asks for known ids/addresses, so more pages than this means a server out of order.
MAX_PAGES = 50
# EIP statuses (API reference, "EIP" data model): these cannot be bound now.
UNBINDABLE_STATUSES = frozenset(("FREEZED", "ERROR", "BIND_ERROR"))
# The permission a 403 from the list call lacks (IAM policy action of the VPC service).
LIST_PERMISSION = "vpc:publicIps:list"


class EipUnavailable(DmsError):
    """The EIP API cannot be used in this run (no permission, no endpoint, not reachable): fall back, with a warning."""


@dataclass(frozen=True)
class Eip:
    id: str
    status: str
    public_ip_address: str
    port_id: Optional[str]

    @property
    def bound(self) -> bool:
        """Bound to some port (an instance, a VM, a load balancer)."""
        return bool(self.port_id)

    @property
    def bindable_status(self) -> bool:
        return self.status not in UNBINDABLE_STATUSES and not self.status.startswith("PENDING_")

    def as_result(self) -> dict[str, Any]:
        return {"id": self.id, "status": self.status, "public_ip_address": self.public_ip_address}


def _eip_from(item: Any) -> Optional[Eip]:
    """One listed EIP, or None for an entry that is not one (its id is checked like every id a server returns)."""
    if not isinstance(item, dict) or not is_id(item.get("id")):
        return None
    status = item.get("status")
    address = item.get("public_ip_address")
    port = item.get("port_id")
    return Eip(
        id=item["id"],
        status=status.strip().upper() if isinstance(status, str) else "UNKNOWN",
        public_ip_address=address.strip() if isinstance(address, str) else "",
        port_id=port if isinstance(port, str) and port.strip() else None,
    )


class EipApi:
    """EIP lookups for one project; every failure that makes the API unusable becomes ``EipUnavailable``."""

    def __init__(self, client: Optional[DmsHttpClient], project_id: str) -> None:
        self.client = client
        self.path = "/v1/%s/publicips" % quote(project_id, safe="")

    def by_ids(self, ids: Iterable[str], deadline: Optional[float] = None) -> dict[str, Eip]:
        """The EIPs with these ids that exist, by id."""
        return {eip.id: eip for eip in self._lookup("id", ids, deadline)}

    def by_addresses(self, addresses: Iterable[str], deadline: Optional[float] = None) -> dict[str, Eip]:
        """The EIPs with these public addresses, by address."""
        return {eip.public_ip_address: eip for eip in self._lookup("public_ip_address", addresses, deadline)}

    def _lookup(self, key: str, values: Iterable[str], deadline: Optional[float]) -> list[Eip]:
        wanted = list(dict.fromkeys(value for value in values if value))
        found: list[Eip] = []
        for start in range(0, len(wanted), FILTERS_PER_REQUEST):
            chunk = wanted[start : start + FILTERS_PER_REQUEST]
            found.extend(eip for eip in self._pages(key, chunk, deadline) if getattr(eip, key) in chunk)
        return found

    def _pages(self, key: str, values: Sequence[str], deadline: Optional[float]) -> list[Eip]:
        if self.client is None:
            raise EipUnavailable(
                "the VPC service's endpoint is not known (set 'vpc_endpoint' or 'region', or HW_VPC_ENDPOINT)"
            )
        found: list[Eip] = []
        marker: Optional[str] = None
        for _page in range(MAX_PAGES):
            query = [(key, value) for value in values] + [("limit", str(PAGE_LIMIT))]
            if marker:
                query.append(("marker", marker))
            items = self._page(query, deadline)
            page = [eip for eip in (_eip_from(item) for item in items) if eip is not None]
            found.extend(page)
            if len(items) < PAGE_LIMIT or not page or page[-1].id == marker:
                return found
            marker = page[-1].id
        raise DmsResponseError(
            "The VPC service's EIP list (GET %s) still had more pages after %d pages of %d: stopped reading."
            % (self.path, MAX_PAGES, PAGE_LIMIT)
        )

    def _page(self, query: list[tuple[str, str]], deadline: Optional[float]) -> list[Any]:
        client = self.client
        if client is None:  # callers ask only when a VPC endpoint is known (usable())
            raise AssertionError("EIP lookup without a VPC client")
        try:
            data = client.get_json(self.path, query, deadline=deadline).data
        except DeadlineExceeded:
            raise
        except DmsApiError as err:
            if err.status in (401, 403):
                raise EipUnavailable(
                    "the VPC service refused the EIP list (%s): the credentials lack the permission %s"
                    % (err, LIST_PERMISSION)
                ) from None
            if err.status in (404, 405, 501):
                raise EipUnavailable(
                    "the VPC service has no EIP list at %s (%s)" % (self.client.base_url, err)
                ) from None
            raise
        except DmsTransportError as err:
            raise EipUnavailable("the VPC service could not be reached: %s" % err) from None
        items = data.get("publicips") if isinstance(data, dict) else None
        if not isinstance(items, list):
            raise DmsResponseError(
                "The VPC service answered GET %s without a 'publicips' list: it does not look like the EIP API."
                % self.path
            )
        return items
