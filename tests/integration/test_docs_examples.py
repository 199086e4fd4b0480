# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every example in README.md and the docs site's guides (docs/docsite/rst/*.rst) runs against the emulator as
written, so a broken example fails make test.

Each code block is matched by exactly one entry of RECIPES below (a text that appears in that block only). A recipe
says what the emulator must hold before the block runs (instances, tasks: what a reader's cloud would have) and
which variables the block reads from the reader (instance ids, a job id); the block's text itself is only changed
where the docs tell the reader to put their own values: endpoint and credentials (HW_* variables, the emulator's
port) and a command line's <placeholders>. vault_* credentials and the ids a block reads are passed as variables.
A new example without a recipe fails test_every_example_has_one_recipe; to add one (for example a guide for a new
module), add a Recipe naming a text of the block, its setup and its variables. A recipe can also give the files of
the reader's a block runs (files, block_files), the reader's environment (env), a fixed URL file it replaces
(url_file), processes the block leaves running (pid_files) and what the emulator holds afterwards (check).

YAML blocks run with ansible-playbook: a list of plays as it is, a list of tasks inside a play on localhost. Shell
blocks (sh, console with "$ " prompts, shell) run with bash -e in a copy of the checkout. NOT_RUN lists the few
blocks that cannot run here, each with the reason.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional

import pytest
import yaml

from dms_emulator import DEFAULT_ACCESS_KEY, DEFAULT_PROJECT_ID, DEFAULT_SECRET_KEY
from dms_emulator.cli import build_parser
from dms_emulator.testing import EmulatorAdmin

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTS = ["README.md"] + sorted(str(path.relative_to(ROOT)) for path in (ROOT / "docs/docsite/rst").glob("*.rst"))
INSTANCE = "11111111-2222-3333-4444-555555555555"
KAFKA = "6e3a3b1c-1111-4a4a-9b9b-0000000000aa"
EIPS = [
    "1aea7aed-e7d8-40ea-b3de-6f3ee9d5db9f",
    "2bfb8bfe-f8e9-41fb-c4ef-7f4ff0e6ec0a",
    "3c0c9c0f-09fa-42ac-d5f0-8a5001f7fd1b",
    "4d1d0d1a-1a0b-43bd-e6a1-9b6112a8ae2c",
    "5e2e1e2b-2b1c-44ce-f7b2-ac7223b9bf3d",
]
FAST = [{"status": "CREATED", "seconds": 0.5}, {"status": "EXECUTING", "seconds": 1}, {"status": "SUCCESS"}]


# --- the examples -----------------------------------------------------------------------------------------------
@dataclass
class Example:
    document: str
    line: int
    language: str
    text: str

    @property
    def name(self) -> str:
        return "%s:%d" % (self.document, self.line)


_FENCE = re.compile(r"^```([\w+-]*)\s*$")
_DIRECTIVE = re.compile(r"^(\s*)\.\. code-block::\s*(\S+)\s*$")


def extract(document: str) -> List[Example]:
    """The code blocks of a Markdown (``` fences) or reStructuredText (.. code-block::) file, dedented."""
    lines = (ROOT / document).read_text(encoding="utf-8").splitlines()
    found = []
    index = 0
    while index < len(lines):
        if document.endswith(".md"):
            fence = _FENCE.match(lines[index])
            if fence:
                end = next(i for i in range(index + 1, len(lines)) if lines[i].startswith("```"))
                body = lines[index + 1 : end]
                found.append(Example(document, index + 2, fence.group(1), textwrap.dedent("\n".join(body)) + "\n"))
                index = end
        else:
            directive = _DIRECTIVE.match(lines[index])
            if directive:
                indent = len(directive.group(1))
                end = index + 1
                while end < len(lines) and (
                    not lines[end].strip() or len(lines[end]) - len(lines[end].lstrip()) > indent
                ):
                    end += 1
                body = lines[index + 1 : end]
                text = textwrap.dedent("\n".join(body)).strip("\n")
                found.append(Example(document, index + 2, directive.group(2), text + "\n"))
                index = end - 1
        index += 1
    return found


EXAMPLES = [example for document in DOCUMENTS for example in extract(document)]


# --- what each example needs ------------------------------------------------------------------------------------
@dataclass
class Recipe:
    document: str
    marker: str  # a text found in this document's one block
    # Sets the emulator up as the reader's cloud would be; returns the variables the block reads (-e for YAML; for a
    # shell block, each <placeholder> of its command line and its value).
    setup: Optional[Callable[[EmulatorAdmin], Dict[str, Any]]] = None
    expect: List[str] = field(default_factory=list)  # texts the run's output must contain
    credentials_in_vars: bool = False  # the block takes the credentials from variables (vault_*), not HW_*
    server: Optional[str] = None  # marker of another block of the document that starts the emulator (shell)
    needs_toolchain: bool = False  # runs make build: needs antsibull-changelog from the make test venv
    after_start: Optional[Callable[[EmulatorAdmin], None]] = None  # done while the playbook runs
    # A fixed path the block reads the emulator's URL from (/tmp/dms.url): replaced by one of this test's own, since
    # parallel runs share /tmp; with no server block, the test writes the fixture's URL there.
    url_file: Optional[str] = None
    files: Dict[str, str] = field(default_factory=dict)  # files of the reader's the block runs: name -> text
    block_files: Dict[str, str] = field(default_factory=dict)  # name -> marker of another block of the document
    env: Dict[str, str] = field(default_factory=dict)  # the reader's environment; "{cwd}" is the run's folder
    pid_files: List[str] = field(default_factory=list)  # processes the block leaves running, stopped after it
    check: Optional[Callable[[EmulatorAdmin], None]] = None  # what the emulator holds after the block ran


def _utc(seconds_ago: float = 0) -> str:
    return time.strftime("%Y%m%d%H%M%S", time.gmtime(time.time() - seconds_ago))


def _rabbitmq(admin: EmulatorAdmin) -> Dict[str, Any]:
    admin.create_instance(INSTANCE, "rabbitmq", bind_seconds=0.5)
    admin._call("POST", "/_emulator/eips", {"id": EIPS[0]})  # the reader's EIP exists before it is bound
    return {"instance_id": INSTANCE, "eip_id": EIPS[0]}


def _kafka_by_name(admin: EmulatorAdmin) -> Dict[str, Any]:
    """find_instances.rst: a Kafka instance with public access on, one without whose name starts with it."""
    admin.create_instance(KAFKA, "kafka", name="orders-kafka-prod", broker_num=3, publicip_ids=EIPS[:3])
    admin.create_instance(INSTANCE, "kafka", name="orders-kafka-prod-old")
    return {}


def _rabbitmq_by_name(admin: EmulatorAdmin) -> Dict[str, Any]:
    """The quick start finds the instance by name: one named so, one whose name only starts with it."""
    admin.create_instance(INSTANCE, "rabbitmq", name="orders-rabbitmq-prod", bind_seconds=0.5)
    admin._call("POST", "/_emulator/eips", {"id": EIPS[0]})  # the reader's EIP exists before it is bound
    admin.create_instance(KAFKA, "kafka", name="orders-rabbitmq-prod-old")
    return {"instance_name": "orders-rabbitmq-prod", "eip_id": EIPS[0]}


def _bind_task(admin: EmulatorAdmin, **extra: Any) -> Dict[str, Any]:
    return admin.create_task(
        instance_id=INSTANCE,
        engine="rabbitmq",
        name="bindInstancePublicIp",
        params={"public_ip_id": EIPS[0], "public_ip_address": "100.93.2.18", "enable_public_ip": True},
        timeline=FAST,
        **extra,
    )


def _job(admin: EmulatorAdmin) -> Dict[str, Any]:
    admin.create_instance(INSTANCE, "rabbitmq")
    return {"instance_id": INSTANCE, "job_id": _bind_task(admin)["id"]}


def _job_with_credentials(admin: EmulatorAdmin) -> Dict[str, Any]:
    return dict(_job(admin), hw_project_id=DEFAULT_PROJECT_ID)


def _bound_since(variable: str) -> Callable[[EmulatorAdmin], Dict[str, Any]]:
    def setup(admin: EmulatorAdmin) -> Dict[str, Any]:
        started = _utc(seconds_ago=1)
        admin.create_instance(INSTANCE, "rabbitmq")
        _bind_task(admin)
        return {"instance_id": INSTANCE, variable: started}

    return setup


def _instance_only(admin: EmulatorAdmin) -> Dict[str, Any]:
    admin.create_instance(INSTANCE, "rabbitmq")
    return {"instance_id": INSTANCE}


def _change_elsewhere_when_the_wait_polls(admin: EmulatorAdmin) -> None:
    """The change "started elsewhere" once the playbook has noted the time: when its wait first lists tasks."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        routes = admin.stats()["requests_by_route"]
        if any("tasks" in route for route in routes):
            _bind_task(admin)
            return
        time.sleep(0.1)


def _kafka(public: bool) -> Callable[[EmulatorAdmin], Dict[str, Any]]:
    def setup(admin: EmulatorAdmin) -> Dict[str, Any]:
        admin.create_instance(KAFKA, "kafka", broker_num=3, publicip_ids=EIPS[:3] if public else [])
        admin.configure_jobs(instance_id=KAFKA, timeline=FAST)
        variables = {"kafka_instance_id": KAFKA}
        if public:
            variables["new_broker_eip_ids"] = EIPS[3:5]
        return variables

    return setup


def _kafka_job(admin: EmulatorAdmin) -> Dict[str, Any]:
    admin.create_instance(KAFKA, "kafka", broker_num=3)
    admin.create_task(instance_id=KAFKA, engine="kafka", name="kafkaInstanceExtend", timeline=FAST)
    return {"kafka_instance_id": KAFKA}


def _kafka_sasl(admin: EmulatorAdmin) -> Dict[str, Any]:
    variables = _kafka(False)(admin)
    variables["kafka_sasl_password"] = "Example-password-1"
    return variables


def _rabbitmq_plugins(admin: EmulatorAdmin) -> Dict[str, Any]:
    admin.create_instance(INSTANCE, "rabbitmq")
    admin.configure_jobs(instance_id=INSTANCE, timeline=FAST)
    return {"rabbitmq_instance_id": INSTANCE}


OFFLINE_INSTANCE = "6b8f1a52-5c3d-4e0f-9a7b-2c1d0e9f8a71"  # offline_testing.rst's instance and EIP
OFFLINE_EIP = "f3b0c5aa-1c9e-4b57-8d2b-4a6f0e1d2c3b"
# offline_testing.rst's start_binding.yml: the reader's playbook that starts a binding without waiting.
START_BINDING = """- name: Start a binding
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Bind a public IP, do not wait
      hwcloud.dms.dms_public_access:
        instance_id: %s
        public_ip_ids: [%s]
        wait: false
""" % (OFFLINE_INSTANCE, OFFLINE_EIP)


def _offline_rabbitmq(admin: EmulatorAdmin) -> Dict[str, Any]:
    """What the guide's curl block creates: the instance and the EIP its playbooks bind."""
    admin.create_instance(OFFLINE_INSTANCE, "rabbitmq")
    admin._call("POST", "/_emulator/eips", {"id": OFFLINE_EIP})
    return {}


def _bound(admin: EmulatorAdmin) -> None:
    tasks = [task for task in admin.tasks() if task["name"] == "bindInstancePublicIp"]
    assert [task["status"] for task in tasks] == ["SUCCESS"], tasks


def _task_for_the_command_line(admin: EmulatorAdmin) -> Dict[str, Any]:
    variables = _job(admin)
    return {"<instance>": variables["instance_id"], "<job id>": variables["job_id"]}


NOT_RUN = {
    (
        "README.md",
        "make demo   # start",
    ): "the suite itself and tools/demo.sh, which tests/integration/test_pb_demo.py runs",
    ("README.md", "python3 -m venv ~/.venvs/ansible"): "installs ansible-core from PyPI into the reader's home",
    ("README.md", "ansible-galaxy collection install hwcloud.dms\n"): "installs from Galaxy (not reachable in tests)",
    ("README.md", '"timeline": [{"status": "CREATED", "seconds": 2}'): "a seed-file fragment (JSON, not a command)",
    ("README.md", "tools/lay_collection.sh && cd build/collections"): "runs the test suites themselves",
    ("docs/docsite/rst/authentication.rst", "ansible-playbook site.yml"): "the reader's own playbook site.yml",
    ("docs/docsite/rst/getting_started.rst", "python3 -m venv ~/.venvs/ansible"): "installs ansible-core from PyPI",
    ("docs/docsite/rst/getting_started.rst", "install hwcloud.dms\n"): "installs from Galaxy (not reachable in tests)",
    ("docs/docsite/rst/emulator.rst", "--url-file dms.url"): "started by the recipe of the curl block below",
    ("docs/docsite/rst/emulator.rst", "export HW_DMS_ENDPOINT=$(cat dms.url)"): "run by the recipe of the curl block",
    ("README.md", "--port 8080 --seed emulator/examples/seed.json"): "started by the recipe of the block after it",
    (
        "docs/docsite/rst/emulator.rst",
        "dms-emulator record --upstream",
    ): "records the real service (its IAM too: HW_AUTH_URL stays unset), so it needs an account; record, replay and"
    " compare against an emulator upstream are emulator/tests/test_emu_record_replay.py's",
    (
        "docs/docsite/rst/offline_testing.rst",
        "$ pip install ansible-core hwcloud-dms-emulator",
    ): "installs from PyPI and Galaxy; its dms-emulator line is started by the recipe of the curl block below",
    # The CI services' own files: test_ci_examples_run_the_guides_commands checks what they run.
    ("docs/docsite/rst/offline_testing.rst", "# .github/workflows/playbooks.yml"): "a GitHub Actions workflow",
    ("docs/docsite/rst/offline_testing.rst", "# .gitlab-ci.yml"): "a GitLab CI file",
    # Output samples, not commands: tests/integration/test_pb_progress.py checks the progress lines they show.
    (
        "README.md",
        "PLAY [Enable public access on a RabbitMQ instance]",
    ): "an output sample (progress lines), not a command",
    (
        "docs/docsite/rst/wait_after_public_ip.rst",
        "TASK [Bind the EIP and wait] ***",
    ): "an output sample, not a command",
}

RECIPES = [
    # README.md
    Recipe("README.md", "make build\n", needs_toolchain=True, expect=["was installed successfully"]),
    Recipe("README.md", 'name: "{{ instance_name }}"', _rabbitmq_by_name, expect=['"msg": "100.']),
    Recipe(
        "README.md",
        "change_started_at: \"{{ now(utc=true, fmt='%Y%m%d%H%M%S') }}\"",
        _instance_only,
        after_start=_change_elsewhere_when_the_wait_polls,
        expect=["SUCCESS after", "public IP 100.93.2.18"],
    ),
    Recipe("README.md", "name: hwcloud.dms.wait_for_task", _bound_since("change_started_at")),
    Recipe("README.md", 'task_id: "{{ job_id }}", wait_for: true', _job),
    Recipe("README.md", "new_broker_num: 5}", _kafka(False)),
    Recipe("README.md", 'begin_time: "2024-01-08T00:00:00Z"}', _instance_only),
    Recipe(
        "README.md",
        "./tools/lay_collection.sh >/dev/null",
        server="--port 8080 --seed emulator/examples/seed.json",
        expect=["changed=1", "bindInstancePublicIp SUCCESS after"],
    ),
    # docs/docsite/rst/authentication.rst
    Recipe(
        "docs/docsite/rst/authentication.rst",
        'access_key: "{{ vault_hw_access_key }}"',
        _job_with_credentials,
        credentials_in_vars=True,
    ),
    # docs/docsite/rst/emulator.rst
    Recipe(
        "docs/docsite/rst/emulator.rst",
        '"$HW_DMS_ENDPOINT/_emulator/tasks"',
        server="--url-file dms.url",
        expect=['"name": "bindInstancePublicIp"'],
    ),
    # docs/docsite/rst/find_instances.rst
    Recipe(
        "docs/docsite/rst/find_instances.rst",
        "- name: Find the instance by its exact name",
        _kafka_by_name,
        expect=["orders-kafka-prod: ['%s', '%s', '%s']" % tuple(EIPS[:3])],
    ),
    # docs/docsite/rst/getting_started.rst
    Recipe("docs/docsite/rst/getting_started.rst", "make build\n", needs_toolchain=True),
    Recipe("docs/docsite/rst/getting_started.rst", "task_id=<job id>", _task_for_the_command_line, expect=["SUCCESS"]),
    Recipe("docs/docsite/rst/getting_started.rst", "- name: Wait for a DMS change", _job, expect=["ended SUCCESS"]),
    # docs/docsite/rst/module_defaults.rst
    Recipe(
        "docs/docsite/rst/module_defaults.rst",
        "group/hwcloud.dms.dms:",
        _job_with_credentials,
        credentials_in_vars=True,
    ),
    # docs/docsite/rst/offline_testing.rst
    Recipe(
        "docs/docsite/rst/offline_testing.rst",
        '"$(cat /tmp/dms.url)/_emulator/instances"',
        server="$ pip install ansible-core hwcloud-dms-emulator",
        url_file="/tmp/dms.url",
        expect=['"instance_id": "%s"' % OFFLINE_INSTANCE],
    ),
    Recipe(
        "docs/docsite/rst/offline_testing.rst",
        "- name: Public access for the RabbitMQ instance",
        _offline_rabbitmq,
        env={"DMS_URL": "{url}"},
        check=_bound,
    ),
    Recipe(
        "docs/docsite/rst/offline_testing.rst",
        "ansible-playbook start_binding.yml",
        _offline_rabbitmq,
        url_file="/tmp/dms.url",
        files={"start_binding.yml": START_BINDING},
        check=_bound,
    ),
    Recipe(
        "docs/docsite/rst/offline_testing.rst",
        "def test_public_access_playbook(emulator):",
        block_files={"public_access.yml": "- name: Public access for the RabbitMQ instance"},
    ),
    Recipe(
        "docs/docsite/rst/offline_testing.rst",
        "# tests/integration/targets/setup_dms_emulator/tasks/main.yml",
        lambda admin: {"output_dir": "{cwd}"},
        expect=["RUNNING HANDLER [Stop the DMS emulator]"],
    ),
    Recipe(
        "docs/docsite/rst/offline_testing.rst",
        "# molecule/default/prepare.yml",
        env={"MOLECULE_EPHEMERAL_DIRECTORY": "{cwd}"},
        pid_files=["emulator.pid"],
    ),
    # docs/docsite/rst/start_change.rst
    Recipe("docs/docsite/rst/start_change.rst", "- name: Add two brokers", _kafka(True), expect=["SUCCESS after"]),
    Recipe("docs/docsite/rst/start_change.rst", "- name: Read the instance", _kafka(False)),
    Recipe("docs/docsite/rst/start_change.rst", "name: kafkaInstanceExtend", _kafka_job),
    Recipe("docs/docsite/rst/start_change.rst", "protocol: private_sasl_ssl_enable", _kafka_sasl),
    Recipe("docs/docsite/rst/start_change.rst", "rabbitmq_shovel,rabbitmq_federation", _rabbitmq_plugins),
    # docs/docsite/rst/wait_after_public_ip.rst
    Recipe("docs/docsite/rst/wait_after_public_ip.rst", "- name: Bind the EIP and wait", _rabbitmq),
    Recipe(
        "docs/docsite/rst/wait_after_public_ip.rst",
        "bind_started_at: \"{{ now(utc=true, fmt='%Y%m%d%H%M%S') }}\"",
        _instance_only,
        after_start=_change_elsewhere_when_the_wait_polls,
        expect=["Bound 100.93.2.18"],
    ),
    Recipe(
        "docs/docsite/rst/wait_after_public_ip.rst",
        'begin_time: "{{ bind_started_at }}"',
        _bound_since("bind_started_at"),
    ),
]


def _blocks_with(document: str, marker: str) -> List[Example]:
    return [example for example in EXAMPLES if example.document == document and marker in example.text]


def _recipe_for(example: Example) -> Optional[Recipe]:
    found = [recipe for recipe in RECIPES if recipe.document == example.document and recipe.marker in example.text]
    return found[0] if len(found) == 1 else None


def test_every_example_has_one_recipe():
    assert len(EXAMPLES) > 20, EXAMPLES  # the extraction found the blocks at all
    problems = []
    for example in EXAMPLES:
        recipes = [r for r in RECIPES if r.document == example.document and r.marker in example.text]
        skipped = [key for key in NOT_RUN if key[0] == example.document and key[1] in example.text]
        if len(recipes) + len(skipped) != 1:
            problems.append(
                "%s (%s): %d recipes, %d NOT_RUN entries match; first line %r"
                % (example.name, example.language, len(recipes), len(skipped), example.text.splitlines()[0])
            )
    for document, marker in [(r.document, r.marker) for r in RECIPES] + list(NOT_RUN):
        if len(_blocks_with(document, marker)) != 1:
            problems.append("%r matches %d blocks of %s" % (marker, len(_blocks_with(document, marker)), document))
    assert not problems, "\n".join(problems)


RUNNABLE = [example for example in EXAMPLES if _recipe_for(example)]


def _ci_commands(example: Example) -> List[str]:
    """The shell lines a CI file runs: GitHub Actions' steps[].run, GitLab CI's script."""
    loaded = yaml.safe_load(example.text)
    assert isinstance(loaded, dict), example.text
    if "jobs" in loaded:
        runs = [step["run"] for job in loaded["jobs"].values() for step in job["steps"] if "run" in step]
    else:
        runs = [line for job in loaded.values() for line in job["script"]]
    return [line.strip() for run in runs for line in run.splitlines() if line.strip()]


def _url_file_named(line: str, path: str) -> str:
    return line.replace('"%s"' % path, "URL_FILE").replace(path, "URL_FILE")


def test_ci_examples_run_the_guides_commands():
    """The CI files cannot run here: they parse, and run the install, start and wait lines the run blocks run."""
    document = "docs/docsite/rst/offline_testing.rst"
    (installed,) = _blocks_with(document, "$ pip install ansible-core hwcloud-dms-emulator")
    guide = [line[2:] for line in installed.text.splitlines() if line.startswith("$ ")]
    for marker in ("# .github/workflows/playbooks.yml", "# .gitlab-ci.yml"):
        (example,) = _blocks_with(document, marker)
        commands = _ci_commands(example)
        assert commands[:2] == guide[:2], (marker, commands)  # pip install, ansible-galaxy collection install
        (start,) = [line for line in commands if line.startswith("dms-emulator ")]
        assert start.endswith(" --quiet &"), start
        # Options the emulator's own command line accepts, the url file the same as the wait's and the guide's.
        arguments = build_parser().parse_args(shlex.split(start[len("dms-emulator ") : -len(" &")]))
        assert arguments.progression == "immediate" and arguments.seed == "tests/seed.json", start
        wait = commands[commands.index(start) + 1]
        guide_wait = next(line for line in guide if line.startswith("timeout 30"))
        assert _url_file_named(wait, arguments.url_file) == _url_file_named(guide_wait, "/tmp/dms.url"), wait
        assert commands[-1] == "ansible-playbook site.yml", commands


# --- running them -----------------------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def checkout(tmp_path_factory) -> Path:
    """A copy of the checkout to run shell blocks in, with its venvs where `make demo` and `make test` put them."""
    copy = tmp_path_factory.mktemp("docs-examples") / "hwcloud.dms"
    shutil.copytree(
        ROOT,
        copy,
        symlinks=True,
        ignore=shutil.ignore_patterns(".git", "build", "output", ".venv*", "__pycache__", "collections", ".ansible"),
    )
    for venv in (".venv", ".venv-demo"):
        (copy / venv).symlink_to(sys.prefix)
    return copy


def _environment(playbook, credentials: bool, collections: Optional[str]) -> Dict[str, str]:
    """The playbook runner's environment (tests/integration/conftest.py), as a reader's shell would have it."""
    env = playbook.env(
        credentials=credentials,
        NO_PROXY="127.0.0.1,localhost",
        no_proxy="127.0.0.1,localhost",
        PATH=os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""),
        HW_DMS_ENDPOINT=playbook.handle.url,
    )
    if collections is None:
        env.pop("ANSIBLE_COLLECTIONS_PATH", None)
    return env


def _credentials(url: str) -> Dict[str, str]:
    return {
        "HW_ACCESS_KEY": DEFAULT_ACCESS_KEY,
        "HW_SECRET_KEY": DEFAULT_SECRET_KEY,
        "HW_PROJECT_ID": DEFAULT_PROJECT_ID,
        "HW_DMS_ENDPOINT": url,
    }


def _as_shell(example: Example, url: str) -> str:
    """The block as a script: prompts and printed output dropped, the reader's endpoint and credentials put in."""
    text = example.text
    if example.language == "console":
        commands: List[str] = []
        for line in text.splitlines():
            if line.startswith("$ "):
                commands.append(line[2:])
            elif commands and commands[-1].endswith("\\"):  # a command continued on the next line
                commands.append(line)
        text = "\n".join(commands) + "\n"
    for name, value in _credentials(url).items():
        # A literal value or the "..." placeholder; "$(cat dms.url)" already names the reader's own emulator.
        text = re.sub(r"\b%s=(\.\.\.|[^\s$]\S*)" % name, "%s=%s" % (name, value), text)
    return text.replace("http://127.0.0.1:8080", url)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _start_server(block: Example, cwd: Path, env: Dict[str, str], url_file: Optional[str] = None, own: str = ""):
    """Start the block that starts the emulator, as the reader would in another shell; returns (process, url)."""
    command = next(
        line
        for line in _as_shell(block, "").splitlines()
        if line.split()[:1] and line.split()[0].endswith("dms-emulator")
    )
    if url_file:
        command = command.replace(url_file, own)
    port = _free_port()
    command = command.replace("--port 8080", "--port %d" % port)
    server = subprocess.Popen(
        ["bash", "-c", command],
        cwd=str(cwd),
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        start_new_session=True,  # bash and the emulator it starts are stopped together
    )
    url = server.stdout.readline().strip()
    assert re.match(r"^http://127\.0\.0\.1:\d+$", url), (command, url)
    # Whatever else it prints must not fill the pipe and stall it.
    threading.Thread(target=server.stdout.read, daemon=True).start()
    return server, url


def _playbook_text(example: Example) -> str:
    # A role's tasks followed by its handlers (a "# handlers/main.yml" comment line between them): one play of both.
    tasks_text, dummy, handlers_text = example.text.partition("\n# handlers/main.yml\n")
    loaded = yaml.safe_load(tasks_text)
    assert isinstance(loaded, list) and loaded, example.text
    if all(isinstance(item, dict) and "hosts" in item for item in loaded):
        return example.text
    play = [{"name": "Example %s" % example.name, "hosts": "localhost", "gather_facts": False, "tasks": loaded}]
    if handlers_text:
        play[0]["handlers"] = yaml.safe_load(handlers_text)
    return yaml.safe_dump(play, sort_keys=False)


@pytest.mark.parametrize("example", RUNNABLE, ids=[example.name for example in RUNNABLE])
def test_example_runs_against_the_emulator(example: Example, emulator, playbook, checkout: Path, tmp_path: Path):
    recipe = _recipe_for(example)
    collections = os.environ.get("ANSIBLE_COLLECTIONS_PATH")
    assert collections, "run through make test (it sets ANSIBLE_COLLECTIONS_PATH to the laid-out collection)"
    variables = recipe.setup(emulator.admin) if recipe.setup else {}
    variables = {
        key: value.replace("{cwd}", str(tmp_path)) if isinstance(value, str) else value
        for key, value in variables.items()
    }
    cwd = tmp_path if example.language in ("yaml", "yaml+jinja", "python") else checkout
    for name, text in recipe.files.items():
        (cwd / name).write_text(text, encoding="utf-8")
    for name, marker in recipe.block_files.items():
        (block,) = _blocks_with(example.document, marker)
        (cwd / name).write_text(block.text, encoding="utf-8")
    try:
        if example.language in ("yaml", "yaml+jinja"):
            output = _run_playbook(example, recipe, playbook, variables, tmp_path, collections)
        elif example.language == "python":
            output = _run_pytest(example, recipe, playbook, tmp_path, collections)
        else:
            output = _run_shell(example, recipe, playbook, variables, checkout, collections, tmp_path)
    finally:
        stopped = [_stop(cwd / name) for name in recipe.pid_files]
    assert all(stopped), "a process the block started was not running any more: %s" % recipe.pid_files
    for expected in recipe.expect:
        assert expected in output, (expected, output[-6000:])
    if recipe.check:
        recipe.check(emulator.admin)


def _stop(pid_file: Path) -> bool:
    """Stops the process a block left running (its pid in pid_file); False when there was none."""
    if not pid_file.exists():
        return False
    try:
        os.kill(int(pid_file.read_text().split()[0]), signal.SIGTERM)
    except ProcessLookupError:
        return False
    return True


def _reader_env(recipe: Recipe, cwd: Path, url: str) -> Dict[str, str]:
    return {name: value.replace("{cwd}", str(cwd)).replace("{url}", url) for name, value in recipe.env.items()}


def _run_playbook(example, recipe, playbook, variables, tmp_path, collections) -> str:
    emulator = playbook.handle
    if recipe.credentials_in_vars:
        variables.update(vault_hw_access_key=emulator.access_key, vault_hw_secret_key=emulator.secret_key)
    path = tmp_path / "example.yml"
    path.write_text(_playbook_text(example), encoding="utf-8")
    env = _environment(playbook, not recipe.credentials_in_vars, collections)
    env.update(_reader_env(recipe, tmp_path, emulator.url))
    command = [
        os.path.join(os.path.dirname(sys.executable), "ansible-playbook"),
        "-e",
        json.dumps(variables),
        str(path),
    ]
    background = None
    if recipe.after_start:
        background = threading.Thread(target=recipe.after_start, args=(emulator.admin,), daemon=True)
        background.start()
    done = subprocess.run(command, env=env, cwd=str(tmp_path), capture_output=True, text=True, timeout=240, check=False)
    if background:
        background.join(timeout=5)
    output = done.stdout + done.stderr
    assert done.returncode == 0, "%s\n%s" % (example.text, output[-6000:])
    assert re.search(r"failed=0\s", output), output[-6000:]
    return output


def _run_pytest(example, recipe, playbook, tmp_path, collections) -> str:
    """A test file of the reader's: its own pytest run, with the fixtures of the installed emulator package."""
    (tmp_path / "test_example.py").write_text(example.text, encoding="utf-8")
    # The plugin's own emulator: the fixture's endpoint and xdist's worker settings are not the reader's.
    env = _environment(playbook, credentials=False, collections=collections)
    for name in [name for name in env if name.startswith(("HW_", "PYTEST_"))]:
        del env[name]
    env.update(_reader_env(recipe, tmp_path, ""))
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_example.py"]
    done = subprocess.run(command, env=env, cwd=str(tmp_path), capture_output=True, text=True, timeout=240, check=False)
    output = done.stdout + done.stderr
    assert done.returncode == 0, "%s\n%s" % (example.text, output[-6000:])
    assert "1 passed" in output, output[-6000:]
    return output


def _run_shell(example, recipe, playbook, variables, checkout, collections, tmp_path) -> str:
    if recipe.needs_toolchain and shutil.which("antsibull-changelog", path=os.path.dirname(sys.executable)) is None:
        pytest.skip("make build needs make test's toolchain (antsibull-changelog); it runs in make test's pytest stage")
    emulator = playbook.handle
    env = _environment(playbook, credentials=False, collections=None)
    # The collection as the reader has it installed; make build's blocks install it themselves, into a folder of
    # this test's (not the user's ~/.ansible).
    env["ANSIBLE_COLLECTIONS_PATH"] = str(checkout / "build" / "installed") if recipe.needs_toolchain else collections
    env.update(_reader_env(recipe, tmp_path, emulator.url))
    if recipe.needs_toolchain:
        _check_toolchain_is_current(checkout)
    url_file = str(tmp_path / "dms.url")
    server = None
    url = emulator.url
    if recipe.server:
        (block,) = _blocks_with(example.document, recipe.server)
        server, url = _start_server(block, checkout, env, recipe.url_file, url_file)
    elif recipe.url_file:
        Path(url_file).write_text(url + "\n", encoding="utf-8")
    try:
        script = ""
        if recipe.server and example.document == "docs/docsite/rst/emulator.rst":
            # emulator.rst: the export block between the server and this one.
            (exports,) = _blocks_with(example.document, "export HW_DMS_ENDPOINT=$(cat dms.url)")
            script += _as_shell(exports, url)
        script += _as_shell(example, url)
        if recipe.url_file:
            script = script.replace(recipe.url_file, url_file)
        for placeholder, value in variables.items():
            script = script.replace(placeholder, str(value))
        if "HW_" not in script:
            env.update(_credentials(url))
        done = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", script],
            cwd=str(checkout),
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
    finally:
        if server:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=10)
    output = done.stdout + done.stderr
    assert done.returncode == 0, "%s\n%s" % (script, output[-6000:])
    return output


def _check_toolchain_is_current(checkout: Path) -> None:
    # make build depends on the venv target: with a stamp older than requirements/test.txt, make would reinstall
    # the venv this test runs from. make test rebuilds it first, so there the stamp is always current.
    checksum = subprocess.check_output(
        "cksum < requirements/test.txt", shell=True, cwd=str(checkout), text=True
    ).split()[0]
    stamp = Path(sys.prefix) / (".installed-%s" % checksum)
    requirements = checkout / "requirements" / "test.txt"
    assert stamp.exists() and stamp.stat().st_mtime >= requirements.stat().st_mtime, (
        "this venv is not the one make venv built for requirements/test.txt (%s); run make venv first" % stamp
    )
