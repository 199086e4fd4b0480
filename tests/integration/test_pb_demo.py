# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""`make demo` cannot rot: run tools/demo.sh (the README's first command) as make demo does, and on failure; and the
second example, where the change is started elsewhere and dms_task_info waits."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _env(tmp_path, collections_path):
    env = {
        key: value for key, value in os.environ.items() if not key.startswith(("HW_", "HUAWEICLOUD_SDK_", "ANSIBLE_"))
    }
    env.update(
        DEMO_VENV_BIN=os.path.dirname(sys.executable), DEMO_COLLECTIONS_PATH=collections_path, TMPDIR=str(tmp_path)
    )
    return env


def _demo(tmp_path, collections_path):
    done = subprocess.run(
        [str(ROOT / "tools" / "demo.sh")],
        env=_env(tmp_path, collections_path),
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    url = re.search(r"listening on (http://127\.0\.0\.1:\d+)", done.stdout)
    assert url, done.stdout + done.stderr
    return done, url.group(1)


def _refuses_connections(url):
    parts = urlsplit(url)
    try:
        socket.create_connection((parts.hostname, parts.port), timeout=2).close()
    except OSError:
        return True
    return False


def _collections():
    collections = os.environ.get("ANSIBLE_COLLECTIONS_PATH")
    assert collections, "run through make test (it sets ANSIBLE_COLLECTIONS_PATH to the laid-out collection)"
    return collections


@pytest.mark.long
def test_demo_binds_each_engine_reruns_unbinds_and_stops_the_emulator(tmp_path):
    done, url = _demo(tmp_path, _collections())
    out = done.stdout
    assert done.returncode == 0, out + done.stderr
    # The progression, in order: each engine's bind is recorded by DMS and succeeds while its module call waits,
    # the module returns only then; the addresses are printed; the rerun changes nothing; the unbinds follow.
    steps = [
        "TASK [Bind the EIPs and wait until the instance reports public access]",
        "RabbitMQ task",
        "(bindInstancePublicIp) is now SUCCESS",
        "changed: [localhost] => (item=6e3a3b1c-1111-4a4a-9b9b-000000000003)",
        "RocketMQ task",
        "(bindInstancePublicIp) is now SUCCESS",
        "changed: [localhost] => (item=6e3a3b1c-1111-4a4a-9b9b-000000000002)",
        "Kafka task",
        "is now SUCCESS",
        "changed: [localhost] => (item=6e3a3b1c-1111-4a4a-9b9b-000000000001)",
        "TASK [Show the public address of each instance]",
        "RabbitMQ instance 6e3a3b1c-1111-4a4a-9b9b-000000000003 is public at 100.",
        "RocketMQ instance 6e3a3b1c-1111-4a4a-9b9b-000000000002 is public at 100.",
        "Kafka instance 6e3a3b1c-1111-4a4a-9b9b-000000000001 is public at 100.",
        "TASK [Run again - nothing is left to change]",
        "ok: [localhost] => (item=6e3a3b1c-1111-4a4a-9b9b-000000000001)",
        "TASK [Disable public access again]",
        "(unbindInstancePublicIp) is now SUCCESS",
        "Emulator stopped.",
    ]
    position = 0
    for step in steps:
        found = out.find(step, position)
        assert found >= 0, (step, out[position:])
        position = found + len(step)
    assert re.search(r"RabbitMQ instance \S+ is public at [0-9.]+:5672\s+\(task bindInstancePublicIp SUCCESS", out), out
    assert re.search(
        r"Kafka instance \S+ is public at ([0-9.]+:9094,){2}[0-9.]+:9094\s+\(task bindInstancePublicIp", out
    ), out
    assert re.search(r"localhost\s+: ok=4\s+changed=2\s+unreachable=0\s+failed=0", out), out
    # No warning: the Kafka rerun compares the EIPs the EIP API resolves (before: "does not list the bound EIP ids").
    assert "WARNING" not in out + done.stderr, out + done.stderr
    assert "fatal" not in out, out
    assert _refuses_connections(url)
    assert not list(tmp_path.glob("hwcloud-dms-demo.*")), "the demo left its work directory behind"


def test_external_change_example_waits_with_dms_task_info(emulator, playbook, instance_id):
    # examples/wait_after_external_change.yml: the change is started elsewhere (here: the emulator's admin API).
    started = time.strftime("%Y%m%d%H%M%S", time.gmtime(time.time() - 1))
    emulator.admin.create_task(
        instance_id=instance_id,
        engine="rabbitmq",
        name="bindInstancePublicIp",
        params={
            "public_ip_id": "1aea7aed-e7d8-40ea-b3de-6f3ee9d5db9f",
            "public_ip_address": "100.93.2.18",
            "enable_public_ip": True,
        },
        timeline=[{"status": "CREATED", "polls": 1}, {"status": "EXECUTING", "polls": 2}, {"status": "SUCCESS"}],
    )
    example = os.path.relpath(
        ROOT / "examples" / "wait_after_external_change.yml", ROOT / "tests" / "integration" / "playbooks"
    )
    run = playbook(example, {"change_started_at": started, "wait_sleep": 0.2, "wait_timeout": 30})
    assert run.returncode == 0, run
    assert "Task " in run.stdout and "(bindInstancePublicIp) is CREATED" in run.stdout, run.stdout
    assert re.search(
        r"bindInstancePublicIp SUCCESS after [0-9.]+ s \(\d+ polls\),\s+public IP 100\.93\.2\.18", run.stdout
    ), run.stdout


def test_demo_stops_the_emulator_when_the_playbook_fails(tmp_path):
    empty = tmp_path / "no-collections"
    empty.mkdir()
    done, url = _demo(tmp_path, str(empty))
    assert done.returncode != 0
    assert "hwcloud.dms.dms_public_access" in done.stdout + done.stderr  # Ansible could not resolve the module
    assert "Emulator stopped." in done.stdout
    assert _refuses_connections(url)
    assert not list(tmp_path.glob("hwcloud-dms-demo.*"))


def test_ctrl_c_during_the_wait_stops_the_emulator(tmp_path):
    # Ctrl-C in a terminal signals the whole foreground process group: the script, Ansible and the emulator.
    demo = subprocess.Popen(
        [str(ROOT / "tools" / "demo.sh")],
        env=_env(tmp_path, _collections()),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    seen = []
    try:
        for line in demo.stdout:
            seen.append(line)
            if line.startswith("TASK [Bind the EIPs and wait until the instance reports public access]"):
                break
        # Let Ansible's worker start the module first: a SIGINT while it forks can wedge ansible-playbook itself
        # (an Ansible quirk a user answers with a second Ctrl-C, as the fallback below does).
        time.sleep(1.0)
        # The progress lines' polls fork often, so a Ctrl-C can land in a fork: press it again, as a user would
        # (up to four times, 15 s apart), before calling it a hang.
        rest = None
        for presses in range(4):
            os.killpg(demo.pid, signal.SIGINT)
            try:
                rest = demo.communicate(timeout=15)[0]
                break
            except subprocess.TimeoutExpired:
                if presses == 3:
                    raise
    finally:
        if demo.poll() is None:
            os.killpg(demo.pid, signal.SIGKILL)
    out = "".join(seen) + rest
    assert demo.returncode != 0, out
    assert "is public at" not in out and "Emulator stopped." in out, out
    url = re.search(r"listening on (http://127\.0\.0\.1:\d+)", out).group(1)
    assert _refuses_connections(url)
    assert not list(tmp_path.glob("hwcloud-dms-demo.*"))
