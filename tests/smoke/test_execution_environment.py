# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The execution environment files render with ansible-builder, and introspection finds the collection's needs.

No image is built (no container engine, no registry here): ``ansible-builder create`` renders the build
context, and the introspection script that runs inside the image build is run here on the collection.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import ansible_builder
import yaml

COLLECTION = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def test_ansible_builder_renders_the_awx_build_context(tmp_path):
    context = tmp_path / "context"
    done = subprocess.run(
        [
            str(BIN / "ansible-builder"),
            "create",
            "--file",
            str(COLLECTION / "meta" / "ee" / "execution-environment.yml"),
            "--context",
            str(context),
            "--output-filename",
            "Containerfile",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    containerfile = (context / "Containerfile").read_text()
    assert 'ARG EE_BASE_IMAGE="quay.io/ansible/awx-ee:latest"' in containerfile
    assert "ansible-galaxy collection install" in containerfile
    assert "introspect" in containerfile  # the collection's Python needs are collected inside the build
    requirements = yaml.safe_load((context / "_build" / "requirements.yml").read_text())
    assert requirements == {"collections": [{"name": "hwcloud.dms", "version": ">=1.0.0"}]}


def test_introspection_finds_requests_in_the_collection_metadata(tmp_path):
    # Lay the collection out as it is inside an image: <dir>/ansible_collections/hwcloud/dms.
    namespace = tmp_path / "ansible_collections" / "hwcloud"
    namespace.mkdir(parents=True)
    (namespace / "dms").symlink_to(COLLECTION, target_is_directory=True)
    script = Path(ansible_builder.__file__).parent / "_target_scripts" / "introspect.py"
    pip_out = tmp_path / "requirements.txt"
    done = subprocess.run(
        [sys.executable, str(script), "introspect", str(tmp_path), "--write-pip", str(pip_out)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=dict(os.environ),
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "requests>=2.25.0" in pip_out.read_text().split()
    assert "hwcloud.dms" in done.stdout
