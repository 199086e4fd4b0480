# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""dms_public_access without Ansible, the pure parts: an instance detail read per engine, options, the plan."""

from __future__ import annotations

import pytest

from ansible_collections.hwcloud.dms.plugins.module_utils._errors import ConfigurationError, DmsResponseError
from ansible_collections.hwcloud.dms.plugins.module_utils._public_access_plan import (
    BIND,
    UNBIND,
    Change,
    PublicAccessOptions,
    check_count,
    plan_changes,
    validate_public_ip_ids,
)
from ansible_collections.hwcloud.dms.plugins.module_utils._public_access_state import (
    PublicState,
    bound_eips,
    engine_of,
    is_settled,
    read_public_state,
)

INSTANCE = "11111111-2222-3333-4444-555555555555"
PROJECT = "0123456789abcdef0123456789abcdef"
A, B, C = (
    "1aea7aed-e7d8-40ea-b3de-6f3ee9d5db9f",
    "2bfb8bfe-f8e9-41fb-c4ef-7f4ff0e6ec0a",
    "3c0c9c0f-09fa-42ac-d5f0-8a5001f7fd1b",
)


def rabbit(enabled=False, ids=(), **extra):
    detail = {
        "engine": "rabbitmq",
        "instance_id": INSTANCE,
        "status": "RUNNING",
        "broker_num": 1,
        "enable_publicip": enabled,
    }
    if enabled:
        detail.update(
            {
                "publicip_id": ",".join(ids),
                "publicip_address": "100.64.0.1",
                "public_connect_address": "100.64.0.1:5672",
            }
        )
    detail.update(extra)
    return detail


def rocket(enabled=False, ids=(), engine="reliability", **extra):
    detail = {
        "engine": engine,
        "instance_id": INSTANCE,
        "status": "RUNNING",
        "broker_num": 2,
        "enable_publicip": enabled,
    }
    if enabled:
        detail.update(
            {
                "publicip_id": ",".join(ids),
                "publicip_address": "100.64.0.1,100.64.0.2",
                "public_namesrv_address": "100.64.0.1:8200;100.64.0.2:8200",
            }
        )
    detail.update(extra)
    return detail


def kafka(enabled=False, brokers=3, was_on=False, **extra):
    state = "true" if enabled else ("closed" if was_on else "false")
    detail = {
        "engine": "kafka",
        "instance_id": INSTANCE,
        "status": "RUNNING",
        "broker_num": brokers,
        "enable_publicip": enabled,
        "public_access_enabled": state,
        "kafka_public_status": state,
    }
    if enabled:
        detail["public_connect_address"] = ",".join("100.64.0.%d:9094" % n for n in range(brokers))
    detail.update(extra)
    return detail


# --- engine and state ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, engine",
    [
        ("kafka", "kafka"),
        ("rabbitmq", "rabbitmq"),
        ("rocketmq", "rocketmq"),
        ("reliability", "rocketmq"),
        ("RabbitMQ", "rabbitmq"),
    ],
)
def test_engine_is_read_from_the_detail(raw, engine):
    assert engine_of({"engine": raw}, INSTANCE) == engine


@pytest.mark.parametrize("detail", [{"engine": "redis"}, {}, {"engine": None}, {"engine": 3}])
def test_unknown_engine_is_a_clear_error(detail):
    with pytest.raises(DmsResponseError, match="reports engine .* which dms_public_access does not know"):
        engine_of(detail, INSTANCE)


def test_read_public_state_per_engine():
    assert read_public_state("rabbitmq", rabbit()) == PublicState(False, ())
    assert read_public_state("rabbitmq", rabbit(True, [A])) == PublicState(True, (A,))
    assert read_public_state("rocketmq", rocket(True, [A, B])) == PublicState(True, (A, B))
    assert read_public_state("rocketmq", rocket(False, publicip_id="")) == PublicState(False, ())
    # Kafka's detail does not list EIP ids: on, ids unknown.
    assert read_public_state("kafka", kafka(True)) == PublicState(True, None)
    assert read_public_state("kafka", kafka(False, was_on=True)) == PublicState(False, ())
    # ...unless a detail does carry them.
    assert read_public_state("kafka", kafka(True, publicip_id="%s,%s,%s" % (A, B, C))) == PublicState(True, (A, B, C))


def test_settled_conditions():
    assert is_settled("rabbitmq", rabbit(True, [A]), True, [A])
    assert not is_settled("rabbitmq", rabbit(True, [B]), True, [A])
    assert not is_settled("rabbitmq", rabbit(True, [A], publicip_address="", public_connect_address=""), True, [A])
    assert not is_settled("rabbitmq", rabbit(), True, [A])
    assert is_settled("rabbitmq", rabbit(), False)
    assert not is_settled("rabbitmq", rabbit(True, [A]), False)
    assert is_settled("rocketmq", rocket(True, [B, A]), True, [A, B])
    assert is_settled("kafka", kafka(True), True, [A, B, C])
    assert not is_settled("kafka", kafka(True, public_connect_address=""), True, [A, B, C])
    assert not is_settled("kafka", kafka(True, public_access_enabled="closed"), True, [A, B, C])
    assert is_settled("kafka", kafka(False, was_on=True), False)
    assert not is_settled("kafka", kafka(False, public_access_enabled="true"), False)


# --- options ---------------------------------------------------------------------------------------------------


def options(**overrides):
    values = {
        "instance_id": INSTANCE,
        "state": "present",
        "public_ip_ids": [A],
        "wait": True,
        "wait_timeout": 60,
        "wait_sleep": 5.0,
    }
    values.update(overrides)
    return PublicAccessOptions.from_params(values)


@pytest.mark.parametrize(
    "value, message",
    [
        (None, "'public_ip_ids' is required with state=present"),
        ([], "must not be empty"),
        (["../x"], "cannot be an EIP id"),
        ([""], "must not be empty"),
        (["%s ../x" % A], "cannot be an EIP id"),
        ([A, A], "more than once"),
    ],
)
def test_public_ip_ids_errors_name_the_option(value, message):
    with pytest.raises(ConfigurationError, match=message) as err:
        options(public_ip_ids=value)
    assert "public_ip_ids" in str(err.value)


def test_public_ip_ids_keep_order_and_accept_a_single_string():
    assert validate_public_ip_ids([B, A]) == (B, A)
    assert validate_public_ip_ids(A) == (A,)


@pytest.mark.parametrize("value", ["%s,%s" % (A, B), "%s %s" % (A, B), "%s, %s" % (A, B), ["%s %s" % (A, B)], [A, B]])
def test_public_ip_ids_every_spelling_of_a_list_in_a_string_is_split_the_same(value):
    # Ansible's list type splits "a,b" before the module sees it; "a b" must not be treated differently.
    assert validate_public_ip_ids(value) == (A, B)


def test_public_ip_ids_message_shows_the_values_first_items_whole_and_an_ellipsis():
    value = " ".join([A, B, "bad/id", "x" * 50, "y" * 50])
    with pytest.raises(ConfigurationError) as err:
        validate_public_ip_ids(value)
    message = str(err.value)
    assert "'bad/id'" in message
    assert "%r, %r, 'bad/id', ... (5 in all)" % (A, B) in message


def test_absent_ignores_public_ip_ids_with_a_warning():
    opts = PublicAccessOptions.from_params({"instance_id": INSTANCE, "state": "absent", "public_ip_ids": [A]})
    assert opts.public_ip_ids == () and "ignored with state=absent" in opts.warnings[0]


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"instance_id": "bad/id"}, "instance_id"),
        ({"instance_id": None}, "instance_id"),
        ({"state": "enabled"}, "'state'"),
        ({"wait_timeout": 0}, "wait_timeout"),
        ({"wait_sleep": 0}, "wait_sleep"),
        ({"wait_sleep": 90}, "must not exceed"),
        # The same caps as every module (one place: WaitOptions); 10**400 crashed the clock maths before.
        ({"wait_timeout": 10**400}, "at most 86400 seconds"),
        ({"wait_timeout": 10**12}, "at most 86400 seconds"),
    ],
)
def test_option_errors(overrides, message):
    with pytest.raises(ConfigurationError, match=message):
        options(**overrides)


def test_defaults():
    opts = PublicAccessOptions.from_params({"instance_id": INSTANCE, "public_ip_ids": [A]})
    assert (opts.state, opts.wait, opts.timing.timeout, opts.timing.sleep) == ("present", True, 900, 5.0)
    assert opts.run_timeout == 900.0


def test_wait_sleep_below_the_floor_is_raised_to_it():
    opts = options(wait_sleep=0.001)
    warnings = []
    opts.timing.announce(warnings.append)
    assert opts.timing.sleep == 0.5 and "below the 0.5 s floor" in warnings[0]


def test_duplicate_check_is_linear_and_names_the_repeats():
    # 30 000 ids: the check with list.count() took 15 s (quadratic), past any wait_timeout.
    ids = ["%08x-0000-4000-8000-000000000000" % n for n in range(30000)]
    assert len(validate_public_ip_ids(ids)) == 30000
    with pytest.raises(ConfigurationError, match="lists %s, %s more than once" % (ids[7], ids[9])):
        validate_public_ip_ids(ids + [ids[9], ids[7]])


# --- count rules -----------------------------------------------------------------------------------------------


def test_rabbitmq_takes_exactly_one_eip():
    with pytest.raises(ConfigurationError, match="exactly one EIP id for RabbitMQ .* got 2"):
        check_count("rabbitmq", [A, B], rabbit(), INSTANCE)


def test_rocketmq_takes_one_or_more():
    check_count("rocketmq", [A], rocket(), INSTANCE)
    check_count("rocketmq", [A, B, C], rocket(), INSTANCE)


def test_kafka_needs_one_per_broker_when_the_detail_says():
    with pytest.raises(ConfigurationError, match="one EIP id per broker .* 3 brokers .* got 2"):
        check_count("kafka", [A, B], kafka(), INSTANCE)
    check_count("kafka", [A, B, C], kafka(), INSTANCE)
    detail = kafka()
    del detail["broker_num"]
    check_count("kafka", [A], detail, INSTANCE)


# --- state x detail x engine -> calls --------------------------------------------------------------------------


@pytest.mark.parametrize("detail", [rabbit(), rocket(), kafka(), kafka(was_on=True)])
def test_absent_on_an_instance_without_public_access_does_nothing(detail):
    plan = plan_changes("absent", (), detail, INSTANCE)
    assert plan.changes == [] and plan.before == plan.after == PublicState(False, ())


@pytest.mark.parametrize(
    "engine, detail", [("rabbitmq", rabbit(True, [A])), ("rocketmq", rocket(True, [A, B])), ("kafka", kafka(True))]
)
def test_absent_unbinds(engine, detail):
    plan = plan_changes("absent", (), detail, INSTANCE)
    assert plan.changes == [Change(engine, UNBIND)]
    assert plan.after.as_diff() == {"enable_publicip": False, "public_ip_ids": []}


@pytest.mark.parametrize(
    "engine, detail, ids", [("rabbitmq", rabbit(), (A,)), ("rocketmq", rocket(), (A, B)), ("kafka", kafka(), (A, B, C))]
)
def test_present_binds_when_off(engine, detail, ids):
    plan = plan_changes("present", ids, detail, INSTANCE)
    assert plan.changes == [Change(engine, BIND, ids)]
    assert plan.before.as_diff() == {"enable_publicip": False, "public_ip_ids": []}
    assert plan.after.as_diff() == {"enable_publicip": True, "public_ip_ids": sorted(ids)}


@pytest.mark.parametrize(
    "engine, detail, ids", [("rabbitmq", rabbit(True, [A]), (A,)), ("rocketmq", rocket(True, [A, B]), (B, A))]
)
def test_present_with_the_same_eips_in_any_order_does_nothing(engine, detail, ids):
    assert plan_changes("present", ids, detail, INSTANCE).changes == []


@pytest.mark.parametrize(
    "engine, detail, ids",
    [
        ("rabbitmq", rabbit(True, [A]), (B,)),
        ("rocketmq", rocket(True, [A, B]), (A, C)),
        ("kafka", kafka(True, publicip_id="%s,%s,%s" % (A, B, C)), (A, B, "d-1")),
    ],
)
def test_present_with_other_eips_switches(engine, detail, ids):
    plan = plan_changes("present", ids, detail, INSTANCE)
    assert plan.changes == [Change(engine, UNBIND), Change(engine, BIND, ids)]
    assert plan.actions == ["unbind", "bind"]


def test_kafka_on_with_unknown_eips_is_left_alone_with_a_warning():
    plan = plan_changes("present", (A, B, C), kafka(True), INSTANCE)
    assert plan.changes == [] and plan.after == plan.before
    assert "does not list the bound EIP ids" in plan.warnings[0] and "state=absent first" in plan.warnings[0]


def test_count_is_checked_against_the_detail_before_any_call():
    with pytest.raises(ConfigurationError, match="one EIP id per broker"):
        plan_changes("present", (A,), kafka(), INSTANCE)


@pytest.mark.parametrize(
    "change, method, path, body",
    [
        (
            Change("rabbitmq", BIND, (A,)),
            "PUT",
            "/v2/%s/instances/%s" % (PROJECT, INSTANCE),
            {"enable_publicip": True, "publicip_id": A},
        ),
        (
            Change("rocketmq", BIND, (A, B)),
            "PUT",
            "/v2/%s/instances/%s" % (PROJECT, INSTANCE),
            {"enable_publicip": True, "publicip_id": "%s,%s" % (A, B)},
        ),
        (Change("rocketmq", UNBIND), "PUT", "/v2/%s/instances/%s" % (PROJECT, INSTANCE), {"enable_publicip": False}),
        (
            Change("kafka", BIND, (A, B, C)),
            "POST",
            "/v1/%s/instances/%s/public-boundwidth" % (PROJECT, INSTANCE),
            {"publicip_id": "%s,%s,%s" % (A, B, C)},
        ),
        (Change("kafka", UNBIND), "POST", "/v1/%s/instances/%s/public-boundwidth" % (PROJECT, INSTANCE), {}),
    ],
)
def test_change_calls(change, method, path, body):
    assert change.method_path(PROJECT, INSTANCE) == (method, path)
    assert change.body() == body


def test_every_engine_follows_its_change_task_by_name():
    assert Change("rabbitmq", BIND).task_name == "bindInstancePublicIp"
    assert Change("rocketmq", UNBIND).task_name == "unbindInstancePublicIp"
    # Kafka's API reference example for ShowBackgroundTask is a bindInstancePublicIp task.
    assert Change("kafka", BIND).task_name == "bindInstancePublicIp"
    assert Change("kafka", UNBIND).task_name == "unbindInstancePublicIp"


# --- unknown is not different -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "publicip_id",
    [None, 42, "", " , ", ["a", 1], {"id": A}, "not an id!", "x" * 1000],
)
def test_bound_eips_that_cannot_be_read_are_unknown(publicip_id):
    detail = rabbit(True, [A], publicip_id=publicip_id)
    if publicip_id is None:
        del detail["publicip_id"]
    assert bound_eips("rabbitmq", detail) is None
    assert read_public_state("rabbitmq", detail) == PublicState(True, None)


@pytest.mark.parametrize("publicip_id", [None, 42, "not an id!"])
def test_unknown_bound_eips_are_never_switched(publicip_id):
    # Before: enable_publicip true with publicip_id missing or a number planned unbind + bind on every run.
    detail = rabbit(True, [A], publicip_id=publicip_id)
    plan = plan_changes("present", (B,), detail, INSTANCE)
    assert plan.changes == [] and len(plan.warnings) == 1 and "state=absent first" in plan.warnings[0]


def test_absent_still_unbinds_an_instance_whose_eips_are_unknown():
    plan = plan_changes("absent", (), rabbit(True, [A], publicip_id=42), INSTANCE)
    assert plan.actions == ["unbind"]


def test_a_huge_engine_or_address_is_cut_in_messages():
    with pytest.raises(DmsResponseError) as err:
        engine_of({"engine": "x" * 1000000}, INSTANCE)
    assert len(str(err.value)) < 1000 and "more characters" in str(err.value)
    plan = plan_changes("present", (A, B, C), kafka(True, public_connect_address="y" * 1000000), INSTANCE)
    assert len(plan.warnings[0]) < 1000


@pytest.mark.parametrize("brokers, count, warned", [(1, 3, False), (2, 6, False), (2, 2, True), (1, 1, True)])
def test_rocketmq_count_other_than_three_per_broker_is_warned_citing_the_source(brokers, count, warned):
    ids = ["e%d" % n for n in range(count)]
    plan = plan_changes("present", ids, rocket(broker_num=brokers), INSTANCE)
    assert plan.actions == ["bind"]  # sent as given
    assert bool(plan.warnings) is warned
    if warned:
        assert "one broker runs on three servers" in plan.warnings[0] and "acceptance tests" in plan.warnings[0]


def test_a_switch_decided_by_the_eip_api_resolution():
    # Kafka's detail names no EIP; a reader that resolves its addresses makes the switch possible.
    plan = plan_changes("present", [B], kafka(True, brokers=1), INSTANCE, bound=lambda engine, detail: (A,))
    assert plan.actions == ["unbind", "bind"]
    same = plan_changes("present", [A], kafka(True, brokers=1), INSTANCE, bound=lambda engine, detail: (A,))
    assert same.actions == [] and same.warnings == []
