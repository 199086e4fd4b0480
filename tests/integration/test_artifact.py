# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Galaxy artifact builds, installs with ansible-galaxy, and its module runs; ansible-doc renders every option."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

COLLECTION_ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def run(command: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(command, env=env, cwd=str(cwd), capture_output=True, text=True, timeout=300, check=False)


@pytest.fixture(scope="session")
def installed(tmp_path_factory):
    """Build the artifact from the collection tree and install it into a private collections path."""
    work = tmp_path_factory.mktemp("artifact")
    env = dict(os.environ, ANSIBLE_NOCOLOR="1")
    built = run(
        [str(BIN / "ansible-galaxy"), "collection", "build", str(COLLECTION_ROOT), "--output-path", str(work)],
        env,
        work,
    )
    assert built.returncode == 0, built.stderr
    tarball = work / "hwcloud-dms-1.0.0.tar.gz"
    assert tarball.is_file(), built.stdout
    target = work / "collections"
    done = run([str(BIN / "ansible-galaxy"), "collection", "install", str(tarball), "-p", str(target)], env, work)
    assert done.returncode == 0, done.stderr
    return tarball, target


def test_artifact_ships_the_collection_and_not_the_dev_tree(installed):
    tarball, _target = installed
    with tarfile.open(tarball) as archive:
        names = set(archive.getnames())
    for needed in (
        "MANIFEST.json",
        "FILES.json",
        "README.md",
        "LICENSE",
        "meta/runtime.yml",
        "plugins/modules/dms_task_info.py",
        "plugins/doc_fragments/auth.py",
        "plugins/module_utils/_signer.py",
    ):
        assert needed in names
    leaked = [
        name
        for name in names
        if name.split("/")[0] in (".venv", "build", ".git", "emulator", "tools", ".ci")
        or "__pycache__" in name
        or name.startswith("tests/output")
    ]
    assert leaked == []
    # Issue 16: nothing a user cannot run (the benchmark, make, pip pins, lint config, fragments before a release).
    dev_only = [
        name
        for name in names
        if name.split("/")[0] in ("benchmarks", "requirements", "extensions")
        or name in ("Makefile", ".ansible-lint", ".gitignore", "docs/releasing.md", "docs/design.md")
        or name.startswith(
            (
                "changelogs/fragments",
                "tests/integration",
                "tests/compat",
                "tests/smoke",
                "tests/unit/emulator",
                "tests/unit/benchmarks",
            )
        )
    ]
    assert dev_only == []


def test_artifact_tests_run_without_the_unshipped_emulator(installed):
    tarball, _target = installed
    with tarfile.open(tarball) as archive:
        shipped = {
            member.name: archive.extractfile(member).read().decode("utf-8")
            for member in archive.getmembers()
            if member.isfile() and member.name.startswith("tests/")
        }
    assert "tests/unit/plugins/module_utils/test_timeparse.py" in shipped
    needs_emulator = sorted(name for name, text in shipped.items() if "dms_emulator" in text or "emulator" in name)
    assert needs_emulator == []


def test_installed_module_runs_against_the_emulator(installed, emulator, instance_id):
    _tarball, target = installed
    task = emulator.admin.create_task(
        instance_id=instance_id, name="bindInstancePublicIp", timeline=[{"status": "SUCCESS"}]
    )
    env = {key: value for key, value in os.environ.items() if not key.startswith(("HW_", "ANSIBLE_"))}
    env.update(
        ANSIBLE_COLLECTIONS_PATH=str(target),
        ANSIBLE_NOCOLOR="1",
        ANSIBLE_LOCALHOST_WARNING="0",
        ANSIBLE_PYTHON_INTERPRETER=sys.executable,
        HW_ACCESS_KEY=emulator.access_key,
        HW_SECRET_KEY=emulator.secret_key,
        HW_PROJECT_ID=emulator.project_id,
        HW_DMS_ENDPOINT=emulator.url,
    )
    done = run(
        [
            str(BIN / "ansible"),
            "localhost",
            "-o",
            "-m",
            "hwcloud.dms.dms_task_info",
            "-a",
            "instance_id=%s task_id=%s" % (instance_id, task["id"]),
        ],
        env,
        target,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert " | SUCCESS => " in done.stdout
    result = json.loads(done.stdout.split(" | SUCCESS => ", 1)[1])
    assert result["task"]["id"] == task["id"]
    assert result["task"]["status"] == "SUCCESS"
    assert result["changed"] is False
    assert emulator.admin.stats()["signature_failures"] == 0


def test_ansible_doc_renders_every_option_with_a_description():
    env = dict(os.environ, ANSIBLE_NOCOLOR="1")
    as_json = run([str(BIN / "ansible-doc"), "-j", "hwcloud.dms.dms_task_info"], env, COLLECTION_ROOT)
    assert as_json.returncode == 0, as_json.stderr
    doc = json.loads(as_json.stdout)["hwcloud.dms.dms_task_info"]["doc"]
    options = doc["options"]
    for required in (
        "instance_id",
        "task_id",
        "name",
        "begin_time",
        "end_time",
        "latest",
        "wait_for",
        "wait_timeout",
        "wait_sleep",
        "fail_on_task_failure",
        "access_key",
        "secret_key",
        "security_token",
        "region",
        "project_id",
        "endpoint",
        "cloud",
        "validate_certs",
        "ca_path",
        "request_timeout",
        "retries",
    ):
        assert required in options
    undocumented = [name for name, spec in options.items() if not spec.get("description") or not spec.get("type")]
    assert undocumented == []
    as_text = run([str(BIN / "ansible-doc"), "hwcloud.dms.dms_task_info"], env, COLLECTION_ROOT)
    assert as_text.returncode == 0, as_text.stderr
    for name in options:
        assert name in as_text.stdout
    assert "Missing documentation" not in as_text.stderr
