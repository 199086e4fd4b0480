# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Start or stop the bundled DMS emulator for an integration target, in one module run each.

``emulator_ctl.py start LIFETIME START_TIMEOUT``: start ``python -m dms_emulator`` (the installed package
``hwcloud-dms-emulator``, ``-e ./emulator`` in requirements/test.txt) on 127.0.0.1 (a free port) in its own session
under ``timeout LIFETIME`` (a ceiling for a run killed before it could stop it), wait for its URL, and print one JSON
line: url, pid, state_dir and the emulator's default credentials (its package constants).
``emulator_ctl.py stop PID STATE_DIR``: SIGTERM the process group, wait for it, remove the state directory.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time


def start(lifetime: str, start_timeout: str) -> dict:
    try:
        import dms_emulator  # pylint: disable=import-outside-toplevel
    except ImportError:
        raise SystemExit(
            "the DMS emulator is not installed for %s: pip install hwcloud-dms-emulator"
            " (in this checkout: pip install -e ./emulator)" % sys.executable
        ) from None

    state_dir = tempfile.mkdtemp(prefix="dms-emulator-")
    url_file = os.path.join(state_dir, "url")
    with open(os.path.join(state_dir, "emulator.log"), "wb") as log:
        process = subprocess.Popen(  # pylint: disable=consider-using-with
            [
                "timeout",
                lifetime,
                sys.executable,
                "-m",
                "dms_emulator",
                "--host",
                "127.0.0.1",
                "--port",
                "0",
                "--quiet",
                "--url-file",
                url_file,
            ],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    deadline = time.monotonic() + float(start_timeout)
    url = ""
    while not url.startswith("http://") and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.05)
        if os.path.exists(url_file):
            with open(url_file, encoding="utf-8") as handle:
                url = handle.read().strip()
    if not url.startswith("http://"):
        stop(str(process.pid), state_dir)
        raise SystemExit(
            "the emulator did not write its URL within %s s (exit code %s)" % (start_timeout, process.poll())
        )
    return {
        "url": url,
        "pid": process.pid,
        "state_dir": state_dir,
        "access_key": dms_emulator.DEFAULT_ACCESS_KEY,
        "secret_key": dms_emulator.DEFAULT_SECRET_KEY,
        "project_id": dms_emulator.DEFAULT_PROJECT_ID,
        "region": dms_emulator.DEFAULT_REGION,
    }


def stop(pid: str, state_dir: str) -> dict:
    stopped = False
    try:
        os.killpg(int(pid), signal.SIGTERM)  # the session's group: timeout and the emulator under it
        stopped = True
    except ProcessLookupError:
        pass
    deadline = time.monotonic() + 10
    while stopped and time.monotonic() < deadline:
        try:
            os.killpg(int(pid), 0)
        except ProcessLookupError:
            break
        time.sleep(0.05)
    shutil.rmtree(state_dir, ignore_errors=True)
    return {"stopped": stopped}


def main() -> None:
    action, args = sys.argv[1], sys.argv[2:]
    print(json.dumps(start(*args) if action == "start" else stop(*args)))


if __name__ == "__main__":
    main()
