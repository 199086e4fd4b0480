"""The real server over sockets: CLI contract, keep-alive counting, drop, TLS, SIGTERM, no secrets in logs."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from urllib.parse import urlsplit

import pytest
import requests

from dms_emulator import DEFAULT_ACCESS_KEY, DEFAULT_PROJECT_ID, DEFAULT_SECRET_KEY
from dms_emulator.signing import sign_headers
from dms_emulator.testing import EmulatorAdmin, EmulatorProcess
from dms_emulator.timefmt import format_sdk_date

INSTANCE = "11111111-2222-3333-4444-555555555555"


def signed(session, method, url, path, query="", body=b"", extra=None, sk=DEFAULT_SECRET_KEY, **kw):
    import time

    headers = {
        "Host": urlsplit(url).netloc,
        "Content-Type": "application/json",
        "X-Project-Id": DEFAULT_PROJECT_ID,
        "X-Sdk-Date": format_sdk_date(time.time()),
    }
    headers.update(extra or {})
    headers["Authorization"] = sign_headers(DEFAULT_ACCESS_KEY, sk, method, path, query, headers, body)
    return session.request(
        method, url + path + ("?" + query if query else ""), headers=headers, data=body, timeout=10, **kw
    )


@pytest.fixture(scope="session")
def proc():
    with EmulatorProcess() as process:
        yield process


@pytest.fixture
def admin(proc):
    client = proc.admin()
    client.reset()
    return client


def _path(task=""):
    return "/v2/%s/instances/%s/tasks%s" % (DEFAULT_PROJECT_ID, INSTANCE, "/" + task if task else "")


def test_url_line_and_request_id(proc, admin):
    assert proc.url.startswith("http://127.0.0.1:")
    admin.create_task(instance_id=INSTANCE, id="t")
    with requests.Session() as session:
        ok = signed(session, "GET", proc.url, _path("t"))
        bad = signed(session, "GET", proc.url, _path("t"), sk="wrong")
        adm = session.get(proc.url + "/_emulator/health")
    assert ok.status_code == 200 and ok.json()["tasks"][0]["id"] == "t"
    assert bad.status_code == 401 and bad.json()["request_id"] == bad.headers["X-Request-Id"]
    for response in (ok, bad, adm):
        assert len(response.headers["X-Request-Id"]) == 32


def test_keep_alive_connections_are_counted(proc, admin):
    admin.create_task(instance_id=INSTANCE, id="t")
    with requests.Session() as session:
        for dummy in range(5):
            assert signed(session, "GET", proc.url, _path("t")).status_code == 200
    for dummy in range(2):
        with requests.Session() as session:
            signed(session, "GET", proc.url, _path("t"))
    stats = admin.stats()
    assert stats["requests"] == 7
    # 1 reused connection + 2 one-off ones (+ the admin client's own, which is not reused by urllib).
    assert 3 <= stats["connections"] <= 5


def test_delete_has_no_body(proc, admin):
    admin.create_task(instance_id=INSTANCE, id="t")
    with requests.Session() as session:
        response = signed(session, "DELETE", proc.url, _path("t"))
        assert response.status_code == 204 and response.content == b""
        # The connection must stay usable after a bodiless answer.
        assert signed(session, "GET", proc.url, _path("t")).status_code == 404


def test_drop_closes_connection(proc, admin):
    admin.create_task(instance_id=INSTANCE, id="t")
    admin.add_fault(kind="drop", count=1)
    with requests.Session() as session:
        with pytest.raises(requests.exceptions.ConnectionError):
            signed(session, "GET", proc.url, _path("t"))
        assert signed(session, "GET", proc.url, _path("t")).status_code == 200


def test_delay_is_slow(proc, admin):
    admin.create_task(instance_id=INSTANCE, id="t")
    admin.add_fault(kind="delay", seconds=1.0, count=1)
    with requests.Session() as session:
        with pytest.raises(requests.exceptions.ReadTimeout):
            import time

            headers = {"Host": urlsplit(proc.url).netloc, "X-Sdk-Date": format_sdk_date(time.time())}
            headers["Authorization"] = sign_headers(
                DEFAULT_ACCESS_KEY, DEFAULT_SECRET_KEY, "GET", _path("t"), "", headers
            )
            session.get(proc.url + _path("t"), headers=headers, timeout=0.3)


def test_url_file_sigterm_and_log_without_secrets(tmp_path):
    url_file = tmp_path / "url"
    env = dict(os.environ)
    process = subprocess.Popen(
        [sys.executable, "-m", "dms_emulator", "--url-file", str(url_file)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        url = process.stdout.readline().strip()
        assert url_file.read_text().strip() == url
        admin = EmulatorAdmin(url)
        admin.add_credentials(users=[{"name": "alice", "password": "pw-SECRET-1", "domain_name": "d"}])
        admin.create_task(instance_id=INSTANCE, id="t")
        token = admin.issue_token()["token"]
        with requests.Session() as session:
            signed(session, "GET", url, _path("t"))
            session.get(url + _path("t"), headers={"X-Auth-Token": token})
            session.post(
                url + "/v3/auth/tokens",
                data=json.dumps(
                    {
                        "auth": {
                            "identity": {
                                "methods": ["password"],
                                "password": {
                                    "user": {"name": "alice", "password": "pw-SECRET-1", "domain": {"name": "d"}}
                                },
                            },
                            "scope": {"project": {"name": "cn-north-4"}},
                        }
                    }
                ),
            )
    finally:
        process.send_signal(signal.SIGTERM)
        dummy, err = process.communicate(timeout=10)
    assert process.returncode == 0
    assert "GET %s 200" % _path("t") in err
    assert "POST /v3/auth/tokens 201" in err
    for secret in ("pw-SECRET-1", token, "Signature=", DEFAULT_SECRET_KEY):
        assert secret not in err


def test_quiet_logs_nothing(tmp_path):
    env = dict(os.environ)
    process = subprocess.Popen(
        [sys.executable, "-m", "dms_emulator", "--quiet"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        url = process.stdout.readline().strip()
        requests.get(url + "/_emulator/health", timeout=5)
    finally:
        process.send_signal(signal.SIGINT)
        dummy, err = process.communicate(timeout=10)
    assert process.returncode == 0 and err == ""


def test_tls(tmp_path):
    with EmulatorProcess(tls=True, cert_dir=str(tmp_path)) as process:
        assert process.url.startswith("https://127.0.0.1:")
        assert process.ca_path == str(tmp_path / "ca.pem") and os.path.exists(process.ca_path)
        admin = process.admin()
        admin.create_task(instance_id=INSTANCE, id="t")
        with requests.Session() as session:
            response = signed(session, "GET", process.url, _path("t"), verify=process.ca_path)
            assert response.status_code == 200
            with pytest.raises(requests.exceptions.SSLError):
                session.get(process.url + "/_emulator/health", verify=True, timeout=5)
        # localhost is in the certificate too.
        local = process.url.replace("127.0.0.1", "localhost")
        assert requests.get(local + "/_emulator/health", verify=process.ca_path, timeout=5).json() == {"ok": True}


def test_emulator_bug_is_a_visible_500():
    import io
    import threading

    from dms_emulator.app import Emulator
    from dms_emulator.server import EmulatorServer

    emu = Emulator()

    def broken(req):
        raise KeyError("boom")

    emu.dispatch = broken
    log = io.StringIO()
    server = EmulatorServer(("127.0.0.1", 0), emu, log_stream=log)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        response = requests.get(server.base_url + "/anything", timeout=5)
    finally:
        server.shutdown()
        server.server_close()
    assert response.status_code == 500 and response.json()["error_code"] == "EMU.0500"
    assert "X-Request-Id" in response.headers and "emulator error" in log.getvalue()
