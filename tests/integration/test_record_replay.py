# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The fidelity loop end to end, with the emulator itself as the upstream: record examples/wait_bind_public_ip.yml
through `dms-emulator record`, replay it with `dms-emulator replay` (same playbook result), `dms-emulator compare`
with zero differences, an emulator with a renamed field caught by compare, and no test secret in any cassette."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest

from dms_emulator.app import Emulator
from dms_emulator.cassette import load_cassette
from dms_emulator.compare import compare_cassette, render_report
from dms_emulator.testing import EmulatorAdmin, EmulatorProcess

ROOT = Path(__file__).resolve().parents[2]
ACCESS_KEY = "RRTESTAKQ4XH2KLM9P0Z"
SECRET_KEY = "rr-test-secret/key+with=odd&chars"
SECURITY_TOKEN = "rr-token+AbC/dEf==tail"
PROJECT_ID = "9f3c2a7be41d4c0a8e6f5b2d1c0a9e8f"
RABBITMQ = "6e3a3b1c-1111-4a4a-9b9b-00000000a003"
EIPS = [
    "1aea7aed-e7d8-40ea-b3de-6f3ee9d5db9f",
    "2bfb8bfe-f8e9-41fb-c4ef-7f4ff0e6ec0a",
    "3c0c9c0f-09fa-42ac-d5f0-8a5001f7fd1b",
]
SECRETS = [ACCESS_KEY, SECRET_KEY, SECURITY_TOKEN, PROJECT_ID, RABBITMQ] + EIPS
# One RabbitMQ instance: its bind is a change and a task to wait for (the richest path), and the run stays short; the
# Kafka path (POST public-boundwidth) runs through the same proxy code.
INSTANCES = [{"instance_id": RABBITMQ, "public_ip_ids": EIPS[:1]}]


def _spellings(value):
    # Written here, not taken from the scrubber: the scan must not share the code it checks.
    return {
        value,
        value.lower(),
        value.upper(),
        quote(value, safe=""),
        quote(value, safe="").lower(),
        quote_plus(value),
        json.dumps(value)[1:-1],
    }


def _start(args, env, url_file):
    process = subprocess.Popen(
        [sys.executable, "-m", "dms_emulator"] + args + ["--quiet", "--url-file", str(url_file)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 20
    while not (url_file.exists() and url_file.read_text().strip()):
        assert process.poll() is None and time.monotonic() < deadline, process.stderr.read() if process.stderr else ""
        time.sleep(0.05)
    return process, url_file.read_text().strip()


def _stop(process):
    process.terminate()
    process.wait(timeout=20)


def _playbook(endpoint, tmp_path, instances=None):
    env = {key: value for key, value in os.environ.items() if not key.startswith(("HW_", "HUAWEICLOUD_SDK_"))}
    env.update(
        HW_ACCESS_KEY=ACCESS_KEY,
        HW_SECRET_KEY=SECRET_KEY,
        HW_SECURITY_TOKEN=SECURITY_TOKEN,
        HW_PROJECT_ID=PROJECT_ID,
        HW_REGION_NAME="cn-north-4",
        HW_DMS_ENDPOINT=endpoint,
        ANSIBLE_NOCOLOR="1",
        ANSIBLE_LOCALHOST_WARNING="0",
        ANSIBLE_INVENTORY_UNPARSED_WARNING="0",
        ANSIBLE_RETRY_FILES_ENABLED="0",
        ANSIBLE_PYTHON_INTERPRETER=sys.executable,
    )
    done = subprocess.run(
        [
            os.path.join(os.path.dirname(sys.executable), "ansible-playbook"),
            str(ROOT / "examples" / "wait_bind_public_ip.yml"),
            "-e",
            json.dumps(
                {"dms_instances": instances or INSTANCES, "unbind_at_end": True, "wait_sleep": 0.3, "wait_timeout": 60}
            ),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=str(tmp_path),
    )
    return done


def _outcome(stdout):
    """Per task and item: changed/ok/failed, and the recap; what a run did, without its timings."""
    return re.findall(
        r"^(TASK \[.*?\]|changed: .*|ok: \[localhost\] => \(item=[^)]*\)|failed: .*|localhost +: .*)$", stdout, re.M
    )


@pytest.fixture(scope="session")
def recorded(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("record-replay")
    seed = tmp / "seed.json"
    seed.write_text(
        json.dumps(
            {
                "access_keys": [{"access_key": ACCESS_KEY, "secret_key": SECRET_KEY, "security_token": SECURITY_TOKEN}],
                "projects": [{"id": PROJECT_ID, "name": "cn-north-4"}],
            }
        )
    )
    with EmulatorProcess(seed=str(seed)) as upstream:
        admin = EmulatorAdmin(upstream.url)
        admin.create_instance(RABBITMQ, "rabbitmq", bind_seconds=0.5, unbind_seconds=0.5, project_id=PROJECT_ID)
        # dms_public_access looks every EIP up through the VPC API before binding: they must exist upstream.
        admin._call("POST", "/_emulator/eips", {"eips": [{"id": eip} for eip in EIPS], "project_id": PROJECT_ID})
        env = dict(os.environ, HW_ACCESS_KEY=ACCESS_KEY, HW_SECRET_KEY=SECRET_KEY, HW_SECURITY_TOKEN=SECURITY_TOKEN)
        cassette = tmp / "demo.cassette.json"
        # The emulator serves the EIP (VPC) API on its own URL, like DMS.
        record = ["record", "--upstream", upstream.url, "--vpc-upstream", upstream.url, "--cassette", str(cassette)]
        proxy, url = _start(record, env, tmp / "record.url")
        try:
            run = _playbook(url, tmp)
        finally:
            _stop(proxy)
        stats = admin.stats()
    return {"tmp": tmp, "seed": seed, "cassette": cassette, "run": run, "upstream_stats": stats}


def test_record_forwards_resigned_calls_and_writes_the_whole_run(recorded):
    run = recorded["run"]
    assert run.returncode == 0, run.stdout + run.stderr
    cassette = load_cassette(str(recorded["cassette"]))
    # The upstream verified every forwarded signature (with the security token) and refused none.
    assert recorded["upstream_stats"]["auth_failures"] == 0
    assert len(cassette.interactions) == recorded["upstream_stats"]["requests"] >= 10
    methods = [call.method for call in cassette.interactions]
    assert methods.count("PUT") == 2  # bind, and unbind at the end
    # A wait's successive task states are all there, in order, each answer with its Date.
    states = [
        task["status"]
        for call in cassette.interactions
        if call.path.endswith("/tasks") and isinstance(call.json_body, dict)
        for task in call.json_body.get("tasks", [])
    ]
    assert "SUCCESS" in states and states.index("SUCCESS") > 0
    assert all(call.date for call in cassette.interactions)


def test_replay_gives_the_same_playbook_result(recorded, tmp_path):
    env = {key: value for key, value in os.environ.items() if not key.startswith("HW_")}
    server, url = _start(["replay", str(recorded["cassette"]), "--seed", str(recorded["seed"])], env, tmp_path / "u")
    try:
        replayed = _playbook(url, tmp_path)
    finally:
        _stop(server)
    assert replayed.returncode == 0, replayed.stdout + replayed.stderr
    assert _outcome(replayed.stdout) == _outcome(recorded["run"].stdout)
    assert "changed=2" in replayed.stdout  # the bind and the unbind; the rerun changed nothing


def test_compare_finds_no_difference_with_the_emulator(recorded):
    done = subprocess.run(
        [sys.executable, "-m", "dms_emulator", "compare", str(recorded["cassette"])],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.rstrip().endswith("0 differences in 0 calls"), done.stdout


def test_compare_shows_a_renamed_field(recorded):
    class Renamed(Emulator):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            detail = self.instances.detail

            def renamed(profile):
                answer = dict(detail(profile))
                answer["enable_public_ip"] = answer.pop("enable_publicip")
                return answer

            self.instances.detail = renamed

    cassette = load_cassette(str(recorded["cassette"]))
    reports = compare_cassette(cassette, Renamed)
    report = render_report("demo", reports)
    # Every read of the instance shows it, a wait's earlier reads included (the field is in every recorded answer).
    reads = [
        n
        for n, call in enumerate(cassette.interactions, 1)
        if call.method == "GET" and "enable_publicip" in str(call.json_body)
    ]
    assert [r.number for r in reports if r.differences] == reads
    assert "field enable_publicip: recorded, missing from the emulator's answer" in report
    assert "field enable_public_ip: in the emulator's answer, not recorded" in report
    assert not report.rstrip().endswith("0 differences in 0 calls")


def test_no_cassette_holds_a_test_secret_in_any_spelling(recorded):
    # Runs last in this module: every cassette the tests wrote is in the module's directory.
    cassettes = list(recorded["tmp"].rglob("*.json"))
    cassettes = [path for path in cassettes if path.name != "seed.json"]
    assert cassettes
    for path in cassettes:
        text = path.read_text(encoding="utf-8")
        for secret in SECRETS:
            for form in _spellings(secret):
                assert form not in text, "%s holds %r" % (path.name, form)
