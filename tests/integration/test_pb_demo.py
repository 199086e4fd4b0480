# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""`make demo` cannot rot: run tools/demo.sh (the README's first command) as make demo does, and on failure."""

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

ROOT = Path(__file__).resolve().parents[2]


def _env(tmp_path, collections_path):
    env = {key: value for key, value in os.environ.items() if not key.startswith(("HW_", "HUAWEICLOUD_SDK_", "ANSIBLE_"))}
    env.update(DEMO_VENV_BIN=os.path.dirname(sys.executable), DEMO_COLLECTIONS_PATH=collections_path, TMPDIR=str(tmp_path))
    return env


def _demo(tmp_path, collections_path):
    done = subprocess.run([str(ROOT / "tools" / "demo.sh")], env=_env(tmp_path, collections_path), capture_output=True, text=True,
                          timeout=180, check=False)
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


def test_demo_waits_for_the_binding_and_stops_the_emulator(tmp_path):
    done, url = _demo(tmp_path, _collections())
    out = done.stdout
    assert done.returncode == 0, out + done.stderr
    task_id = re.search(r"the emulator's DMS now has task ([0-9a-f]{32})", out).group(1)
    # The progression, in order: the first read sees CREATED (and moves the task on to EXECUTING), the wait
    # starts, DMS turns SUCCESS during it, the final line reports it; then the emulator goes away.
    for steps in (["TASK [Look up the binding task]", "DMS: task %s is now EXECUTING" % task_id[:8]],
                  ["Task %s (bindInstancePublicIp) is CREATED" % task_id, "TASK [Wait until DMS says the binding is done]",
                   "DMS: task %s is now SUCCESS" % task_id[:8], "msg: bindInstancePublicIp SUCCESS after ", "Emulator stopped."]):
        positions = [out.find(step) for step in steps]
        assert -1 not in positions and positions == sorted(positions), (steps, positions, out)
    assert out.find("is now EXECUTING") < out.find("is now SUCCESS")
    assert re.search(r"SUCCESS after [0-9.]+ s \(\d+ polls\),\s+public IP 100\.93\.2\.18", out), out
    assert re.search(r"localhost\s+: ok=5\s+changed=0\s+unreachable=0\s+failed=0", out), out
    assert "WARNING" not in out + done.stderr and "fatal" not in out, out + done.stderr
    assert _refuses_connections(url)
    assert not list(tmp_path.glob("hwcloud-dms-demo.*")), "the demo left its work directory behind"


def test_demo_stops_the_emulator_when_the_playbook_fails(tmp_path):
    empty = tmp_path / "no-collections"
    empty.mkdir()
    done, url = _demo(tmp_path, str(empty))
    assert done.returncode != 0
    assert "hwcloud.dms.dms_task_info" in done.stdout + done.stderr    # Ansible could not resolve the module
    assert "Emulator stopped." in done.stdout
    assert _refuses_connections(url)
    assert not list(tmp_path.glob("hwcloud-dms-demo.*"))


def test_ctrl_c_during_the_wait_stops_the_emulator(tmp_path):
    # Ctrl-C in a terminal signals the whole foreground process group: the script, Ansible and the emulator.
    demo = subprocess.Popen([str(ROOT / "tools" / "demo.sh")], env=_env(tmp_path, _collections()), stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True)
    seen = []
    try:
        for line in demo.stdout:
            seen.append(line)
            if line.startswith("TASK [Wait until DMS says the binding is done]"):
                break
        # Let Ansible's worker start the module first: a SIGINT while it forks can wedge ansible-playbook itself
        # (an Ansible quirk a user answers with a second Ctrl-C, as the fallback below does).
        time.sleep(1.0)
        os.killpg(demo.pid, signal.SIGINT)
        try:
            rest = demo.communicate(timeout=30)[0]
        except subprocess.TimeoutExpired:
            os.killpg(demo.pid, signal.SIGINT)
            rest = demo.communicate(timeout=30)[0]
    finally:
        if demo.poll() is None:
            os.killpg(demo.pid, signal.SIGKILL)
    out = "".join(seen) + rest
    assert demo.returncode != 0, out
    assert "bindInstancePublicIp SUCCESS" not in out and "Emulator stopped." in out, out
    url = re.search(r"listening on (http://127\.0\.0\.1:\d+)", out).group(1)
    assert _refuses_connections(url)
    assert not list(tmp_path.glob("hwcloud-dms-demo.*"))
