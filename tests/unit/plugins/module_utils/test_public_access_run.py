# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""dms_public_access's run against a scripted DMS client: send, wait, and read and plan again after every answer that
does not settle the question (busy, 5xx, "already so"), under one deadline, reporting what was sent."""

from __future__ import annotations

import calendar

import pytest

from ansible_collections.hwcloud.dms.plugins.module_utils._context import DmsContext
from ansible_collections.hwcloud.dms.plugins.module_utils._errors import DmsApiError, DmsFailure, DmsTransportError
from ansible_collections.hwcloud.dms.plugins.module_utils._http import DeadlineExceeded
from ansible_collections.hwcloud.dms.plugins.module_utils._http_response import HttpResponse
from ansible_collections.hwcloud.dms.plugins.module_utils._public_access_plan import PublicAccessOptions
from ansible_collections.hwcloud.dms.plugins.module_utils._public_access_run import PublicAccess
from ansible_collections.hwcloud.dms.plugins.module_utils._public_access_wait import find_change_task
from ansible_collections.hwcloud.dms.plugins.module_utils._server_clock import ServerClock
from ansible_collections.hwcloud.dms.tests.unit.plugins.module_utils.test_public_access import (
    INSTANCE,
    PROJECT,
    A,
    B,
    C,
    kafka,
    rabbit,
    rocket,
)

DATE = "Mon, 15 Jan 2024 08:30:10 GMT"
DATE_EPOCH = calendar.timegm((2024, 1, 15, 8, 30, 10, 0, 0, 0))


class FakeClient:
    """Scripted answers per call kind; the last one repeats. Exceptions are raised. Records every call.

    Like DmsHttpClient, it refuses to send once the deadline has passed (with ``clock``); its answers to change calls
    carry the server's Date and this host's send/receive times (clocks in step), as the real client's do.
    """

    def __init__(self, details, changes=(None,), task_lists=((),), clock=None):
        self.details, self.changes, self.task_lists = list(details), list(changes), [list(t) for t in task_lists]
        self.calls = []
        self.clock = clock
        self.server_clock = ServerClock()

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

    def request(self, method, path, query=(), body=None, deadline=None, base_url=None, idempotent=None):
        self._check(deadline)
        self.calls.append((method, path, body, deadline))
        assert idempotent is False, "a change call must not be repeated by the client"
        answer = self._next(self.changes)
        headers = {"Date": DATE} if answer is None else answer
        return HttpResponse(204, headers, None, sent_at=DATE_EPOCH, received_at=DATE_EPOCH)

    def kinds(self):
        return [call[0] for call in self.calls]


def busy():
    return DmsApiError(
        "PUT", "/v2/x", 400, "DMS.00400026", "This operation is not allowed due to the instance status.", "r1"
    )


def already():
    return DmsApiError(
        "PUT", "/v2/x", 400, "DMS.00400062", "Invalid request parameter: public access is already enabled.", "r2"
    )


def server_error():
    return DmsApiError("PUT", "/v2/x", 500, "DMS.00500000", "Internal error.", "r3")


def bind_task(status, task_id="t-new", created="2024-01-15T08:30:09.500Z", name="bindInstancePublicIp"):
    return {
        "id": task_id,
        "name": name,
        "status": status,
        "created_at": created,
        "params": '{"public_ip_id":"%s","enable_public_ip":true}' % A,
    }


def options(**overrides):
    values = {"instance_id": INSTANCE, "state": "present", "public_ip_ids": [A], "wait": True, "wait_timeout": 60}
    values.update(overrides)
    return PublicAccessOptions.from_params(values)


def run(opts, client, clock, check_mode=False, diff_mode=False, warnings=None):
    context = DmsContext(
        client=client,
        project_id=PROJECT,
        check_mode=check_mode,
        diff_mode=diff_mode,
        warn=(warnings if warnings is not None else []).append,
        started=clock(),
        deadline=clock() + opts.run_timeout,
        clock=clock,
        sleep=clock.sleep,
        wall=lambda: DATE_EPOCH,
    )
    return PublicAccess(opts).run(context)


# --- the change and the wait ------------------------------------------------------------------------------------


def test_rabbitmq_bind_waits_for_its_own_task_and_the_instance(clock):
    old = bind_task("SUCCESS", task_id="t-old", created="2024-01-15T08:00:00.000Z")
    client = FakeClient(
        [rabbit(), rabbit(), rabbit(True, [A])],
        task_lists=[[old], [bind_task("EXECUTING"), old], [bind_task("SUCCESS"), old]],
    )
    result = run(options(), client, clock, diff_mode=True)
    # Every poll reads the instance too: done = the task SUCCESS (where one appeared), RUNNING, the EIPs as asked.
    assert client.kinds() == ["show", "PUT", "list", "show", "list", "show", "list", "show"]
    assert client.calls[1][2] == {"enable_publicip": True, "publicip_id": A}
    assert client.calls[2][1] == "20240115083009"  # begin_time: the answer's Date minus the margin
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


def test_failed_task_fails_with_the_task(clock):
    client = FakeClient([rabbit()], task_lists=[[bind_task("FAILED")]])
    with pytest.raises(DmsFailure, match=r"task t-new \(bindInstancePublicIp\) ended with status FAILED") as err:
        run(options(), client, clock)
    assert err.value.result["changed"] is True and err.value.result["task"]["status"] == "FAILED"
    assert err.value.result["instance"]["enable_publicip"] is False


def test_timeout_reports_what_was_seen(clock):
    client = FakeClient([rabbit()], task_lists=[[bind_task("EXECUTING")]])
    with pytest.raises(DmsFailure, match="Timed out after wait_timeout=20 s .* last status EXECUTING") as err:
        run(options(wait_timeout=20), client, clock)
    assert err.value.result["changed"] is True and err.value.result["elapsed"] == 20.0


def test_timeout_when_the_task_never_appears(clock):
    client = FakeClient([rabbit()], task_lists=[[]])
    with pytest.raises(DmsFailure, match="lists no bindInstancePublicIp task created since 20240115083009"):
        run(options(wait_timeout=10), client, clock)


def test_kafka_bind_follows_its_task_where_one_appears_and_the_instance(clock):
    client = FakeClient([kafka(), kafka(), kafka(True)])
    result = run(options(public_ip_ids=[A, B, C]), client, clock)
    assert client.kinds() == ["show", "POST", "list", "show", "list", "show"]
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
    assert result["diff"]["before"] == result["diff"]["after"] and result["actions"] == []


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
    with pytest.raises(DmsFailure, match="DMS instance %s does not exist in project" % INSTANCE) as err:
        run(options(), client, clock)
    assert err.value.result["changed"] is False and err.value.result["instance"] == {}


def test_wrong_count_fails_before_any_change(clock):
    client = FakeClient([kafka()])
    with pytest.raises(DmsFailure, match="one EIP id per broker"):
        run(options(public_ip_ids=[A]), client, clock)
    assert client.kinds() == ["show"]


# --- busy: paced like every poll, read again, explained ---------------------------------------------------------


def test_busy_instance_is_read_again_and_retried_under_the_same_deadline(clock):
    client = FakeClient(
        [rabbit(), rabbit(), rabbit(), rabbit(True, [A])],
        changes=[busy(), busy(), None],
        task_lists=[[bind_task("SUCCESS")]],
    )
    result = run(options(), client, clock)
    assert client.kinds() == ["show", "PUT", "show", "PUT", "show", "PUT", "list", "show"]
    assert clock.sleeps == [5.0, 5.0] and result["changed"] is True and result["actions"] == ["bind"]


def test_busy_retries_keep_the_floor_of_every_poll(clock):
    # Before: wait_sleep 0.001 and wait_timeout 3 sent 494-885 PUTs (the raw wait_sleep), and said "deadline passed".
    client = FakeClient([rabbit()], changes=[busy()], clock=clock)
    warnings = []
    with pytest.raises(DmsFailure) as err:
        run(options(wait_timeout=3, wait_sleep=0.001), client, clock, warnings=warnings)
    puts = client.kinds().count("PUT")
    assert puts <= 3 / 0.5 + 1 and all(pause >= 0.5 for pause in clock.sleeps[:-1])
    message = str(err.value)
    assert message.startswith("Timed out after wait_timeout=3 s: DMS answered DMS.00400026")
    assert "%d tries" % puts in message and "another change is running on it, or it is not RUNNING" in message
    assert "status RUNNING" in message and "deadline passed" not in message
    assert err.value.result["changed"] is False and err.value.result["actions"] == []
    assert any("below the 0.5 s floor" in warning for warning in warnings)


def test_busy_until_the_deadline_fails_without_a_change(clock):
    client = FakeClient([rabbit()], changes=[busy()], clock=clock)
    with pytest.raises(DmsFailure) as err:
        run(options(wait_timeout=12), client, clock)
    assert "DMS.00400026" in str(err.value) and "wait_timeout=12" in str(err.value)
    assert err.value.result["changed"] is False and err.value.result["instance"]["engine"] == "rabbitmq"
    assert sum(clock.sleeps) == pytest.approx(12.0) and clock.now == 1012.0


@pytest.mark.parametrize(
    "state, before, after", [("present", rabbit(), rabbit(True, [A])), ("absent", rabbit(True, [A]), rabbit())]
)
def test_busy_while_another_run_makes_the_same_change_ends_ok_unchanged(clock, state, before, after):
    # Two runs at once: the other one's change is under way (busy); read again, it is done: nothing left to send.
    client = FakeClient([before, after], changes=[busy()])
    result = run(options(state=state), client, clock)
    assert client.kinds() == ["show", "PUT", "show"]
    assert result["changed"] is False and result["actions"] == [] and result["instance"] == after


def test_already_so_after_a_stale_read_ends_ok(clock):
    # The other run's bind landed between this run's read and its PUT: DMS says "already enabled" (400).
    client = FakeClient([rabbit(), rabbit(True, [A])], changes=[already()])
    result = run(options(), client, clock)
    assert client.kinds() == ["show", "PUT", "show"] and result["changed"] is False


def test_a_refusal_that_stands_after_reading_again_fails(clock):
    error = DmsApiError("PUT", "/v2/x", 400, "DMS.00400062", "Invalid publicip_id parameter in the request.", "r1")
    client = FakeClient([rabbit()], changes=[error])
    with pytest.raises(DmsFailure, match="Could not bind public IPs .* DMS.00400062") as err:
        run(options(), client, clock)
    assert client.kinds() == ["show", "PUT", "show"] and err.value.result["changed"] is False


def test_permission_errors_are_not_retried(clock):
    error = DmsApiError("PUT", "/v2/x", 403, "DMS.00403000", "Forbidden.", "r1")
    client = FakeClient([rabbit()], changes=[error])
    with pytest.raises(DmsFailure, match="Could not bind"):
        run(options(), client, clock)
    assert client.kinds() == ["show", "PUT"]


# --- what was sent is reported ------------------------------------------------------------------------------------


def test_a_change_answered_5xx_that_was_made_ends_ok_and_changed(clock):
    # Before: RabbitMQ PUT applied then 500 -> retried -> "already enabled" -> failed with changed: false.
    client = FakeClient([rabbit(), rabbit(True, [A])], changes=[server_error()])
    result = run(options(), client, clock)
    assert client.kinds() == ["show", "PUT", "show"]
    assert result["changed"] is True and result["actions"] == ["bind"] and result["instance"]["enable_publicip"] is True


def test_kafka_switch_answered_500_then_settling_is_waited_for(clock):
    client = FakeClient([kafka(), kafka(), kafka(True)], changes=[server_error(), busy()])
    result = run(options(public_ip_ids=[A, B, C]), client, clock)
    assert client.kinds() == ["show", "POST", "show", "POST", "show"]
    assert result["changed"] is True and result["instance"]["public_connect_address"]


def test_a_change_answered_5xx_until_the_deadline_fails_changed(clock):
    client = FakeClient([rabbit()], changes=[server_error()], clock=clock)
    with pytest.raises(DmsFailure) as err:
        run(options(wait_timeout=6), client, clock)
    assert err.value.result["changed"] is True and "may have been made" in str(err.value)
    assert "DMS.00500000" in str(err.value) and err.value.result["elapsed"] == 6.0


def test_a_lost_answer_counts_as_sent(clock):
    client = FakeClient([rabbit(), rabbit(True, [A])], changes=[DmsTransportError("DMS API: connection reset")])
    result = run(options(), client, clock)
    assert result["changed"] is True and client.kinds() == ["show", "PUT", "show"]


@pytest.mark.parametrize(
    "created_at", ["2024-13-45T99:99:99Z", "2024-00-01T00:00:00Z", "2024-02-30T10:00:00Z", 17, None]
)
def test_impossible_task_dates_are_ignored(clock, created_at):
    # Before: "Unexpected ValueError ... month must be in 1..12" with changed: false after an accepted PUT.
    broken = bind_task("SUCCESS", task_id="t-broken", created=created_at)
    client = FakeClient([rabbit(), rabbit(), rabbit(True, [A])], task_lists=[[broken], [broken, bind_task("SUCCESS")]])
    result = run(options(), client, clock)
    assert result["changed"] is True and result["task"]["id"] == "t-new"


def test_only_impossible_task_dates_time_out_clearly(clock):
    broken = bind_task("SUCCESS", task_id="t-broken", created="2024-13-45T99:99:99Z")
    client = FakeClient([rabbit()], task_lists=[[broken]])
    with pytest.raises(DmsFailure, match="lists no bindInstancePublicIp task created since") as err:
        run(options(wait_timeout=5), client, clock)
    assert err.value.result["changed"] is True


def test_an_internal_error_after_a_change_still_reports_it(clock):
    class Exploding(FakeClient):
        def get_json(self, path, query=(), deadline=None):
            if self.kinds().count("PUT"):
                raise ZeroDivisionError("boom")
            return super().get_json(path, query, deadline)

    client = Exploding([rabbit()])
    with pytest.raises(DmsFailure, match="Internal error after a change .* ZeroDivisionError: boom") as err:
        run(options(), client, clock)
    assert err.value.result["changed"] is True and err.value.result["actions"] == ["bind"]


def test_status_values_in_messages_are_cut(clock):
    client = FakeClient([rabbit(status="S" * 1000000)], changes=[busy()], clock=clock)
    with pytest.raises(DmsFailure) as err:
        run(options(wait_timeout=1, wait_sleep=0.5), client, clock)
    assert len(str(err.value)) < 2000


def test_find_change_task_ignores_older_other_and_unreadable_tasks():
    tasks = [
        {"id": "old", "name": "bindInstancePublicIp", "created_at": "2024-01-15T08:30:06.999Z"},
        {"id": "other", "name": "unbindInstancePublicIp", "created_at": "2024-01-15T08:30:09.000Z"},
        {"id": "new", "name": "bindInstancePublicIp", "created_at": "2024-01-15T08:30:08.500Z"},
        {"id": "newer", "name": "bindInstancePublicIp", "created_at": "2024-01-15T08:30:09.100+00:00"},
        {"id": "broken", "name": "bindInstancePublicIp", "created_at": "not a time"},
        {"id": "impossible", "name": "bindInstancePublicIp", "created_at": "2024-13-45T99:99:99Z"},
    ]
    assert find_change_task(tasks, "bindInstancePublicIp", "20240115083007")["id"] == "newer"
    assert find_change_task(tasks[:2], "bindInstancePublicIp", "20240115083007") is None


def test_a_change_call_cut_by_the_deadline_says_it_may_have_been_made(clock):
    client = FakeClient([rabbit()], changes=[DeadlineExceeded("DMS API: no answer within the run's deadline")])
    with pytest.raises(DmsFailure, match="The bind call was under way when the deadline passed: it may have been made"):
        run(options(), client, clock)


# --- instance state -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("status", ["FROZEN", "ERROR", "EXTENDEDFAILED", "CREATEFAILED", "DELETING"])
def test_a_state_that_does_not_pass_fails_at_the_first_read_naming_it(clock, status):
    client = FakeClient([rabbit(status=status)], clock=clock)
    with pytest.raises(DmsFailure, match="is %s, which does not pass by itself" % status) as err:
        run(options(), client, clock)
    assert client.kinds() == ["show"] and err.value.result["changed"] is False


def test_a_passing_state_is_waited_for_then_the_change_is_sent(clock):
    client = FakeClient(
        [rabbit(status="EXTENDING"), rabbit(status="EXTENDING"), rabbit(), rabbit(True, [A])],
        task_lists=[[bind_task("SUCCESS")]],
        clock=clock,
    )
    warnings = []
    result = run(options(), client, clock, warnings=warnings)
    assert client.kinds()[:4] == ["show", "show", "show", "PUT"] and result["changed"] is True
    assert not any("status" in warning for warning in warnings)


def test_a_passing_state_that_lasts_past_the_deadline_sends_nothing(clock):
    client = FakeClient([rabbit(status="RESTARTING")], clock=clock)
    with pytest.raises(DmsFailure, match="to be RUNNING .* status RESTARTING. Nothing was sent") as err:
        run(options(wait_timeout=3, wait_sleep=1), client, clock)
    assert "PUT" not in client.kinds() and err.value.result["changed"] is False


def test_an_unknown_state_is_waited_for_with_one_warning(clock):
    client = FakeClient([rabbit(status="MIGRATING")] * 3 + [rabbit(), rabbit(True, [A])], clock=clock)
    warnings = []
    result = run(options(), client, clock, warnings=warnings)
    assert result["changed"] is True
    assert sum("'MIGRATING'" in warning for warning in warnings) == 1


def test_a_state_that_does_not_pass_during_the_wait_ends_it_at_once(clock):
    client = FakeClient([rabbit(), rabbit(status="FROZEN")], task_lists=[[]], clock=clock)
    with pytest.raises(DmsFailure, match="FROZEN") as err:
        run(options(), client, clock)
    assert client.kinds() == ["show", "PUT", "list", "show"] and err.value.result["changed"] is True


def test_kafka_public_status_freezed_says_arrears(clock):
    client = FakeClient([kafka(), kafka(kafka_public_status="freezed")], clock=clock)
    with pytest.raises(DmsFailure, match="kafka_public_status=freezed: its public network is frozen for arrears"):
        run(options(public_ip_ids=[A, B, C]), client, clock)


def test_a_kafka_task_that_failed_ends_the_wait_at_the_read_that_shows_it(clock):
    failed = bind_task("FAILED")
    client = FakeClient([kafka()], task_lists=[[], [failed]], clock=clock)
    with pytest.raises(DmsFailure, match=r"task t-new \(bindInstancePublicIp\) ended with status FAILED"):
        run(options(public_ip_ids=[A, B, C]), client, clock)
    assert client.kinds() == ["show", "POST", "list", "show", "list"]


def test_busy_answers_from_an_instance_that_froze_meanwhile_end_at_once(clock):
    client = FakeClient([rabbit(), rabbit(status="FROZEN")], changes=[busy()], clock=clock)
    with pytest.raises(DmsFailure, match="is FROZEN, which does not pass by itself"):
        run(options(), client, clock)
    assert client.kinds() == ["show", "PUT", "show"]
