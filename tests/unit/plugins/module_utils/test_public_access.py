# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""dms_public_access without Ansible: state x detail x engine -> calls, option checks, and the change/wait loop."""

from __future__ import annotations

import calendar

import pytest

from ansible_collections.hwcloud.dms.plugins.module_utils._errors import (
    ConfigurationError,
    DmsApiError,
    DmsResponseError,
)
from ansible_collections.hwcloud.dms.plugins.module_utils._http import DeadlineExceeded, HttpResponse
from ansible_collections.hwcloud.dms.plugins.module_utils._public_access import (
    BIND,
    UNBIND,
    Change,
    PublicAccess,
    PublicAccessFailed,
    PublicAccessOptions,
    PublicState,
    api_time,
    change_time,
    check_count,
    engine_of,
    find_change_task,
    is_settled,
    plan_changes,
    read_public_state,
    validate_public_ip_ids,
)
from ansible_collections.hwcloud.dms.plugins.module_utils._server_clock import ServerClock

INSTANCE = "11111111-2222-3333-4444-555555555555"
PROJECT = "0123456789abcdef0123456789abcdef"
A, B, C = (
    "1aea7aed-e7d8-40ea-b3de-6f3ee9d5db9f",
    "2bfb8bfe-f8e9-41fb-c4ef-7f4ff0e6ec0a",
    "3c0c9c0f-09fa-42ac-d5f0-8a5001f7fd1b",
)
DATE = "Mon, 15 Jan 2024 08:30:10 GMT"
DATE_EPOCH = calendar.timegm((2024, 1, 15, 8, 30, 10, 0, 0, 0))


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
    return PublicAccessOptions(values)


@pytest.mark.parametrize(
    "value, message",
    [
        (None, "'public_ip_ids' is required with state=present"),
        ([], "must not be empty"),
        (["%s,%s" % (A, B)], "cannot be an EIP id"),
        (["%s " % A[:-1] + "x y"], "cannot be an EIP id"),
        (["../x"], "cannot be an EIP id"),
        ([""], "cannot be an EIP id"),
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


def test_absent_ignores_public_ip_ids_with_a_warning():
    warnings = []
    opts = PublicAccessOptions({"instance_id": INSTANCE, "state": "absent", "public_ip_ids": [A]}, warnings.append)
    assert opts.public_ip_ids == () and "ignored with state=absent" in warnings[0]


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"instance_id": "bad/id"}, "instance_id"),
        ({"instance_id": None}, "instance_id"),
        ({"state": "enabled"}, "'state'"),
        ({"wait_timeout": 0}, "wait_timeout"),
        ({"wait_sleep": 0}, "wait_sleep"),
        ({"wait_sleep": 90}, "must not exceed"),
    ],
)
def test_option_errors(overrides, message):
    with pytest.raises(ConfigurationError, match=message):
        options(**overrides)


def test_defaults():
    opts = PublicAccessOptions({"instance_id": INSTANCE, "public_ip_ids": [A]})
    assert (opts.state, opts.wait, opts.wait_timeout, opts.wait_sleep) == ("present", True, 900, 5.0)


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


def test_task_names_only_where_documented():
    assert Change("rabbitmq", BIND).task_name == "bindInstancePublicIp"
    assert Change("rocketmq", UNBIND).task_name == "unbindInstancePublicIp"
    assert Change("kafka", BIND).task_name is None


# --- time of the change and the task filter ---------------------------------------------------------------------


def test_change_time_comes_from_the_servers_date_header_minus_a_margin():
    assert change_time({"Date": DATE}, fallback=lambda: 0.0) == DATE_EPOCH - 3.0
    assert change_time({"date": DATE}, fallback=lambda: 0.0, margin=1.0) == DATE_EPOCH - 1.0


@pytest.mark.parametrize("headers", [{}, None, {"Date": "yesterday"}, {"Content-Type": "application/json"}])
def test_change_time_falls_back_to_the_controller_clock(headers):
    assert change_time(headers, fallback=lambda: 5000.0) == 4997.0


def test_find_change_task_ignores_older_and_other_tasks():
    since = DATE_EPOCH - 3
    tasks = [
        {"id": "old", "name": "bindInstancePublicIp", "created_at": "2024-01-15T08:30:06.999Z"},
        {"id": "other", "name": "unbindInstancePublicIp", "created_at": "2024-01-15T08:30:09.000Z"},
        {"id": "new", "name": "bindInstancePublicIp", "created_at": "2024-01-15T08:30:08.500Z"},
        {"id": "newer", "name": "bindInstancePublicIp", "created_at": "2024-01-15T08:30:09.100+00:00"},
        {"id": "broken", "name": "bindInstancePublicIp", "created_at": "not a time"},
    ]
    assert find_change_task(tasks, "bindInstancePublicIp", since)["id"] == "newer"
    assert find_change_task(tasks[:2], "bindInstancePublicIp", since) is None
    assert api_time(since + 0.9) == "20240115083007"


# --- the change and the wait against a scripted API -------------------------------------------------------------


class FakeClient:
    """Scripted answers per call kind; the last one repeats. Exceptions are raised. Records every call.

    Like DmsHttpClient, it refuses to send once the deadline has passed (with ``clock``).
    """

    def __init__(self, details, changes=(None,), task_lists=((),), clock=None):
        self.details, self.changes, self.task_lists = list(details), list(changes), [list(t) for t in task_lists]
        self.calls = []
        self.clock = clock

    def _check(self, deadline):
        if self.clock is not None and deadline is not None and deadline - self.clock() <= 0:
            raise DeadlineExceeded("DMS API: the deadline passed before the request could be sent")

    @staticmethod
    def _next(answers):
        answer = answers.pop(0) if len(answers) > 1 else answers[0]
        if isinstance(answer, Exception):
            raise answer
        return answer

    def get_json(self, path, query=(), deadline=None):
        self._check(deadline)
        if path.endswith("/tasks"):
            self.calls.append(("list", dict(query).get("begin_time"), deadline))
            return HttpResponse(200, {}, {"task_count": "0", "tasks": [dict(t) for t in self._next(self.task_lists)]})
        self.calls.append(("show", path, deadline))
        return HttpResponse(200, {}, dict(self._next(self.details)))

    def request(self, method, path, query=(), body=None, deadline=None, base_url=None):
        self._check(deadline)
        self.calls.append((method, path, body, deadline))
        answer = self._next(self.changes)
        return HttpResponse(204, {"Date": DATE} if answer is None else answer, None)

    def kinds(self):
        return [call[0] for call in self.calls]


def busy():
    return DmsApiError(
        "PUT", "/v2/x", 400, "DMS.00400026", "This operation is not allowed due to the instance status.", "r1"
    )


def bind_task(status, task_id="t-new", created="2024-01-15T08:30:09.500Z", name="bindInstancePublicIp"):
    return {
        "id": task_id,
        "name": name,
        "status": status,
        "created_at": created,
        "params": '{"public_ip_id":"%s","enable_public_ip":true}' % A,
    }


def run(opts, client, clock, check_mode=False, diff_mode=False, warnings=None):
    access = PublicAccess(
        opts,
        client,
        PROJECT,
        (warnings if warnings is not None else []).append,
        started=clock(),
        clock=clock,
        sleep=clock.sleep,
        wall_clock=lambda: DATE_EPOCH + 100,
    )
    return access.run(check_mode=check_mode, diff_mode=diff_mode)


def test_rabbitmq_bind_waits_for_its_own_task_and_the_instance(clock):
    old = bind_task("SUCCESS", task_id="t-old", created="2024-01-15T08:00:00.000Z")
    client = FakeClient(
        [rabbit(), rabbit(), rabbit(True, [A])],
        task_lists=[[old], [bind_task("EXECUTING"), old], [bind_task("SUCCESS"), old]],
    )
    result = run(options(), client, clock, diff_mode=True)
    assert client.kinds() == ["show", "PUT", "list", "list", "show", "list", "show"]
    assert client.calls[1][2] == {"enable_publicip": True, "publicip_id": A}
    assert client.calls[2][1] == "20240115083007"  # begin_time: the answer's Date minus the margin
    assert result["changed"] is True and result["actions"] == ["bind"]
    assert result["task"]["id"] == "t-new" and result["task"]["params"] == {"public_ip_id": A, "enable_public_ip": True}
    assert result["instance"]["publicip_id"] == A
    assert result["diff"] == {
        "before": {"enable_publicip": False, "public_ip_ids": []},
        "after": {"enable_publicip": True, "public_ip_ids": [A]},
    }
    assert clock.sleeps == [5.0, 5.0] and result["elapsed"] == 10.0
    deadline = client.calls[0][2]
    assert deadline == 1060.0 and all(call[-1] == deadline for call in client.calls)  # one deadline for everything


def test_task_success_alone_is_not_enough(clock):
    client = FakeClient([rabbit(), rabbit(), rabbit(True, [A])], task_lists=[[bind_task("SUCCESS")]])
    result = run(options(), client, clock)
    assert client.kinds() == ["show", "PUT", "list", "show", "list", "show"]
    assert result["instance"]["enable_publicip"] is True


def test_busy_instance_is_retried_under_the_same_deadline(clock):
    client = FakeClient(
        [rabbit(), rabbit(True, [A])], changes=[busy(), busy(), None], task_lists=[[bind_task("SUCCESS")]]
    )
    result = run(options(), client, clock)
    assert client.kinds() == ["show", "PUT", "PUT", "PUT", "list", "show"]
    assert clock.sleeps == [5.0, 5.0] and result["changed"] is True


def test_busy_until_the_deadline_fails_without_a_change(clock):
    client = FakeClient([rabbit()], changes=[busy()], clock=clock)
    with pytest.raises(PublicAccessFailed) as err:
        run(options(wait_timeout=12), client, clock)
    assert "DMS.00400026" in str(err.value) and "wait_timeout=12" in str(err.value)
    assert err.value.result["changed"] is False and err.value.result["instance"]["engine"] == "rabbitmq"
    assert sum(clock.sleeps) == pytest.approx(12.0) and clock.now == 1012.0


def test_other_api_errors_are_not_retried(clock):
    error = DmsApiError("PUT", "/v2/x", 400, "DMS.00400062", "Invalid publicip_id parameter in the request.", "r1")
    client = FakeClient([rabbit()], changes=[error])
    with pytest.raises(PublicAccessFailed, match="Could not bind public IPs .* DMS.00400062") as err:
        run(options(), client, clock)
    assert client.kinds() == ["show", "PUT"] and err.value.result["changed"] is False


def test_failed_task_fails_with_the_task(clock):
    client = FakeClient([rabbit()], task_lists=[[bind_task("FAILED")]])
    with pytest.raises(
        PublicAccessFailed, match=r"task t-new \(bindInstancePublicIp\) ended with status FAILED"
    ) as err:
        run(options(), client, clock)
    assert err.value.result["changed"] is True and err.value.result["task"]["status"] == "FAILED"
    assert err.value.result["instance"]["enable_publicip"] is False


def test_timeout_reports_what_was_seen(clock):
    client = FakeClient([rabbit()], task_lists=[[bind_task("EXECUTING")]])
    with pytest.raises(PublicAccessFailed, match="Timed out after wait_timeout=20 s .* last status EXECUTING") as err:
        run(options(wait_timeout=20), client, clock)
    assert err.value.result["changed"] is True and err.value.result["elapsed"] == 20.0


def test_timeout_when_the_task_never_appears(clock):
    client = FakeClient([rabbit()], task_lists=[[]])
    with pytest.raises(
        PublicAccessFailed, match="lists no bindInstancePublicIp task created since 2024-01-15T08:30:07"
    ):
        run(options(wait_timeout=10), client, clock)


def test_kafka_bind_waits_on_the_instance_fields_only(clock):
    client = FakeClient([kafka(), kafka(), kafka(True)])
    result = run(options(public_ip_ids=[A, B, C]), client, clock)
    assert client.kinds() == ["show", "POST", "show", "show"]
    assert client.calls[1][1].endswith("/public-boundwidth") and client.calls[1][2] == {
        "publicip_id": "%s,%s,%s" % (A, B, C)
    }
    assert result["task"] is None and result["instance"]["public_connect_address"]


def test_kafka_unbind_sends_an_empty_switch(clock):
    client = FakeClient([kafka(True), kafka(False, was_on=True)])
    result = run(options(state="absent"), client, clock)
    assert client.calls[1][2] == {} and result["changed"] is True and result["actions"] == ["unbind"]


def test_switch_unbinds_waits_then_binds(clock):
    unbind = bind_task("SUCCESS", task_id="t-unbind", name="unbindInstancePublicIp")
    client = FakeClient(
        [rocket(True, [A, B]), rocket(False), rocket(True, [A, C])],
        task_lists=[[unbind], [bind_task("SUCCESS"), unbind]],
    )
    result = run(options(public_ip_ids=[A, C]), client, clock)
    assert client.kinds() == ["show", "PUT", "list", "show", "PUT", "list", "show"]
    assert client.calls[1][2] == {"enable_publicip": False}
    assert client.calls[4][2] == {"enable_publicip": True, "publicip_id": "%s,%s" % (A, C)}
    assert result["actions"] == ["unbind", "bind"] and result["task"]["id"] == "t-new"


@pytest.mark.parametrize(
    "detail, state, ids",
    [(rabbit(True, [A]), "present", [A]), (rabbit(), "absent", None), (kafka(True), "present", [A, B, C])],
)
def test_nothing_to_do_sends_nothing(clock, detail, state, ids):
    client = FakeClient([detail])
    result = run(options(state=state, public_ip_ids=ids), client, clock, diff_mode=True)
    assert client.kinds() == ["show"] and result["changed"] is False and result["task"] is None
    assert result["diff"]["before"] == result["diff"]["after"]


def test_check_mode_reports_and_sends_nothing(clock):
    client = FakeClient([rocket(True, [A, B])])
    result = run(options(public_ip_ids=[C]), client, clock, check_mode=True, diff_mode=True)
    assert client.kinds() == ["show"]
    assert result["changed"] is True and result["actions"] == ["unbind", "bind"]
    assert result["diff"]["after"] == {"enable_publicip": True, "public_ip_ids": [C]}


def test_no_wait_sends_and_reads_the_instance_once(clock):
    client = FakeClient([rabbit(), rabbit()])
    result = run(options(wait=False), client, clock)
    assert client.kinds() == ["show", "PUT", "show"] and result["changed"] is True and result["task"] is None


def test_no_wait_switch_still_waits_for_the_unbind(clock):
    unbind = bind_task("SUCCESS", task_id="t-unbind", name="unbindInstancePublicIp")
    client = FakeClient([rabbit(True, [A]), rabbit(), rabbit()], task_lists=[[unbind]])
    run(options(wait=False, public_ip_ids=[B]), client, clock)
    assert client.kinds() == ["show", "PUT", "list", "show", "PUT", "show"]


def test_unknown_instance_is_a_clear_error(clock):
    missing = DmsApiError("GET", "/v2/x", 404, "DMS.00404022", "This DMS instance does not exist.", "r1")
    client = FakeClient([missing])
    with pytest.raises(PublicAccessFailed, match="DMS instance %s does not exist in project" % INSTANCE) as err:
        run(options(), client, clock)
    assert err.value.result["changed"] is False and err.value.result["instance"] == {}


def test_wrong_count_fails_before_any_change(clock):
    client = FakeClient([kafka()])
    with pytest.raises(PublicAccessFailed, match="one EIP id per broker"):
        run(options(public_ip_ids=[A]), client, clock)
    assert client.kinds() == ["show"]


# --- the change's time on the server's clock (issue 17) -------------------------------------------------------


def test_change_time_takes_off_the_calls_round_trip():
    # A PUT that took 4 s: DMS may have created the task as soon as the call arrived, 4 s before it dated its answer.
    since = change_time({"Date": DATE}, fallback=lambda: 0.0, sent_at=1000.0, received_at=1004.0)
    assert since == DATE_EPOCH - 4.0 - 3.0
    assert since <= DATE_EPOCH - 3.9  # a task created right at arrival still counts
    assert since > DATE_EPOCH - 60  # one from a change a minute earlier does not


def test_change_time_teaches_the_server_clock():
    clock = ServerClock()
    change_time({"Date": DATE}, sent_at=DATE_EPOCH + 30.0, received_at=DATE_EPOCH + 30.5, server_clock=clock)
    assert clock.measurable and clock.offset == pytest.approx(-30.0, abs=1.0)


@pytest.mark.parametrize("offset", [-30.0, 30.0])
def test_change_time_without_date_moves_this_hosts_time_onto_the_servers_clock(offset):
    clock = ServerClock()
    host_now = DATE_EPOCH - offset  # an earlier answer: this host said host_now, the server DATE
    clock.observe(DATE, host_now, host_now + 0.05)
    sent = host_now + 10.0
    since = change_time({}, fallback=lambda: 0.0, sent_at=sent, received_at=sent + 1.0, server_clock=clock)
    created = sent + 0.2 + offset  # the change's task, on the server's clock
    assert since <= created and created - 60 < since  # the new task counts, one a minute older does not
    # Without what earlier answers showed, this host's clock is all there is (the old behaviour).
    assert change_time({}, fallback=lambda: 0.0, sent_at=sent) == sent - 3.0
