"""The server clock (issue 17): --clock-skew, the admin API and the seed run the server ahead or behind the caller.

The harness signs with the caller's clock (the FakeClock); the emulator's ServerClock adds the skew on top.
"""

from __future__ import annotations

import threading
import time
from email.utils import formatdate, parsedate_to_datetime

import pytest
import requests
from emu_harness import INSTANCE, Harness

from dms_emulator import DEFAULT_PROJECT_ID
from dms_emulator.app import Emulator
from dms_emulator.cli import build_parser
from dms_emulator.cli import main as cli_main
from dms_emulator.clock import FakeClock, ServerClock, parse_skew
from dms_emulator.seed import validate_seed
from dms_emulator.server import EmulatorServer
from dms_emulator.testing import EmulatorProcess
from dms_emulator.timefmt import QUERY_TIME_FORMAT, format_sdk_date, iso_ms, parse_iso


def _skewed(clock: FakeClock, skew: float, seed=None) -> Harness:
    harness = Harness(Emulator(clock=clock, clock_skew=skew, seed=seed), clock)
    harness.emu.sleep = harness.slept.append
    return harness


def _query_time(epoch: float) -> str:
    return time.strftime(QUERY_TIME_FORMAT, time.gmtime(epoch))


def test_server_clock_adds_the_skew_to_its_base():
    base = FakeClock(1000.0)
    server = ServerClock(base, -30)
    assert server.now() == 970.0 and server.skew == -30.0
    base.advance(5)
    assert server.now() == 975.0
    assert server.set_skew(12.5) == 12.5 and server.now() == 1017.5
    assert server.http_date() == formatdate(1017.5, usegmt=True) == "Thu, 01 Jan 1970 00:16:57 GMT"
    assert server.describe() == {
        "skew": 12.5,
        "now": 1017.5,
        "caller_now": 1005.0,
        "date": "Thu, 01 Jan 1970 00:16:57 GMT",
    }


@pytest.mark.parametrize("bad", [True, "soon", None, float("nan"), float("inf"), 1e12, [1]])
def test_bad_skews_are_refused(bad):
    with pytest.raises(ValueError, match="seconds"):
        parse_skew(bad)


def test_created_and_updated_at_follow_the_skew(clock):
    harness = _skewed(clock, -30)
    status, task = harness.admin(
        "POST",
        "/_emulator/tasks",
        {
            "instance_id": INSTANCE,
            "id": "t",
            "timeline": [{"status": "EXECUTING", "seconds": 5}, {"status": "SUCCESS"}],
        },
    )
    assert status == 201 and task["created_at"] == iso_ms(clock.now() - 30)
    clock.advance(5)
    dummy, body = harness.call("GET", harness.task_path("t"))
    assert body["tasks"][0]["status"] == "SUCCESS"
    assert body["tasks"][0]["updated_at"] == iso_ms(clock.now() - 30)


def test_time_filters_compare_with_the_servers_clock(clock):
    # The caller notes its time, then the change creates a task: on a server 30 s behind, created_at is 30 s earlier.
    harness = _skewed(clock, -30)
    noted = clock.now()
    harness.admin("POST", "/_emulator/tasks", {"instance_id": INSTANCE, "id": "new"})
    dummy, body = harness.call("GET", harness.task_path(), "begin_time=%s" % _query_time(noted))
    assert body == {"task_count": "0", "tasks": []}  # the bug of issue 17, reproduced
    dummy, body = harness.call("GET", harness.task_path(), "begin_time=%s" % _query_time(noted - 30))
    assert [task["id"] for task in body["tasks"]] == ["new"]
    dummy, body = harness.call("GET", harness.task_path(), "end_time=%s" % _query_time(noted - 31))
    assert body["tasks"] == []


def test_signature_age_is_judged_on_the_servers_clock(clock):
    harness = _skewed(clock, 16 * 60)
    harness.admin("POST", "/_emulator/tasks", {"instance_id": INSTANCE, "id": "t"})
    reply, body = harness.call("GET", harness.task_path("t"))  # signed on the caller's clock
    assert reply.status == 401 and body["error_code"] == "APIGW.0303"
    assert body["error_msg"] == "signature expired, signature time:%s, server time:%s" % (
        format_sdk_date(clock.now()),
        format_sdk_date(clock.now() + 16 * 60),
    )
    # A caller whose clock agrees with the server's passes, although it is 16 minutes off the host's.
    assert harness.call("GET", harness.task_path("t"), date=format_sdk_date(clock.now() + 16 * 60))[0].status == 200
    harness.emu.clock.set_skew(15 * 60)  # exactly the limit still passes
    harness.admin("POST", "/_emulator/tasks", {"instance_id": INSTANCE, "id": "t2"})
    assert harness.call("GET", harness.task_path("t2"))[0].status == 200


def test_token_expiry_follows_the_servers_clock(clock):
    harness = _skewed(clock, 0)
    status, issued = harness.admin("POST", "/_emulator/tokens", {"lifetime": 600})
    assert status == 201 and issued["expires_at"] == iso_ms(clock.now() + 600)
    harness.admin("POST", "/_emulator/tasks", {"instance_id": INSTANCE, "id": "t"})
    path = harness.task_path("t")
    assert harness.call("GET", path, headers={"x-auth-token": issued["token"]}, sign=False)[0].status == 200
    harness.emu.clock.set_skew(601)
    reply, body = harness.call("GET", path, headers={"x-auth-token": issued["token"]}, sign=False)
    assert reply.status == 401 and "token expires" in body["error_msg"]


def test_timelines_follow_the_servers_clock(clock):
    harness = _skewed(clock, 0)
    harness.admin(
        "POST",
        "/_emulator/tasks",
        {
            "instance_id": INSTANCE,
            "id": "t",
            "timeline": [{"status": "EXECUTING", "seconds": 60}, {"status": "SUCCESS"}],
        },
    )
    assert harness.call("GET", harness.task_path("t"))[1]["tasks"][0]["status"] == "EXECUTING"
    harness.emu.clock.set_skew(60)  # the server's clock jumps a minute ahead: the phase is over for it
    assert harness.call("GET", harness.task_path("t"))[1]["tasks"][0]["status"] == "SUCCESS"


def test_admin_clock_endpoint_and_reset(clock):
    harness = _skewed(clock, -30)
    status, body = harness.admin("GET", "/_emulator/clock")
    assert (
        status == 200
        and body["skew"] == -30.0
        and body["now"] == clock.now() - 30
        and body["caller_now"] == clock.now()
    )
    assert parsedate_to_datetime(body["date"]).timestamp() == int(clock.now() - 30)
    status, body = harness.admin("POST", "/_emulator/clock", {"skew": 45})
    assert status == 200 and body["skew"] == 45.0
    status, task = harness.admin("POST", "/_emulator/tasks", {"instance_id": INSTANCE})
    assert parse_iso(task["created_at"]) == pytest.approx(clock.now() + 45)
    # A reset goes back to the skew the emulator started with.
    harness.admin("POST", "/_emulator/reset", {})
    assert harness.admin("GET", "/_emulator/clock")[1]["skew"] == -30.0


@pytest.mark.parametrize("body", [{}, {"skew": "x"}, {"skew": 1, "other": 2}, [1]])
def test_admin_clock_rejects_bad_bodies(harness, body):
    status, answer = harness.admin("POST", "/_emulator/clock", body)
    assert status == 400 and answer["error"]


def test_seed_clock_skew_and_flag_precedence(clock):
    seed = {"clock_skew": -30, "tasks": [{"instance_id": INSTANCE, "id": "seeded"}]}
    harness = _skewed(clock, None, seed)
    assert harness.emu.clock.skew == -30.0
    # Seed tasks start on the server's clock too.
    assert harness.admin("GET", "/_emulator/tasks")[1]["tasks"][0]["created_at"] == iso_ms(clock.now() - 30)
    assert _skewed(clock, 30, seed).emu.clock.skew == 30.0  # --clock-skew wins over the seed
    assert Emulator(clock=clock).clock.skew == 0.0
    with pytest.raises(ValueError, match="seed clock_skew"):
        validate_seed({"clock_skew": "ahead"})


def test_cli_flag_parses_negative_values_and_rejects_nonsense(capsys):
    assert build_parser().parse_args(["--clock-skew", "-30"]).clock_skew == -30.0
    assert build_parser().parse_args(["--clock-skew=12.5"]).clock_skew == 12.5
    with pytest.raises(SystemExit):
        cli_main(["--clock-skew", "nan", "--quiet"])
    assert "clock skew" in capsys.readouterr().err


def test_date_header_of_every_answer_is_on_the_servers_clock():
    # In-process server with the real clock as the caller's: Date must be 30 s behind the host.
    emulator = Emulator(clock_skew=-30)
    server = EmulatorServer(("127.0.0.1", 0), emulator, quiet=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        with requests.Session() as session:
            before = time.time()
            answers = [
                session.get(server.base_url + "/_emulator/health", timeout=5),
                session.get(server.base_url + "/v2/%s/instances/x/tasks" % DEFAULT_PROJECT_ID, timeout=5),
            ]
            after = time.time()
    finally:
        server.shutdown()
        server.server_close()
    assert answers[1].status_code == 401  # unsigned: errors carry the server's Date too
    for answer in answers:
        stamped = parsedate_to_datetime(answer.headers["Date"]).timestamp()
        assert int(before - 30) <= stamped <= after - 30


def test_emulator_process_passes_the_skew():
    with EmulatorProcess(clock_skew=-30) as process:
        admin = process.admin()
        assert admin.clock()["skew"] == -30.0
        assert admin.set_clock_skew(30)["skew"] == 30.0
        admin.reset()
        assert admin.clock()["skew"] == -30.0


def test_created_ago_back_dates_on_the_servers_clock(clock):
    harness = _skewed(clock, -30)
    status, task = harness.admin("POST", "/_emulator/tasks", {"instance_id": INSTANCE, "created_ago": 60})
    assert status == 201 and task["created_at"] == iso_ms(clock.now() - 30 - 60)
    for bad in (
        {"created_ago": -1},
        {"created_ago": "60"},
        {"created_ago": True},
        {"created_ago": 5, "created_at": "2024-01-15T08:00:00Z"},
    ):
        status, answer = harness.admin("POST", "/_emulator/tasks", dict(bad, instance_id=INSTANCE))
        assert status == 400 and "created_" in answer["error"]
