"""One instance model for the instance, job and task routes: applied jobs show in the instance detail, a job and a
public-IP change of the same instance exclude each other (DMS.00400026), and the admin keys of
POST /_emulator/instances and POST /_emulator/jobs write the same fields."""

from __future__ import annotations

import json

import pytest
from emu_harness import INSTANCE

from dms_emulator import DEFAULT_PROJECT_ID
from dms_emulator.app import Emulator
from dms_emulator.instances import eip_address

BASE = "/v2/%s" % DEFAULT_PROJECT_ID
DETAIL = BASE + "/instances/%s" % INSTANCE
SWITCH = "/v1/%s/instances/%s/public-boundwidth" % (DEFAULT_PROJECT_ID, INSTANCE)
EXTEND = BASE + "/kafka/instances/%s/extend" % INSTANCE
SSL = BASE + "/kafka/instances/%s/plain-ssl-switch" % INSTANCE
PLUGINS = BASE + "/instances/%s/rabbitmq/plugins" % INSTANCE
EIPS = ["eip-%d" % n for n in range(1, 8)]
BUSY = {"error_code": "DMS.00400026", "error_msg": "This operation is not allowed due to the instance status."}


def _create(harness, **spec):
    spec.setdefault("instance_id", INSTANCE)
    status, body = harness.admin("POST", "/_emulator/instances", spec)
    assert status == 201, body
    return body


def _send(harness, method, path, payload):
    return harness.call(method, path, body=json.dumps(payload).encode("utf-8"))


def _detail(harness):
    reply, body = harness.call("GET", DETAIL)
    assert reply.status == 200, body
    return body


def _job_view(harness):
    dummy, jobs = harness.admin("GET", "/_emulator/jobs")
    return next(item for item in jobs["instances"] if item["instance_id"] == INSTANCE)


def test_scale_out_shows_in_the_detail_only_once_its_job_succeeded(harness, clock):
    _create(harness, engine="kafka", broker_num=3)
    reply, body = _send(harness, "POST", EXTEND, {"oper_type": "horizontal", "new_broker_num": 5})
    assert reply.status == 200
    clock.advance(1.5)  # EXECUTING
    detail = _detail(harness)
    assert (detail["broker_num"], detail["node_num"], detail["storage_space"]) == (3, 3, 300)
    clock.advance(2)  # SUCCESS
    detail = _detail(harness)
    assert (detail["broker_num"], detail["node_num"]) == (5, 5)
    assert (detail["storage_space"], detail["total_storage_space"]) == (500, 500)
    assert len(detail["connect_address"].split(",")) == 5


def test_storage_and_vertical_extend_show_in_the_detail(harness, clock):
    _create(harness, engine="kafka")
    _send(harness, "POST", EXTEND, {"oper_type": "storage", "new_storage_space": 900})
    clock.advance(5)
    assert (_detail(harness)["storage_space"], _detail(harness)["broker_num"]) == (900, 3)
    _send(harness, "POST", EXTEND, {"oper_type": "vertical", "new_product_id": "c6.4u8g.cluster"})
    clock.advance(5)
    detail = _detail(harness)
    assert detail["product_id"] == "c6.4u8g.cluster" and detail["specification"] == "c6.4u8g.cluster"


def test_ssl_switch_shows_in_the_kafka_detail(harness, clock):
    _create(harness, engine="kafka")
    detail = _detail(harness)
    assert detail["port_protocols"]["private_plain_enable"] is True and detail["ssl_enable"] is False
    _send(harness, "POST", SSL, {"protocol": "private_sasl_ssl_enable", "enable": True})
    clock.advance(5)
    detail = _detail(harness)
    assert detail["port_protocols"]["private_sasl_ssl_enable"] is True and detail["ssl_enable"] is True


def test_failed_job_leaves_the_detail_as_it_was(harness, clock):
    _create(harness, engine="kafka")
    failing = [{"status": "EXECUTING", "seconds": 1}, "FAILED"]
    harness.admin("POST", "/_emulator/jobs", {"instance_id": INSTANCE, "timeline": failing})
    _send(harness, "POST", EXTEND, {"oper_type": "horizontal", "new_broker_num": 4})
    clock.advance(2)
    assert _detail(harness)["broker_num"] == 3
    # Ended: the instance takes the next change.
    assert _send(harness, "POST", SWITCH, {"publicip_id": ",".join(EIPS[:3])})[0].status == 204


def test_public_switch_while_a_job_runs_is_busy_and_then_needs_one_eip_per_new_broker(harness, clock):
    _create(harness, engine="kafka", broker_num=3)
    assert _send(harness, "POST", EXTEND, {"oper_type": "horizontal", "new_broker_num": 5})[0].status == 200
    reply, body = _send(harness, "POST", SWITCH, {"publicip_id": ",".join(EIPS[:3])})
    assert (reply.status, body) == (400, BUSY)
    clock.advance(5)
    reply, body = _send(harness, "POST", SWITCH, {"publicip_id": ",".join(EIPS[:3])})
    assert reply.status == 400 and "needs 5 EIP ids" in body["error_msg"]
    assert _send(harness, "POST", SWITCH, {"publicip_id": ",".join(EIPS[:5])})[0].status == 204


def test_job_while_a_public_change_runs_is_busy(harness, clock):
    _create(harness, engine="kafka", broker_num=3)
    assert _send(harness, "POST", SWITCH, {"publicip_id": ",".join(EIPS[:3])})[0].status == 204
    reply, body = _send(harness, "POST", EXTEND, {"oper_type": "horizontal", "new_broker_num": 4, "publicip_id": "x"})
    assert (reply.status, body) == (400, BUSY)
    dummy, jobs = harness.admin("GET", "/_emulator/jobs")
    assert jobs["jobs"] == [] and _job_view(harness)["change"] == "public.bind"
    clock.advance(2)
    assert _job_view(harness)["change"] is None
    reply, dummy = _send(harness, "POST", EXTEND, {"oper_type": "horizontal", "new_broker_num": 4, "publicip_id": "x"})
    assert reply.status == 200


def test_rabbitmq_bind_and_plugin_job_exclude_each_other(harness, clock):
    _create(harness, engine="rabbitmq")
    assert _send(harness, "PUT", PLUGINS, {"enable": True, "plugins": "rabbitmq_shovel"})[0].status == 200
    reply, body = _send(harness, "PUT", DETAIL, {"enable_publicip": True, "publicip_id": EIPS[0]})
    assert (reply.status, body) == (400, BUSY)
    clock.advance(5)
    assert _send(harness, "PUT", DETAIL, {"enable_publicip": True, "publicip_id": EIPS[0]})[0].status == 204
    reply, body = _send(harness, "PUT", PLUGINS, {"enable": True, "plugins": "rabbitmq_federation"})
    assert (reply.status, body) == (400, BUSY)


def test_scale_out_with_public_access_on_needs_and_binds_the_new_brokers_eips(harness, clock):
    _create(harness, engine="kafka", broker_num=3, publicip_ids=EIPS[:3])
    reply, body = _send(harness, "POST", EXTEND, {"oper_type": "horizontal", "new_broker_num": 5})
    assert reply.status == 400 and "public access is on" in body["error_msg"]
    grow = {"oper_type": "horizontal", "new_broker_num": 5, "publicip_id": ",".join(EIPS[3:5])}
    reply, dummy = _send(harness, "POST", EXTEND, grow)
    assert reply.status == 200
    clock.advance(5)
    detail = _detail(harness)
    assert detail["broker_num"] == 5
    assert detail["public_connect_address"] == ",".join("%s:9094" % eip_address(i) for i in EIPS[:5])
    assert _job_view(harness)["publicip_ids"] == EIPS[:5]


def test_busy_changes_and_status_also_refuse_jobs(harness):
    _create(harness, engine="kafka", busy_changes=1)
    reply, body = _send(harness, "POST", EXTEND, {"oper_type": "horizontal", "new_broker_num": 4})
    assert (reply.status, body) == (400, BUSY)
    assert _send(harness, "POST", EXTEND, {"oper_type": "horizontal", "new_broker_num": 4})[0].status == 200
    _create(harness, engine="kafka", status="RESTARTING")
    reply, body = _send(harness, "POST", EXTEND, {"oper_type": "horizontal", "new_broker_num": 4})
    assert (reply.status, body) == (400, BUSY)


def test_recreating_an_instance_drops_its_running_job(harness):
    _create(harness, engine="kafka")
    assert _send(harness, "POST", EXTEND, {"oper_type": "horizontal", "new_broker_num": 4})[0].status == 200
    _create(harness, engine="kafka")
    assert _send(harness, "POST", EXTEND, {"oper_type": "horizontal", "new_broker_num": 4})[0].status == 200


def test_capacity_keys_of_both_admin_endpoints_write_the_same_fields(harness):
    body = _create(harness, engine="kafka", broker_num=4, storage_space=800, product_id="c6.4u8g.cluster")
    assert (body["detail"]["broker_num"], body["detail"]["storage_space"], body["detail"]["product_id"]) == (
        4,
        800,
        "c6.4u8g.cluster",
    )
    view = _job_view(harness)
    assert (view["broker_num"], view["storage_space"], view["product_id"]) == (4, 800, "c6.4u8g.cluster")
    # /_emulator/jobs changes only the keys it is given.
    status, dummy = harness.admin("POST", "/_emulator/jobs", {"instance_id": INSTANCE, "broker_num": 6})
    assert status == 200
    detail = _detail(harness)
    assert (detail["broker_num"], detail["storage_space"], detail["product_id"]) == (6, 800, "c6.4u8g.cluster")


def test_admin_instance_defaults_storage_to_100_gb_per_broker(harness):
    body = _create(harness, engine="rocketmq", broker_num=2)
    assert (body["detail"]["storage_space"], body["detail"]["product_id"]) == (200, "c6.4u8g.cluster")
    assert _job_view(harness)["engine"] == "rocketmq"


def test_jobs_admin_creates_an_instance_the_detail_knows(harness):
    status, dummy = harness.admin(
        "POST", "/_emulator/jobs", {"instance_id": INSTANCE, "engine": "kafka", "broker_num": 5, "storage_space": 1000}
    )
    assert status == 200
    detail = _detail(harness)
    assert (detail["engine"], detail["broker_num"], detail["storage_space"]) == ("kafka", 5, 1000)


@pytest.mark.parametrize(
    "spec, message",
    [
        ({"storage_space": 0}, "storage_space"),
        ({"product_id": 7}, "product_id"),
    ],
)
def test_admin_instance_capacity_errors(harness, spec, message):
    status, body = harness.admin("POST", "/_emulator/instances", dict(spec, instance_id=INSTANCE))
    assert status == 400 and message in body["error"]


@pytest.mark.parametrize("spec", [{"broker_num": 0}, {"broker_num": "4"}, {"storage_space": True}, {"product_id": ""}])
def test_jobs_admin_capacity_errors(harness, spec):
    status, body = harness.admin("POST", "/_emulator/jobs", dict(spec, instance_id=INSTANCE))
    assert status == 400 and body["error"]


def test_seed_instance_capacity_reaches_detail_and_jobs(clock):
    seed = {"instances": [{"id": INSTANCE, "engine": "kafka", "broker_num": 4, "storage_space": 1200}]}
    emu = Emulator(clock=clock, seed=seed)
    instance = emu.store.instance(DEFAULT_PROJECT_ID, INSTANCE)
    assert emu.instances.detail(instance)["storage_space"] == 1200
    assert emu.jobs.describe()["instances"][0]["broker_num"] == 4
