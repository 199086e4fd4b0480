"""record, replay and compare without a playbook: IAM tokens and names through the proxy, scrubbing in every
spelling, replay's refusals (a call the cassette lacks, a bad signature, one id for two stand-ins), cassette and
command-line errors. The playbook end to end is tests/integration/test_record_replay.py in the collection."""

from __future__ import annotations

import json
import socket
import threading
from urllib.parse import quote, quote_plus

import pytest
from emu_harness import Harness

from dms_emulator.app import Emulator
from dms_emulator.cassette import CassetteError, load_cassette
from dms_emulator.clock import FakeClock
from dms_emulator.compare import compare_cassette, render_report
from dms_emulator.fidelity_cli import main as fidelity_main
from dms_emulator.recorder import Credentials, Recorder
from dms_emulator.replayer import Replayer, unbind
from dms_emulator.request import Received
from dms_emulator.scrub import Scrubber
from dms_emulator.server import EmulatorServer

AK = "RRUNITAK0000000000AB"
SK = "unit/secret+key=with&chars"
TOKEN = "unit-security+token/x=="
PROJECT = "a1b2c3d4e5f60718293a4b5c6d7e8f90"
DOMAIN_ID = "d0d1d2d3d4d5d6d7d8d9dadbdcdddedf"
USER, PASSWORD, DOMAIN = "alice.cloud", "p@ss/word+1", "acme-corp"
INSTANCE = "5a5a5a5a-1234-4abc-9def-0123456789ab"
SEED = {
    "access_keys": [{"access_key": AK, "secret_key": SK, "security_token": TOKEN}],
    "projects": [{"id": PROJECT, "name": "cn-north-4", "domain_id": DOMAIN_ID}],
    "users": [{"name": USER, "password": PASSWORD, "domain_name": DOMAIN, "domain_id": DOMAIN_ID}],
    "instances": [{"id": INSTANCE, "engine": "rabbitmq", "project_id": PROJECT}],
}


def _forms(value):
    return {
        value,
        value.lower(),
        value.upper(),
        quote(value, safe=""),
        quote(value, safe="").lower(),
        quote_plus(value),
        json.dumps(value)[1:-1],
    }


@pytest.fixture
def upstream():
    server = EmulatorServer(("127.0.0.1", 0), Emulator(seed=SEED), quiet=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield server.base_url
    server.shutdown()
    server.server_close()


def _request(method, path, query="", body=b"", **headers):
    return Received(method, path, query, {k.replace("_", "-"): v for k, v in headers.items()}, body)


def _token_body():
    return json.dumps(
        {
            "auth": {
                "identity": {
                    "methods": ["password"],
                    "password": {"user": {"name": USER, "password": PASSWORD, "domain": {"name": DOMAIN}}},
                },
                "scope": {"project": {"id": PROJECT}},
            }
        }
    ).encode()


def _record(upstream, path):
    recorder = Recorder({"dms": upstream, "iam": upstream}, Credentials(AK, SK, TOKEN), str(path))
    # The client's own signature is junk: the proxy checks nothing and signs again with the credentials above.
    instance = recorder.dispatch(
        _request("GET", "/v2/%s/instances/%s" % (PROJECT, INSTANCE), authorization="SDK-HMAC-SHA256 junk")
    )
    assert instance.status == 200, instance.body
    token = recorder.dispatch(_request("POST", "/v3/auth/tokens", body=_token_body(), content_type="application/json"))
    assert token.status == 201, token.body
    subject = token.headers["X-Subject-Token"]
    projects = recorder.dispatch(_request("GET", "/v3/projects", "name=cn-north-4", x_auth_token=subject))
    assert projects.status == 200, projects.body
    _assert_scrubbed(path, subject)
    return recorder, subject


def _assert_scrubbed(path, *more):
    """Every cassette these tests record goes through this scan."""
    text = path.read_text()
    for secret in (AK, SK, TOKEN, PROJECT, DOMAIN_ID, USER, PASSWORD, DOMAIN, INSTANCE) + more:
        for form in _forms(secret):
            assert form not in text, "%s holds %r" % (path.name, form)


def test_record_scrubs_every_secret_and_id_in_every_spelling(upstream, tmp_path):
    path = tmp_path / "iam.json"
    recorder, subject = _record(upstream, path)  # scans the cassette too
    cassette = load_cassette(str(path))
    first, token, projects = cassette.interactions
    # The same project id got the same stand-in in a path and in IAM's JSON answers.
    project = first.path.split("/")[2]
    assert cassette.stand_ins[project] == "hex32"
    assert token.json_body["token"]["project"]["id"] == project
    assert project in [listed["id"] for listed in projects.json_body["projects"]]
    assert json.loads(token.body)["auth"]["identity"]["password"]["user"]["password"].startswith("REDACTED-password-")
    assert token.headers["x-subject-token"].startswith("REDACTED-token-")
    assert first.date and first.status == 200 and token.status == 201


def test_record_names_the_option_a_call_needs(upstream, tmp_path):
    recorder = Recorder({"dms": upstream}, Credentials(AK, SK), str(tmp_path / "c.json"))
    reply = recorder.dispatch(_request("GET", "/v1/%s/publicips" % PROJECT, authorization="x"))
    assert reply.status == 502
    assert "no --vpc-upstream was given" in json.loads(reply.body)["error_msg"]
    assert load_cassette(str(tmp_path / "c.json")).interactions == []
    _assert_scrubbed(tmp_path / "c.json")


def test_scrubber_keeps_one_stand_in_per_id_and_learns_late_secrets():
    scrub = Scrubber([("access-key", AK), ("secret-key", SK)])
    upper = scrub.text("/v2/%s/x" % PROJECT.upper())
    encoded = scrub.text("q=%s&ak=%s" % (quote(PROJECT), quote(AK, safe="")))
    assert upper.split("/")[2].lower() in encoded and "REDACTED-access-key-1" in encoded
    # Lower-case percent-escapes (%2f) are the same value.
    assert scrub.text("sk=" + quote(SK, safe="").lower()) == "sk=REDACTED-secret-key-1"
    scrub.request_body(json.dumps({"user": {"name": USER, "password": PASSWORD}}).encode())
    assert USER not in scrub.text("greeting %s and %s" % (USER, quote(PASSWORD, safe="")))


def test_replay_serves_in_order_and_checks_signatures(upstream, tmp_path):
    path = tmp_path / "iam.json"
    _record(upstream, path)
    cassette = load_cassette(str(path))
    clock = FakeClock(1.9e9)
    replay = Harness(Replayer(cassette, seed=SEED, clock=clock), clock)
    other = "5a5a5a5a-1234-4abc-9def-0000000000ff"
    reply, body = replay.call("GET", "/v2/%s/instances/%s" % (PROJECT, INSTANCE), ak=AK, sk="wrong")
    assert reply.status == 401
    reply, body = replay.call(
        "GET", "/v2/%s/instances/%s" % (PROJECT, INSTANCE), ak=AK, sk=SK, headers={"x-security-token": TOKEN}
    )
    assert reply.status == 200 and body["instance_id"] == INSTANCE
    # The recorded Date moved to the replay's clock.
    assert reply.headers["Date"] == "Sun, 17 Mar 2030 17:46:40 GMT"
    reply, body = replay.call(
        "GET", "/v2/%s/instances/%s" % (PROJECT, other), ak=AK, sk=SK, headers={"x-security-token": TOKEN}
    )
    assert reply.status == 400
    assert body["error_msg"] == (
        "dms-emulator replay: the cassette holds no call GET /v2/%s/instances/%s at this point: its call 2 of 3 is"
        " POST /v3/auth/tokens" % (PROJECT, other)
    )
    token = replay.emu.dispatch(_request("POST", "/v3/auth/tokens", body=_token_body()))
    assert token.status == 201
    reply = replay.emu.dispatch(
        _request("GET", "/v3/projects", "name=cn-north-4", x_auth_token=token.headers["X-Subject-Token"])
    )
    assert reply.status == 200 and PROJECT in [listed["id"] for listed in json.loads(reply.body)["projects"]]
    reply = replay.emu.dispatch(_request("GET", "/v3/projects", "", x_auth_token="t"))
    assert json.loads(reply.body)["error_msg"].startswith(
        "dms-emulator replay: the cassette holds no call GET /v3/projects"
    )


def test_replay_binds_one_value_to_one_stand_in(tmp_path):
    cassette_path = tmp_path / "two.json"
    a, b = "00000000-0000-4000-8000-000000000001", "00000000-0000-4000-8000-000000000002"
    calls = [
        {"request": {"method": "GET", "path": "/v2/p/instances/" + a}, "response": {"status": 200, "json": {}}},
        {"request": {"method": "GET", "path": "/v2/p/instances/" + b}, "response": {"status": 200, "json": {}}},
    ]
    document = {"format": "hwcloud-dms-cassette", "version": 1, "stand_ins": {a: "uuid", b: "uuid"}}
    cassette_path.write_text(json.dumps(dict(document, interactions=calls)))
    clock = FakeClock()
    replay = Harness(Replayer(load_cassette(str(cassette_path)), clock=clock), clock)
    assert replay.call("GET", "/v2/p/instances/" + INSTANCE)[0].status == 200
    assert replay.call("GET", "/v2/p/instances/" + INSTANCE)[0].status == 400


@pytest.mark.parametrize(
    "content, message",
    [
        ("{", "is not JSON"),
        ('{"format": "other"}', 'is not a cassette (no "format": "hwcloud-dms-cassette")'),
        ('{"format": "hwcloud-dms-cassette", "version": 9}', "has version 9; this dms-emulator reads version 1"),
        ('{"format": "hwcloud-dms-cassette", "version": 1, "interactions": [{}]}', "call 1: not a recorded call"),
    ],
)
def test_cassette_errors_name_the_file_and_the_fault(tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_text(content)
    with pytest.raises(CassetteError, match="bad.json") as caught:
        load_cassette(str(path))
    assert message in str(caught.value)


def test_record_command_line_refuses_what_cannot_work(monkeypatch, capsys, tmp_path):
    for name in ("HW_ACCESS_KEY", "HW_SECRET_KEY", "HW_SECURITY_TOKEN", "HW_REGION_NAME"):
        monkeypatch.delenv(name, raising=False)
    cassette = str(tmp_path / "c.json")
    with pytest.raises(SystemExit):
        fidelity_main(["record", "--upstream", "https://dms.example", "--cassette", cassette])
    assert "set HW_ACCESS_KEY and HW_SECRET_KEY" in capsys.readouterr().err
    monkeypatch.setenv("HW_ACCESS_KEY", AK)
    monkeypatch.setenv("HW_SECRET_KEY", SK)
    with pytest.raises(SystemExit):
        fidelity_main(["record", "--upstream", "https://dms.{region}.myhuaweicloud.com", "--cassette", cassette])
    assert "replace the {placeholder} (or set HW_REGION_NAME for {region})" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        fidelity_main(["record", "--upstream", "https://dms.example", "--cassette", cassette, "--host", "0.0.0.0"])
    err = capsys.readouterr().err
    assert "--host 0.0.0.0 is not a loopback address" in err and SK not in err
    assert not (tmp_path / "c.json").exists()  # refused before anything was written


def test_compare_of_an_iam_and_instance_recording_has_no_difference(upstream, tmp_path):
    path = tmp_path / "iam.json"
    _record(upstream, path)
    report = render_report("iam.json", compare_cassette(load_cassette(str(path))))
    assert report.endswith("0 differences in 0 calls\n"), report
    assert report.startswith("dms-emulator compare iam.json: 3 calls\n")


def test_record_gives_up_on_a_trickling_upstream_within_its_timeout(tmp_path):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    stop = threading.Event()

    def trickle():
        conn, dummy = listener.accept()
        conn.recv(65536)
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n")
        while not stop.is_set():  # one byte every 0.2 s: each read succeeds, the whole never comes
            try:
                conn.sendall(b" ")
            except OSError:
                break
            stop.wait(0.2)
        conn.close()

    thread = threading.Thread(target=trickle, daemon=True)
    thread.start()
    url = "http://127.0.0.1:%d" % listener.getsockname()[1]
    recorder = Recorder({"dms": url}, Credentials(AK, SK), str(tmp_path / "t.json"), timeout=1.0)
    try:
        reply = recorder.dispatch(_request("GET", "/v2/%s/instances" % PROJECT, authorization="x"))
    finally:
        stop.set()
        listener.close()
    assert reply.status == 502
    assert json.loads(reply.body)["error_msg"] == (
        "dms-emulator record: DMS upstream %s did not answer GET /v2/%s/instances: no whole answer within --timeout"
        % (url, PROJECT)
    )
    assert load_cassette(str(tmp_path / "t.json")).interactions == []


def test_an_id_is_replaced_only_as_a_whole():
    scrub = Scrubber()
    first = scrub.text("at 10.0.0.1:9094")
    # 10.0.0.1 is known now; 10.0.0.12 is another address, not 10.0.0.1 followed by a 2.
    assert scrub.text("at 10.0.0.12:9094") != first + "2"
    assert scrub.text("at 10.0.0.12:9094").split(":")[0] not in first
    assert scrub.text("10.0.0.1,10.0.0.12") == "192.0.2.2,192.0.2.3"
    assert unbind("192.0.2.1,192.0.2.10", {"192.0.2.1": "A", "192.0.2.10": "B"}) == "A,B"
    assert unbind("192.0.2.10", {"192.0.2.1": "A"}) == "192.0.2.10"
