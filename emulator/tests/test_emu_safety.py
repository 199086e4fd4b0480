"""Safe by default: the admin API stays on loopback (or behind a token), and no request can pin or bloat the server.

Every socket here has a client-side timeout (10 s) far above what the server needs (its own idle timeout is 0.5 s
in these tests): a test fails on a hung server instead of hanging itself, and a loaded machine does not break it.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading

import pytest
import requests

from dms_emulator import DEFAULT_PROJECT_ID
from dms_emulator.app import Emulator
from dms_emulator.cli import main as cli_main
from dms_emulator.request import Received
from dms_emulator.server import EmulatorServer

CLIENT_TIMEOUT = 10.0


@pytest.fixture
def server():
    srv = EmulatorServer(("127.0.0.1", 0), Emulator(), quiet=True, idle_timeout=0.5)
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()


def _raw(server, data: bytes) -> bytes:
    """Send raw bytes, read until the server closes or answers one response; b"" if it closed without one."""
    with socket.create_connection(server.server_address[:2], timeout=CLIENT_TIMEOUT) as sock:
        sock.sendall(data)
        received = b""
        while b"\r\n\r\n" not in received:
            chunk = sock.recv(4096)
            if not chunk:
                break
            received += chunk
        return received


def _admin(emu: Emulator, method: str, path: str, body=None, peer: str = "", headers=None):
    raw = json.dumps(body).encode("utf-8") if body is not None else b""
    hdrs = {"content-type": "application/json"}
    hdrs.update(headers or {})
    reply = emu.dispatch(Received(method, path, "", hdrs, raw, "adm", peer=peer))
    return reply.status, json.loads(reply.body.decode("utf-8")) if reply.body else None


# --- the admin API: loopback only, or a token ---------------------------------------------------------------
@pytest.mark.parametrize("peer", ["192.0.2.10", "10.0.0.1", "::ffff:192.0.2.10", "2001:db8::1"])
def test_admin_api_refuses_a_peer_off_loopback(peer):
    emu = Emulator()
    for method, path in [("POST", "/_emulator/tokens"), ("POST", "/_emulator/reset"), ("GET", "/_emulator/faults")]:
        status, body = _admin(emu, method, path, {}, peer=peer)
        assert status == 403 and "loopback" in body["error"] and "--allow-remote" in body["error"]
    assert emu.identity.tokens == {}


@pytest.mark.parametrize("peer", ["127.0.0.1", "127.5.6.7", "::1", "::ffff:127.0.0.1"])
def test_admin_api_answers_loopback_peers(peer):
    status, body = _admin(Emulator(), "POST", "/_emulator/tokens", {}, peer=peer)
    assert status == 201 and body["token"].startswith("MIIEMU")


def test_admin_api_with_a_token_needs_it_from_every_peer():
    emu = Emulator(admin_token="s3cret-admin-token")
    for peer in ("127.0.0.1", "192.0.2.10"):
        status, body = _admin(emu, "POST", "/_emulator/tokens", {}, peer=peer)
        assert status == 401 and "X-Emulator-Admin-Token" in body["error"]
        status, body = _admin(emu, "POST", "/_emulator/tokens", {}, peer=peer, headers={"x-emulator-admin-token": "no"})
        assert status == 401
        assert "s3cret" not in json.dumps(body)
        status, body = _admin(
            emu, "POST", "/_emulator/tokens", {}, peer=peer, headers={"x-emulator-admin-token": "s3cret-admin-token"}
        )
        assert status == 201


def test_cli_refuses_a_host_off_loopback_without_allow_remote(capsys):
    with pytest.raises(SystemExit) as exited:
        cli_main(["--host", "0.0.0.0", "--port", "0"])
    assert exited.value.code == 2
    assert "--allow-remote" in capsys.readouterr().err


def test_allow_remote_warns_and_requires_the_printed_token(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DMS_EMULATOR_ADMIN_TOKEN"}
    process = subprocess.Popen(
        [sys.executable, "-m", "dms_emulator", "--host", "0.0.0.0", "--port", "0", "--allow-remote", "--quiet"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        url = process.stdout.readline().strip()
        token_line = process.stdout.readline().strip()
        assert url.startswith("http://0.0.0.0:")
        assert token_line.startswith("admin-token: ")
        token = token_line.split(": ", 1)[1]
        port = url.rsplit(":", 1)[1]
        local = "http://127.0.0.1:%s/_emulator/tokens" % port
        refused = requests.post(local, json={}, timeout=CLIENT_TIMEOUT)
        assert refused.status_code == 401
        allowed = requests.post(local, json={}, headers={"X-Emulator-Admin-Token": token}, timeout=CLIENT_TIMEOUT)
        assert allowed.status_code == 201
    finally:
        process.terminate()
        dummy, err = process.communicate(timeout=CLIENT_TIMEOUT)
    assert "WARNING" in err and "0.0.0.0" in err


# --- requests that used to pin a server thread ----------------------------------------------------------------
def test_negative_content_length_is_a_400_not_a_blocked_thread(server):
    answer = _raw(server, b"POST /_emulator/tasks HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n{}")
    assert answer.startswith(b"HTTP/1.1 400 ")


@pytest.mark.parametrize("value", [b"abc", b"1e3", b"+5", b"5, 6"])
def test_malformed_content_length_is_a_400(server, value):
    answer = _raw(server, b"POST /_emulator/tasks HTTP/1.1\r\nHost: x\r\nContent-Length: " + value + b"\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 400 ")


def test_half_sent_request_line_is_closed_after_the_idle_timeout(server):
    # Without a per-connection timeout the server holds this connection (and its thread) until the client leaves.
    assert _raw(server, b"GET /_emulator/hea") == b""


def test_half_sent_body_is_closed_after_the_idle_timeout(server):
    answer = _raw(server, b"POST /_emulator/tasks HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{")
    assert answer == b""


def test_patch_gets_the_gateways_json_not_an_html_501(server):
    url = "http://%s:%d/v2/%s/instances/x" % (server.server_address[0], server.server_address[1], DEFAULT_PROJECT_ID)
    answer = requests.patch(url, json={}, timeout=CLIENT_TIMEOUT)
    assert answer.status_code == 404
    assert answer.headers["Content-Type"].startswith("application/json")
    assert answer.json()["error_code"] == "APIGW.0101"


def test_unknown_method_gets_json(server):
    answer = _raw(server, b"BREW /v2 HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 ") and b"application/json" in answer and b"text/html" not in answer


# --- admin input bounds ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("broker_num", [51, 3_000_000])
def test_admin_instance_broker_num_is_bounded(broker_num):
    status, body = _admin(Emulator(), "POST", "/_emulator/instances", {"instance_id": "big", "broker_num": broker_num})
    assert status == 400 and "broker_num" in body["error"] and "50" in body["error"]


def test_admin_job_settings_broker_num_is_bounded():
    status, body = _admin(Emulator(), "POST", "/_emulator/jobs", {"instance_id": "big", "broker_num": 3_000_000})
    assert status == 400 and "broker_num" in body["error"]


@pytest.mark.parametrize("lifetime", [1e308, -5, 0, "soon", True, float("nan")])
def test_admin_token_lifetime_is_checked(lifetime):
    body = {"lifetime": lifetime}
    raw = json.dumps(body, allow_nan=True).encode("utf-8")
    reply = Emulator().dispatch(Received("POST", "/_emulator/tokens", "", {}, raw, "adm"))
    answer = json.loads(reply.body.decode("utf-8"))
    assert reply.status == 400 and "lifetime" in answer["error"]


# --- --url-file ------------------------------------------------------------------------------------------------
def _start_with_url_file(url_file) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-m", "dms_emulator", "--port", "0", "--quiet", "--url-file", str(url_file)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert process.stdout.readline().startswith("http://127.0.0.1:")
    return process


def test_url_file_never_writes_through_a_symlink(tmp_path):
    victim = tmp_path / "victim"
    victim.write_text("keep me\n")
    url_file = tmp_path / "url"
    # Both the URL file itself and the temporary name the old code used were symlinks to someone else's file.
    (tmp_path / "url.tmp").symlink_to(victim)
    url_file.symlink_to(victim)
    process = _start_with_url_file(url_file)
    try:
        assert victim.read_text() == "keep me\n"
        assert not url_file.is_symlink()
        assert url_file.read_text().startswith("http://127.0.0.1:")
    finally:
        process.terminate()
        process.wait(timeout=CLIENT_TIMEOUT)
