# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Issue 15: hostile servers and bad input cannot hurt - every secret redacted, every second bounded, no crash.

Each test runs the real module (``python -m ...dms_task_info args.json``, the way AnsiballZ runs it, so
AnsibleModule, no_log masking and exit_json are all in play) against a hand-written HTTP server on 127.0.0.1
that answers with exactly the bytes the test scripts: dripping status lines, 100-Continue floods, echoed
tokens in every place a message can quote, deep JSON, odd types, redirects, endless pages. Every run's stdout
and stderr are searched for every secret of the run in raw, stripped, JSON-escaped, repr and percent-encoded
forms, and checked for a traceback. Only behaviour is asserted, never internals.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any, Callable, Iterable, Optional
from urllib.parse import quote, quote_plus

import pytest

COLLECTIONS_ROOT = Path(__file__).resolve().parents[5]
MODULE = "ansible_collections.hwcloud.dms.plugins.modules.dms_task_info"
# The Python the module runs on, as the playbooks' ansible_python_interpreter (conftest.py): make test's stages for
# older Pythons and distribution stacks set DMS_TEST_MANAGED_PYTHON, and DMS_TEST_MANAGED_PYTHONPATH to a directory
# with Ansible's package alone (what AnsiballZ ships to a managed host with the module).
MANAGED_PYTHON = os.environ.get("DMS_TEST_MANAGED_PYTHON") or sys.executable
MANAGED_PYTHONPATH = os.environ.get("DMS_TEST_MANAGED_PYTHONPATH", "")
PROJECT = "0123456789abcdef0123456789abcdef"
AK = "HOSTILEAK0000000001"
SK = "Sk-Qx7secret-9f"
# Shaped like a real IAM token (base64: '+', '/', '='), so its percent-encoded form differs from the raw one.
ISSUED = "MIIZq7Issued+Tok3nAbc/Def=="
PASSWORD = 'Pw"Zq7pass\\wo\u00f6rd-Xy8'
# Deadlines are asserted on the module's own clock ("elapsed" counts from its start), never on the wall clock around
# the subprocess, which also holds the interpreter's start-up that a loaded machine stretches by seconds. The margin
# is for the one read or pause in flight when the deadline came, late by scheduling on a busy machine.
ELAPSED_MARGIN = 1.0


# --- forms a secret can take in a message ----------------------------------------------------------------------


def secret_forms(secret: str) -> set[str]:
    forms = set()
    for value in sorted({secret, secret.strip()}):
        if not value:
            continue
        forms.update(
            {
                value,
                json.dumps(value)[1:-1],
                json.dumps(value, ensure_ascii=False)[1:-1],
                repr(value)[1:-1],
                quote(value, safe=""),
                quote(value),
                quote_plus(value),
            }
        )
    # A message that quotes a cut-off excerpt leaks a part: every run of 6+ letters and digits counts too.
    forms.update(re.findall(r"[A-Za-z0-9]{6,}", secret))
    return {form for form in forms if len(form) >= 4}


def _strings(data: Any) -> Iterable[str]:
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def assert_no_secret(run: "ModuleRun", secrets: Iterable[str]) -> None:
    """No form of any secret in stdout, stderr, or any string of the result once decoded (stdout is JSON-escaped)."""
    decoded = "\n".join(_strings(run.result))
    for secret in secrets:
        for form in secret_forms(secret):
            for where, text in (("stdout", run.stdout), ("stderr", run.stderr), ("the decoded result", decoded)):
                assert form not in text, "a form of a secret (%r...) leaked in %s: %s" % (form[:5], where, text[-2000:])


def warning_texts(result: dict) -> list[str]:
    """The warnings' texts: plain strings before ansible-core 2.19, {'event': {'msg': ...}} summaries from it."""
    texts = []
    for warning in result.get("warnings", []):
        if isinstance(warning, dict):
            warning = (warning.get("event") or {}).get("msg", json.dumps(warning))
        texts.append(str(warning))
    return texts


def assert_clean_failure(run: "ModuleRun") -> dict:
    """failed, one clear message, no traceback, and the partial result keys every failure carries."""
    result = run.result
    assert result.get("failed") is True, run
    assert "Traceback" not in run.stdout + run.stderr, run
    assert "MODULE FAILURE" not in run.stdout and "module_stderr" not in result, run
    assert isinstance(result.get("msg"), str) and result["msg"], run
    return result


# --- the module, run as AnsiballZ would run it ---------------------------------------------------------------


class ModuleRun:
    def __init__(self, returncode: int, stdout: str, stderr: str, wall: float, peak_rss_kib: Optional[int]) -> None:
        self.returncode = returncode
        self.stdout = stdout
        self.stderr = stderr
        self.wall = wall
        self.peak_rss_kib = peak_rss_kib
        try:
            self.result = json.loads(stdout[stdout.index("{") :]) if "{" in stdout else {}
        except ValueError:
            self.result = {}

    def __repr__(self) -> str:
        return "ModuleRun(rc=%s, wall=%.2f)\n--- stdout\n%s\n--- stderr\n%s" % (
            self.returncode,
            self.wall,
            self.stdout[-4000:],
            self.stderr[-3000:],
        )


# Runs the module in this interpreter and reports its peak RSS on the last stderr line (after exit_json's SystemExit).
# The module's own peak RSS: VmHWM of this process's memory map. Not ru_maxrss, which Linux carries across exec, so it
# would report the (large) pytest process this one was forked from.
_RUNNER = (
    "import runpy, sys\n"
    "try:\n"
    "    runpy.run_module(sys.argv.pop(1), run_name='__main__', alter_sys=True)\n"
    "finally:\n"
    "    hwm = [line.split()[1] for line in open('/proc/self/status') if line.startswith('VmHWM:')]\n"
    "    sys.stderr.write('\\nPEAK_RSS_KIB=%s\\n' % (hwm[0] if hwm else ''))\n"
)


def run_module(
    args: dict[str, Any], tmp_path: Path, env: Optional[dict[str, str]] = None, timeout: float = 120
) -> ModuleRun:
    args_file = tmp_path / ("args-%d.json" % time.monotonic_ns())
    args_file.write_text(json.dumps({"ANSIBLE_MODULE_ARGS": args}), encoding="utf-8")
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("HW_", "HUAWEICLOUD_SDK_"))
        and key.lower() not in ("http_proxy", "https_proxy", "no_proxy", "all_proxy")
    }
    environment["PYTHONPATH"] = os.pathsep.join(filter(None, [str(COLLECTIONS_ROOT), MANAGED_PYTHONPATH]))
    environment.update(env or {})
    started = time.monotonic()
    done = subprocess.run(
        [MANAGED_PYTHON, "-c", _RUNNER, MODULE, str(args_file)],
        env=environment,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    wall = time.monotonic() - started
    stderr, _marker, rss = done.stderr.rpartition("PEAK_RSS_KIB=")
    peak = int(rss.strip()) if rss.strip().isdigit() else None
    return ModuleRun(done.returncode, done.stdout, stderr if peak is not None else done.stderr, wall, peak)


# --- a server that answers with exactly the scripted bytes -------------------------------------------------------


class Request:
    def __init__(self, method: str, path: str, headers: dict[str, str], body: bytes) -> None:
        self.method = method
        self.path = path
        self.headers = headers
        self.body = body


Handler = Callable[[Request, socket.socket, threading.Event], None]


class HostileServer:
    """One thread per connection; ``handler(request, conn, stopping)`` writes whatever it likes, then the connection closes."""

    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.requests: list[Request] = []
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(32)
        self.sock.settimeout(0.1)
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return "http://127.0.0.1:%d" % self.sock.getsockname()[1]

    def _serve(self) -> None:
        while not self.stopping.is_set():
            try:
                conn, _addr = self.sock.accept()
            except OSError:
                continue
            threading.Thread(target=self._answer, args=(conn,), daemon=True).start()

    def _answer(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(10)
            data = b""
            try:
                while b"\r\n\r\n" not in data:
                    chunk = conn.recv(65536)
                    if not chunk:
                        return
                    data += chunk
                head, body = data.split(b"\r\n\r\n", 1)
                lines = head.decode("latin-1").split("\r\n")
                method, path = lines[0].split(" ")[:2]
                headers = {}
                for line in lines[1:]:
                    name, _colon, value = line.partition(":")
                    headers[name.strip().lower()] = value.strip()
                length = int(headers.get("content-length", "0") or 0)
                while len(body) < length:
                    chunk = conn.recv(65536)
                    if not chunk:
                        break
                    body += chunk
                request = Request(method, path, headers, body)
                self.requests.append(request)
                self.handler(request, conn, self.stopping)
            except OSError:
                return

    def paths(self) -> list[str]:
        return [request.path for request in self.requests]

    def close(self) -> None:
        self.stopping.set()
        self.sock.close()


@pytest.fixture
def server_factory():
    servers: list[HostileServer] = []

    def make(handler: Handler) -> HostileServer:
        server = HostileServer(handler)
        servers.append(server)
        return server

    yield make
    for server in servers:
        server.close()


def answer(status: int, body: Any = b"", headers: Optional[dict[str, str]] = None, reason: str = "X") -> bytes:
    if not isinstance(body, bytes):
        body = json.dumps(body).encode("utf-8")
    head = "HTTP/1.1 %d %s\r\nContent-Length: %d\r\nConnection: close\r\n" % (status, reason, len(body))
    if not any(name.lower() == "content-type" for name in (headers or {})):
        head += "Content-Type: application/json\r\n"
    for name, value in (headers or {}).items():
        head += "%s: %s\r\n" % (name, value)
    return head.encode("latin-1") + b"\r\n" + body


def send(data: bytes) -> Handler:
    def handler(request: Request, conn: socket.socket, stopping: threading.Event) -> None:
        conn.sendall(data)

    return handler


def task(task_id: str = "t1", status: Any = "SUCCESS", **fields: Any) -> dict:
    return dict(
        {"id": task_id, "name": "bindInstancePublicIp", "status": status, "created_at": "2024-01-15T08:30:00Z"},
        **fields,
    )


def tasks_body(*items: dict, count: Any = None) -> dict:
    return {"task_count": str(len(items) if count is None else count), "tasks": list(items)}


def aksk(server: HostileServer, **extra: Any) -> dict:
    args = {
        "instance_id": "i1",
        "task_id": "t1",
        "project_id": PROJECT,
        "endpoint": server.url,
        "access_key": AK,
        "secret_key": SK,
        "retries": 0,
    }
    args.update(extra)
    return {key: value for key, value in args.items() if value is not None}


# --- 1. tokens and keys that are not printable ASCII ---------------------------------------------------------

TOKEN_NL = "MY-TOKEN-Zq7SECRET\n"


@pytest.mark.parametrize(
    "case",
    [
        "auth_token_newline",
        "security_token_newline",
        "env_HW_AUTH_TOKEN_newline",
        "auth_token_non_latin1",
        "secret_key_non_latin1",
        "access_key_non_latin1",
        "secret_key_tab",
        "security_token_crlf",
    ],
)
def test_token_or_key_that_is_not_printable_ascii_is_refused_without_printing_it(server_factory, tmp_path, case):
    server = server_factory(send(answer(200, tasks_body(task()))))
    base = {"instance_id": "i1", "task_id": "t1", "project_id": PROJECT, "endpoint": server.url}
    env = {}
    secret = TOKEN_NL
    option = "auth_token"
    if case == "auth_token_newline":
        args = dict(base, auth_token=TOKEN_NL)
    elif case == "security_token_newline":
        args, option = dict(base, access_key=AK, secret_key=SK, security_token=TOKEN_NL), "security_token"
    elif case == "env_HW_AUTH_TOKEN_newline":
        args, env = dict(base), {"HW_AUTH_TOKEN": TOKEN_NL}
    elif case == "auth_token_non_latin1":
        secret = "tok-Zq7secret-\u0436\u0436"
        args = dict(base, auth_token=secret)
    elif case == "secret_key_non_latin1":
        secret, option = "sk-Zq7secret-\u4e2d", "secret_key"
        args = dict(base, access_key=AK, secret_key=secret)
    elif case == "access_key_non_latin1":
        secret, option = SK, "access_key"
        args = dict(base, access_key="AK\u0436Zq7", secret_key=SK)
    elif case == "secret_key_tab":
        secret, option = "sk-Zq7secret\tx", "secret_key"
        args = dict(base, access_key=AK, secret_key=secret)
    else:
        secret, option = "st-Zq7secret\r\n", "security_token"
        args = dict(base, access_key=AK, secret_key=SK, security_token=secret)
    run = run_module(args, tmp_path, env=env)
    result = assert_clean_failure(run)
    assert option in result["msg"], result["msg"]
    assert "printable ASCII" in result["msg"], result["msg"]
    assert_no_secret(run, [secret, SK])
    assert server.requests == [], "a request was sent with a malformed credential"


def test_adhoc_reproduction_of_item_1_prints_no_token(tmp_path):
    """The issue's own command line, through `ansible localhost -m` (ansible's output path, not only the module's)."""
    ansible = os.path.join(os.path.dirname(sys.executable), "ansible")
    if not os.path.exists(ansible):
        pytest.fail("ansible is not next to %s" % sys.executable)
    args = {
        "instance_id": "i1",
        "task_id": "t1",
        "project_id": PROJECT,
        "endpoint": "http://127.0.0.1:9",
        "auth_token": "MY-TOKEN-SECRET\n",
    }
    env = {key: value for key, value in os.environ.items() if not key.startswith(("HW_", "HUAWEICLOUD_SDK_"))}
    env.update(
        ANSIBLE_NOCOLOR="1",
        ANSIBLE_LOCALHOST_WARNING="0",
        ANSIBLE_INVENTORY_UNPARSED_WARNING="0",
        ANSIBLE_PYTHON_INTERPRETER=sys.executable,
        ANSIBLE_COLLECTIONS_PATH=str(COLLECTIONS_ROOT),
        ANSIBLE_COLLECTIONS_SCAN_SYS_PATH="false",
    )
    done = subprocess.run(
        [
            ansible,
            "localhost",
            "-i",
            "localhost,",
            "-c",
            "local",
            "-m",
            "hwcloud.dms.dms_task_info",
            "-a",
            json.dumps(args),
            "-vvv",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert "FAILED" in done.stdout, done.stdout
    assert "'auth_token'" in done.stdout and "printable ASCII" in done.stdout, done.stdout[-3000:]
    for form in secret_forms("MY-TOKEN-SECRET\n"):
        assert form not in done.stdout + done.stderr, form


# --- 2. the IAM-issued token and escaped passwords --------------------------------------------------------------


def iam_then(dms: Handler, token: str = ISSUED, iam_failure: Optional[bytes] = None) -> Handler:
    """POST /v3/auth/tokens issues ``token`` (or answers ``iam_failure``); everything else goes to ``dms``."""

    def handler(request: Request, conn: socket.socket, stopping: threading.Event) -> None:
        if request.path.startswith("/v3/auth/tokens"):
            if iam_failure is not None:
                conn.sendall(iam_failure)
                return
            body = {
                "token": {"project": {"id": PROJECT, "name": "cn-north-4"}, "expires_at": "2099-01-01T00:00:00.000000Z"}
            }
            conn.sendall(answer(201, body, {"X-Subject-Token": token}))
            return
        dms(request, conn, stopping)

    return handler


def password_args(server: HostileServer, **extra: Any) -> dict:
    args = {
        "instance_id": "i1",
        "task_id": "t1",
        "project_id": PROJECT,
        "endpoint": server.url,
        "iam_endpoint": server.url,
        "user_name": "u-1",
        "password": PASSWORD,
        "domain_name": "d-1",
        "retries": 0,
    }
    args.update(extra)
    return args


def _echo(request: Request) -> str:
    return request.headers.get("x-auth-token", "")


ECHOES: dict[str, Callable[[Request], bytes]] = {
    "non_json_200_body": lambda r: answer(
        200, ("<html>token %s</html>" % _echo(r)).encode(), {"Content-Type": "text/html"}
    ),
    "bad_status_line": lambda r: ("HTTP/1.1 2x0 %s\r\nContent-Length: 0\r\n\r\n" % _echo(r)).encode(),
    "chunk_size_line": lambda r: (
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\n%s\r\n" % _echo(r)
    ).encode(),
    "error_code": lambda r: answer(400, {"error_code": _echo(r), "error_msg": "bad"}),
    "error_msg_percent_encoded": lambda r: answer(
        400, {"error_code": "DMS.400", "error_msg": "token=" + quote(_echo(r), safe="")}
    ),
    "error_msg_json_escaped_in_text": lambda r: answer(
        400, ("oops %s" % json.dumps({"t": _echo(r)})).encode(), {"Content-Type": "text/plain"}
    ),
    "x_request_id": lambda r: answer(403, {"error_code": "DMS.403", "error_msg": "no"}, {"X-Request-Id": _echo(r)}),
    "task_field_in_result": lambda r: answer(200, tasks_body(task(name="echo " + _echo(r)))),
    "redirect_location": lambda r: answer(302, b"", {"Location": "http://127.0.0.1:9/?t=" + quote(_echo(r), safe="")}),
    "warning_unknown_status": lambda r: answer(200, tasks_body(task(status="ODD-" + _echo(r)))),
}


@pytest.mark.parametrize("where", sorted(ECHOES))
def test_iam_issued_token_echoed_anywhere_never_reaches_the_output(server_factory, tmp_path, where):
    echo = ECHOES[where]
    server = server_factory(iam_then(lambda request, conn, stopping: conn.sendall(echo(request))))
    extra = {"wait_for": True, "wait_timeout": 2, "wait_sleep": 1} if where == "warning_unknown_status" else {}
    run = run_module(password_args(server, **extra), tmp_path)
    assert any(request.headers.get("x-auth-token") == ISSUED for request in server.requests), "the token was never used"
    assert "Traceback" not in run.stdout + run.stderr, run
    assert run.result, run
    assert_no_secret(run, [ISSUED, PASSWORD])


def test_password_with_quote_backslash_and_non_ascii_echoed_json_escaped_by_iam_is_hidden(server_factory, tmp_path):
    def iam(request: Request, conn: socket.socket, stopping: threading.Event) -> None:
        # A gateway that quotes the request it refused, as JSON text inside its message (so the password is escaped).
        text = request.body.decode("utf-8")
        conn.sendall(
            answer(
                401,
                {"error_code": "IAM.0004", "error_msg": "The request you have made requires authentication: " + text},
            )
        )

    server = server_factory(iam)
    run = run_module(password_args(server), tmp_path)
    result = assert_clean_failure(run)
    assert "IAM" in result["msg"]
    assert_no_secret(run, [PASSWORD])


def test_password_echoed_in_a_non_json_iam_answer_is_hidden(server_factory, tmp_path):
    def iam(request: Request, conn: socket.socket, stopping: threading.Event) -> None:
        conn.sendall(answer(200, b"<html>" + request.body + b"</html>", {"Content-Type": "text/html"}))

    server = server_factory(iam)
    run = run_module(password_args(server), tmp_path)
    assert_clean_failure(run)
    assert_no_secret(run, [PASSWORD])


# --- 3. one deadline while the status line and the headers arrive -----------------------------------------------


def drip_headers(request: Request, conn: socket.socket, stopping: threading.Event) -> None:
    head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Pad: " + b"a" * 2000 + b"\r\n\r\n{}"
    for index in range(len(head)):
        if stopping.wait(0.05):
            return
        conn.sendall(head[index : index + 1])


def drip_status_line(request: Request, conn: socket.socket, stopping: threading.Event) -> None:
    head = b"HTTP/1.1 200 " + b"O" * 2000 + b"\r\n\r\n"
    for index in range(len(head)):
        if stopping.wait(0.05):
            return
        conn.sendall(head[index : index + 1])


def continue_flood(request: Request, conn: socket.socket, stopping: threading.Event) -> None:
    for _flood in range(400):
        if stopping.wait(0.3):
            return
        conn.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")


SLOW_HEADS = {"drip_headers": drip_headers, "drip_status_line": drip_status_line, "continue_flood": continue_flood}


@pytest.mark.parametrize("kind", sorted(SLOW_HEADS))
@pytest.mark.parametrize("mode", ["request_timeout", "wait_timeout"])
def test_a_slow_status_line_or_headers_cannot_stretch_the_deadline(server_factory, tmp_path, kind, mode):
    server = server_factory(SLOW_HEADS[kind])
    if mode == "request_timeout":
        args, bound = aksk(server, request_timeout=2, retries=0), 2
    else:
        args, bound = aksk(server, wait_for=True, wait_timeout=3, wait_sleep=1, request_timeout=5, retries=0), 3
    run = run_module(args, tmp_path, timeout=30)
    result = assert_clean_failure(run)
    assert "attempts" in result and "elapsed" in result
    assert result["elapsed"] <= bound + ELAPSED_MARGIN, "took %.1f s for a %d s bound: %s" % (
        result["elapsed"],
        bound,
        result["msg"],
    )


# --- 4. IAM is inside the deadline ------------------------------------------------------------------------------


def hang(request: Request, conn: socket.socket, stopping: threading.Event) -> None:
    stopping.wait(60)


@pytest.mark.parametrize("flow", ["password_token", "project_lookup"])
def test_iam_calls_are_inside_the_wait_deadline_and_named_as_iam(server_factory, tmp_path, flow):
    server = server_factory(hang)
    if flow == "password_token":
        args = password_args(server, wait_for=True, wait_timeout=3, wait_sleep=1, request_timeout=2, retries=3)
    else:
        args = aksk(
            server,
            project_id=None,
            region="cn-north-4",
            iam_endpoint=server.url,
            wait_for=True,
            wait_timeout=3,
            wait_sleep=1,
            request_timeout=2,
            retries=3,
        )
    run = run_module(args, tmp_path, timeout=200)
    result = assert_clean_failure(run)
    assert result["elapsed"] <= 3 + ELAPSED_MARGIN, "IAM took %.1f s past wait_timeout=3: %s" % (
        result["elapsed"],
        result["msg"],
    )
    assert "IAM" in result["msg"] and "the DMS API" not in result["msg"], result["msg"]
    assert result["elapsed"] >= 2.5, "elapsed must count from the module's start, IAM included: %r" % result.get(
        "elapsed"
    )


# --- 5. no answer crashes the module -----------------------------------------------------------------------------


def deep_json(depth: int) -> bytes:
    return (
        '{"task_count":"1","tasks":[{"id":"t1","status":"SUCCESS","params":' + "[" * depth + "]" * depth + "}]}"
    ).encode()


CRASHERS = {
    "deep_json_100000": lambda: answer(200, deep_json(100000)),
    "deep_json_990": lambda: answer(200, deep_json(990)),
    "deep_params_string": lambda: answer(200, tasks_body(task(params="[" * 5000 + "]" * 5000))),
    "status_is_a_list": lambda: answer(200, tasks_body(task(status=["SUCCESS"]))),
    "status_is_an_object": lambda: answer(200, tasks_body(task(status={"a": 1}))),
    "id_is_an_object": lambda: answer(200, tasks_body(task(task_id={"x": 1}))),
    "task_count_is_a_list": lambda: answer(200, tasks_body(task(), count=[1])),
    "huge_number": lambda: answer(
        200, ('{"task_count":"1","tasks":[{"id":"t1","status":"SUCCESS","n":1' + "0" * 5000 + "}]}").encode()
    ),
    "nan_literal": lambda: answer(200, b'{"task_count":"1","tasks":[{"id":"t1","status":"SUCCESS","n":NaN}]}'),
    "task_count_infinite": lambda: answer(200, b'{"task_count":1e999,"tasks":[{"id":"t1","status":"SUCCESS"}]}'),
    "status_is_a_number": lambda: answer(200, tasks_body(task(status=7))),
}


@pytest.mark.parametrize("wait", [False, True], ids=["no_wait", "wait"])
@pytest.mark.parametrize("kind", sorted(CRASHERS))
def test_odd_answers_end_with_a_clear_error_not_a_crash(server_factory, tmp_path, kind, wait):
    body = CRASHERS[kind]()
    server = server_factory(send(body))
    extra = {"wait_for": True, "wait_timeout": 3, "wait_sleep": 1} if wait else {}
    run = run_module(aksk(server, **extra), tmp_path)
    assert "Traceback" not in run.stdout + run.stderr and run.result, run
    assert "MODULE FAILURE" not in run.stdout and "module_stderr" not in run.result, run
    result = run.result
    assert "elapsed" in result and "attempts" in result, result
    if result.get("failed"):
        assert "DMS API" in result["msg"], result["msg"]
        if wait:
            assert result["elapsed"] < 2.5, (
                "a malformed answer is fatal in a wait (it will not fix itself): %s" % result["msg"]
            )


@pytest.mark.parametrize(
    "created_at",
    ["9999-12-31T23:59:59-01:00", "0001-01-01T00:00:00+01:00", "20240115", 12345, None, "2024-01-15T08:30:00+99:00"],
)
def test_latest_with_a_created_at_out_of_range_does_not_crash(server_factory, tmp_path, created_at):
    server = server_factory(
        send(answer(200, tasks_body(task("t1", created_at=created_at), task("t2", created_at="2024-01-15T08:30:00Z"))))
    )
    run = run_module(aksk(server, task_id=None, latest=True), tmp_path)
    assert "Traceback" not in run.stdout + run.stderr and run.result, run
    result = run.result
    assert not result.get("failed"), result
    assert result["task"]["id"] == "t2", "a task with a readable created_at is newer than one without"


# --- 6. bounded memory across pages ------------------------------------------------------------------------------


def endless_pages(request: Request, conn: socket.socket, stopping: threading.Event) -> None:
    items = [{"id": "t%d" % n, "status": "SUCCESS", "params": "x" * 200} for n in range(100)]
    conn.sendall(answer(200, {"task_count": "99999999", "tasks": items}))


def test_endless_full_pages_stop_at_a_cap_on_tasks_kept_naming_it(server_factory, tmp_path):
    server = server_factory(endless_pages)
    run = run_module(aksk(server, task_id=None), tmp_path, timeout=300)
    result = assert_clean_failure(run)
    assert "tasks" in result["msg"] and "begin_time" in result["msg"], result["msg"]
    assert len(server.requests) <= 101, "%d pages read before stopping" % len(server.requests)


def test_a_page_of_a_million_empty_objects_does_not_blow_up_memory(server_factory, tmp_path):
    body = b'{"task_count":"1","tasks":[' + b"{}," * (4 * 1024 * 1024 // 3 - 20) + b"{}]}"
    server = server_factory(send(answer(200, body)))
    run = run_module(aksk(server, task_id=None), tmp_path, timeout=300)
    assert_clean_failure(run)
    assert run.peak_rss_kib is not None and run.peak_rss_kib < 250 * 1024, "peak RSS %s KiB" % run.peak_rss_kib


# --- 7. bad options: clear errors, never a crash, never a secret ------------------------------------------------


@pytest.mark.parametrize(
    "endpoint, says",
    [
        ("http://[127.0.0.1", "'endpoint'"),
        ("http://admin:Zq7pw\uff20127.0.0.1", "'endpoint'"),
        ("http://u:pa/ssZq7pw@127.0.0.1", "user info"),
        ("u:Zq7pw@127.0.0.1", "user info"),
        ("http://admin:Zq7pw%40127.0.0.1", "user info"),
        ("http://admin%3AZq7pw@127.0.0.1", "user info"),
        ("HTTP://admin:Zq7pw@127.0.0.1", "user info"),
        ("http://127.0.0.1:9/\nX-Evil: Zq7pw", "'endpoint'"),
        ("http://d\u00e9ms.example.com", "'endpoint'"),
    ],
)
def test_bad_endpoints_fail_clearly_without_echoing_user_info(tmp_path, endpoint, says):
    run = run_module(
        {
            "instance_id": "i1",
            "task_id": "t1",
            "project_id": PROJECT,
            "endpoint": endpoint,
            "access_key": AK,
            "secret_key": SK,
        },
        tmp_path,
    )
    result = assert_clean_failure(run)
    assert says in result["msg"], result["msg"]
    assert "Zq7pw" not in run.stdout + run.stderr, result["msg"]


@pytest.mark.parametrize("option", ["endpoint", "iam_endpoint"])
def test_user_info_in_iam_endpoint_is_not_echoed_either(tmp_path, option):
    args = {
        "instance_id": "i1",
        "task_id": "t1",
        "project_id": PROJECT,
        "endpoint": "http://127.0.0.1:9",
        "access_key": AK,
        "secret_key": SK,
    }
    args[option] = "http://u:Zq7pw:x@127.0.0.1:9"
    run = run_module(args, tmp_path)
    result = assert_clean_failure(run)
    assert option in result["msg"] and "Zq7pw" not in run.stdout + run.stderr


@pytest.mark.parametrize(
    "extra, says",
    [
        ({"wait_timeout": 10**400, "wait_for": True}, "'wait_timeout'"),
        ({"wait_timeout": 10**300, "wait_sleep": 1e300, "wait_for": True}, "'wait_"),
        ({"wait_sleep": 1e300, "wait_timeout": 600, "wait_for": True}, "'wait_sleep'"),
        ({"wait_sleep": float("inf"), "wait_for": True}, "'wait_sleep'"),
        ({"request_timeout": float("nan")}, "'request_timeout'"),
    ],
)
def test_absurd_numbers_fail_clearly(tmp_path, extra, says):
    args = dict(
        {
            "instance_id": "i1",
            "task_id": "t1",
            "project_id": PROJECT,
            "endpoint": "http://127.0.0.1:9",
            "access_key": AK,
            "secret_key": SK,
            "retries": 0,
        },
        **extra,
    )
    run = run_module(args, tmp_path)
    result = assert_clean_failure(run)
    assert says in result["msg"], result["msg"]


@pytest.mark.parametrize(
    "option, value",
    [
        ("project_id", PROJECT + "\n"),
        ("instance_id", "i1\n"),
        ("task_id", "t1\n"),
        ("region", "cn-north-4\n"),
        ("cloud", "myhuaweicloud.com\n"),
    ],
)
def test_a_trailing_newline_does_not_pass_an_id_or_name_check(server_factory, tmp_path, option, value):
    server = server_factory(send(answer(200, tasks_body(task()))))
    args = aksk(server)
    if option in ("region", "cloud"):
        args.pop("endpoint")
        args["region"] = "cn-north-4"
    args[option] = value
    run = run_module(args, tmp_path)
    result = assert_clean_failure(run)
    assert "'%s'" % option in result["msg"], result["msg"]
    assert server.requests == []


# --- weak points ------------------------------------------------------------------------------------------------


def test_a_redirect_with_a_json_body_is_an_error_naming_its_target_never_followed(server_factory, tmp_path):
    target = server_factory(send(answer(200, tasks_body(task()))))
    server = server_factory(send(answer(302, tasks_body(task()), {"Location": target.url + "/elsewhere"})))
    run = run_module(aksk(server), tmp_path)
    result = assert_clean_failure(run)
    assert "302" in result["msg"] and target.url + "/elsewhere" in result["msg"], result["msg"]
    assert target.requests == []


def test_retry_after_zero_cannot_make_a_request_storm(server_factory, tmp_path):
    server = server_factory(
        send(answer(429, {"error_code": "APIGW.0308", "error_msg": "throttled"}, {"Retry-After": "0"}))
    )
    run = run_module(aksk(server, retries=6), tmp_path)
    assert_clean_failure(run)
    assert len(server.requests) == 7
    assert run.wall >= 6 * 0.5, "7 requests in %.2f s: retry pauses need a floor" % run.wall


@pytest.mark.long
def test_retry_after_is_capped_in_total_not_per_retry(server_factory, tmp_path):
    # 5 retries x Retry-After 20 s would be 100 s; the budget (documented) is far less, and the message does not
    # then tell the user to raise 'retries'.
    server = server_factory(
        send(answer(429, {"error_code": "APIGW.0308", "error_msg": "throttled"}, {"Retry-After": "20"}))
    )
    run = run_module(aksk(server, retries=5), tmp_path, timeout=200)
    result = assert_clean_failure(run)
    # The Retry-After budget is 60 s in total (one more second for the last request).
    assert result["elapsed"] <= 60 + 1 + ELAPSED_MARGIN, "took %.1f s" % result["elapsed"]
    assert "raise 'retries'" not in result["msg"], result["msg"]
    assert "Retry-After" in result["msg"], result["msg"]


def test_a_tiny_wait_sleep_is_raised_to_the_floor_with_one_warning(server_factory, tmp_path):
    server = server_factory(send(answer(200, tasks_body(task(status="EXECUTING")))))
    run = run_module(aksk(server, wait_for=True, wait_timeout=2, wait_sleep=0.01), tmp_path)
    result = assert_clean_failure(run)
    warnings = [warning for warning in warning_texts(result) if "wait_sleep" in warning]
    assert len(warnings) == 1, result.get("warnings")
    assert len(server.requests) <= 2 / 0.5 + 2, "%d requests in a 2 s wait" % len(server.requests)


def test_wait_sleep_of_one_second_stays_valid_without_a_warning(server_factory, tmp_path):
    server = server_factory(send(answer(200, tasks_body(task()))))
    run = run_module(aksk(server, wait_for=True, wait_timeout=5, wait_sleep=1), tmp_path)
    assert not run.result.get("failed"), run
    assert not [warning for warning in warning_texts(run.result) if "wait_sleep" in warning]


def test_a_server_supplied_task_id_is_validated_before_it_goes_into_a_url(server_factory, tmp_path):
    def handler(request: Request, conn: socket.socket, stopping: threading.Event) -> None:
        if "/progress" in request.path:
            conn.sendall(answer(200, {"progress_percentage": 100, "remain_time": 0, "step_list": []}))
        else:
            conn.sendall(answer(200, tasks_body(task(".."), task("a/../../b"))))

    server = server_factory(handler)
    run = run_module(aksk(server, task_id=None, include_progress=True), tmp_path)
    assert "Traceback" not in run.stdout + run.stderr and run.result, run
    assert not any(".." in path for path in server.paths()[1:]), server.paths()
    assert len(server.requests) == 1, server.paths()


def test_show_does_not_take_another_tasks_success_for_the_requested_one(server_factory, tmp_path):
    server = server_factory(send(answer(200, tasks_body(task("someone-else", "SUCCESS")))))
    run = run_module(aksk(server, wait_for=True, wait_timeout=3, wait_sleep=1), tmp_path)
    result = assert_clean_failure(run)
    assert "someone-else" in result["msg"] or "t1" in result["msg"], result["msg"]
    assert result.get("task", {}).get("id") != "someone-else"


def test_http_endpoint_off_loopback_warns_once_that_credentials_go_in_clear(server_factory, tmp_path):
    proxy = server_factory(send(answer(200, tasks_body(task()))))
    run = run_module(
        aksk(proxy, endpoint="http://dms.hostile.example.com"),
        tmp_path,
        env={"HTTP_PROXY": proxy.url, "http_proxy": proxy.url},
    )
    assert not run.result.get("failed"), run
    assert proxy.requests and proxy.requests[0].path.startswith("http://dms.hostile.example.com/")
    warnings = [warning for warning in warning_texts(run.result) if "http://" in warning]
    assert len(warnings) == 1, run.result.get("warnings")


def test_http_endpoint_on_loopback_does_not_warn(server_factory, tmp_path):
    server = server_factory(send(answer(200, tasks_body(task()))))
    run = run_module(aksk(server), tmp_path)
    assert not run.result.get("failed"), run
    assert not [warning for warning in warning_texts(run.result) if "http://" in warning], run.result.get("warnings")


def test_a_407_says_it_came_from_the_proxy(server_factory, tmp_path):
    proxy = server_factory(send(answer(407, b"", {"Proxy-Authenticate": 'Basic realm="corp"'}, reason="Denied")))
    run = run_module(
        aksk(proxy, endpoint="http://dms.hostile.example.com"),
        tmp_path,
        env={"HTTP_PROXY": proxy.url, "http_proxy": proxy.url},
    )
    result = assert_clean_failure(run)
    assert "407" in result["msg"] and "proxy" in result["msg"].lower(), result["msg"]


def test_a_list_wait_remembers_a_task_that_vanished(server_factory, tmp_path):
    answers = [answer(200, tasks_body(task("vanishing-1", "EXECUTING")))]

    def handler(request: Request, conn: socket.socket, stopping: threading.Event) -> None:
        conn.sendall(answers.pop(0) if answers else answer(200, tasks_body()))

    server = server_factory(handler)
    run = run_module(
        aksk(server, task_id=None, name="bindInstancePublicIp", wait_for=True, wait_timeout=3, wait_sleep=1), tmp_path
    )
    result = assert_clean_failure(run)
    assert "vanishing-1" in result["msg"], result["msg"]
    assert [item.get("id") for item in result["tasks"]] == ["vanishing-1"], result["tasks"]
