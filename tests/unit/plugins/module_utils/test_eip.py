# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The EIP list client and the bound-EIP reader, on a scripted client: filters, paging, ids checked, fallbacks."""

from __future__ import annotations

import pytest

from ansible_collections.hwcloud.dms.plugins.module_utils._eip import PAGE_LIMIT, Eip, EipApi, EipUnavailable
from ansible_collections.hwcloud.dms.plugins.module_utils._errors import (
    ConfigurationError,
    DmsApiError,
    DmsResponseError,
    DmsTransportError,
)
from ansible_collections.hwcloud.dms.plugins.module_utils._http_response import HttpResponse
from ansible_collections.hwcloud.dms.plugins.module_utils._public_access_eips import (
    EipReader,
    public_access_info,
    public_addresses,
    refuse_unusable,
)

PROJECT = "0123456789abcdef0123456789abcdef"
A = "1aea7aed-e7d8-40ea-b3de-6f3ee9d5db9f"
B = "2bfb8bfe-f8e9-41fb-c4ef-7f4ff0e6ec0a"
C = "3c0c9c0f-09fa-42ac-d5f0-8a5001f7fd1b"
INSTANCE = "11111111-2222-3333-4444-555555555555"


def eip(eip_id, address, status="DOWN", port=None):
    return {"id": eip_id, "public_ip_address": address, "status": status, "port_id": port}


class VpcClient:
    """Scripted EIP list answers (the last repeats); records each query."""

    base_url = "https://vpc.example"

    def __init__(self, *answers):
        self.answers = list(answers)
        self.queries = []

    def get_json(self, path, query=(), deadline=None):
        assert path == "/v1/%s/publicips" % PROJECT
        self.queries.append(list(query))
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, Exception):
            raise answer
        return HttpResponse(200, {}, answer)


def test_ids_are_repeated_filters_and_only_asked_ones_count():
    client = VpcClient({"publicips": [eip(A, "100.64.0.1"), eip(C, "100.64.0.3")]})
    found = EipApi(client, PROJECT).by_ids([A, B])
    assert client.queries == [[("id", A), ("id", B), ("limit", str(PAGE_LIMIT))]]
    assert list(found) == [A] and found[A] == Eip(A, "DOWN", "100.64.0.1", None)


def test_pages_follow_the_marker_until_a_short_page():
    full = {"publicips": [eip("e%03d" % n, "100.64.1.%d" % (n % 250)) for n in range(PAGE_LIMIT)]}
    client = VpcClient(full, {"publicips": [eip(A, "100.64.0.1")]})
    found = EipApi(client, PROJECT).by_ids([A])
    assert list(found) == [A]
    assert ("marker", "e%03d" % (PAGE_LIMIT - 1)) in client.queries[1] and len(client.queries) == 2


def test_a_server_that_repeats_its_page_is_not_read_forever():
    full = {"publicips": [eip("e%03d" % n, "100.64.1.1") for n in range(PAGE_LIMIT)]}
    client = VpcClient(full)
    EipApi(client, PROJECT).by_ids([A])
    assert len(client.queries) == 2  # the second page ends with the marker itself: stop


def test_entries_whose_id_is_not_an_id_are_dropped():
    client = VpcClient({"publicips": [eip("../x", "100.64.0.1"), "junk", eip(A, "100.64.0.2")]})
    assert list(EipApi(client, PROJECT).by_addresses(["100.64.0.1", "100.64.0.2"])) == ["100.64.0.2"]


@pytest.mark.parametrize(
    "error, reason",
    [
        (DmsApiError("GET", "/v1/p/publicips", 403, "VPC.0003", "Policy doesn't allow", "r"), "vpc:publicIps:list"),
        (DmsTransportError("VPC API: connection refused"), "could not be reached"),
        (DmsApiError("GET", "/v1/p/publicips", 404, "APIGW.0101", "no route", "r"), "has no EIP list"),
    ],
)
def test_what_makes_the_api_unusable_is_told_apart(error, reason):
    with pytest.raises(EipUnavailable, match=reason):
        EipApi(VpcClient(error), PROJECT).by_ids([A])


def test_other_errors_and_odd_answers_are_errors():
    with pytest.raises(DmsApiError):
        EipApi(VpcClient(DmsApiError("GET", "/x", 400, "VPC.0007", "bad", "r")), PROJECT).by_ids([A])
    with pytest.raises(DmsResponseError, match="without a 'publicips' list"):
        EipApi(VpcClient({"eips": []}), PROJECT).by_ids([A])


def test_no_endpoint_is_unusable():
    with pytest.raises(EipUnavailable, match="vpc_endpoint"):
        EipApi(None, PROJECT).by_ids([A])


@pytest.mark.parametrize(
    "engine, detail, expected",
    [
        ("kafka", {"public_connect_address": "100.64.0.1:9094,100.64.0.2:9094"}, ("100.64.0.1", "100.64.0.2")),
        (
            "rocketmq",
            {"public_broker_address": "broker-0:100.64.0.1:10101", "public_namesrv_address": "100.64.0.2:8200"},
            ("100.64.0.1", "100.64.0.2"),
        ),
        ("rabbitmq", {"public_connect_address": "100.64.0.1:5672", "publicip_address": "100.64.0.1"}, ("100.64.0.1",)),
        ("rabbitmq", {"public_connect_address": "999.1.1.1:5672 1.2.3.4.5"}, ()),
    ],
)
def test_public_addresses_per_engine(engine, detail, expected):
    assert public_addresses(engine, detail) == expected


def kafka_on(*addresses, **extra):
    detail = {
        "engine": "kafka",
        "enable_publicip": True,
        "public_connect_address": ",".join("%s:9094" % a for a in addresses),
    }
    detail.update(extra)
    return detail


def test_reader_resolves_addresses_and_caches_per_address_set():
    client = VpcClient({"publicips": [eip(A, "100.64.0.1", "ACTIVE", "p1"), eip(B, "100.64.0.2", "ACTIVE", "p2")]})
    warnings = []
    reader = EipReader(EipApi(client, PROJECT), warnings.append, lambda: None)
    detail = kafka_on("100.64.0.1", "100.64.0.2")
    assert reader.bound("kafka", detail) == (A, B) and reader.bound("kafka", detail) == (A, B)
    assert len(client.queries) == 1 and warnings == []
    info = public_access_info("kafka", detail, reader)
    assert info["public_ip_ids"] == [A, B] and info["public_ip_addresses"] == ["100.64.0.1", "100.64.0.2"]
    assert info["enabled"] is True and info["connect_addresses"] == ["100.64.0.1:9094", "100.64.0.2:9094"]


def test_an_address_no_eip_has_makes_the_ids_unknown_unless_publicip_id_covers_it():
    client = VpcClient({"publicips": [eip(A, "100.64.0.1", "ACTIVE", "p1")]})
    reader = EipReader(EipApi(client, PROJECT), [].append, lambda: None)
    assert reader.bound("kafka", kafka_on("100.64.0.1", "100.64.0.9")) is None
    rabbit = {"engine": "rabbitmq", "enable_publicip": True, "publicip_address": "100.64.0.1,100.64.0.9"}
    assert reader.bound("rabbitmq", dict(rabbit, publicip_id="%s,%s" % (A, B))) == (A, B)


def test_no_permission_warns_once_naming_it_then_reads_the_detail():
    client = VpcClient(DmsApiError("GET", "/v1/p/publicips", 403, "VPC.0003", "Policy doesn't allow", "r"))
    warnings = []
    reader = EipReader(EipApi(client, PROJECT), warnings.append, lambda: None)
    rabbit = {"engine": "rabbitmq", "enable_publicip": True, "publicip_address": "100.64.0.1", "publicip_id": A}
    assert reader.bound("rabbitmq", rabbit) == (A,)
    assert reader.requested([A]) is None and reader.bound("kafka", kafka_on("100.64.0.1")) is None
    assert len(warnings) == 1 and "vpc:publicIps:list" in warnings[0] and len(client.queries) == 1


def test_refusals_name_each_eip_its_status_and_the_fix():
    requested = {
        B: Eip(B, "ACTIVE", "100.64.0.2", "port-elsewhere"),
        C: Eip(C, "FREEZED", "100.64.0.3", None),
    }
    with pytest.raises(ConfigurationError) as err:
        refuse_unusable(requested, [A, B, C], "rocketmq", {}, INSTANCE)
    message = str(err.value)
    assert "nothing was sent" in message and "%s does not exist" % A in message
    assert "%s (100.64.0.2) is ACTIVE and bound to another resource" % B in message
    assert "%s is FREEZED" % C in message and "arrears" in message


@pytest.mark.parametrize("status", ["PENDING_CREATE", "PENDING_UPDATE", "BIND_ERROR", "ERROR"])
def test_states_that_cannot_be_bound(status):
    with pytest.raises(ConfigurationError, match="%s is %s" % (A, status)):
        refuse_unusable({A: Eip(A, status, "100.64.0.1", None)}, [A], "rabbitmq", {}, INSTANCE)


def test_an_eip_bound_to_this_instance_is_not_taken():
    detail = {"publicip_address": "100.64.0.1", "public_connect_address": "100.64.0.1:5672"}
    refuse_unusable({A: Eip(A, "ACTIVE", "100.64.0.1", "port-of-this-instance")}, [A], "rabbitmq", detail, INSTANCE)


def test_a_down_eip_with_a_stale_port_is_not_taken_for_a_bound_one():
    # Bound elsewhere means ACTIVE with a port_id (EIP API reference); DOWN is free whatever port_id still says.
    refuse_unusable({A: Eip(A, "DOWN", "100.64.0.1", "stale-port")}, [A], "rabbitmq", {}, INSTANCE)
