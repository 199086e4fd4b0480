# hwcloud.dms developer entry points. `make demo` and `make test` work on a fresh machine: they build their own
# virtual environment first (make demo a small one from requirements/demo.txt, make test from requirements/test.txt).
PYTHON ?= python3
VENV := .venv
# A venv is rebuilt when its requirements file changes: the stamp's name holds the file's checksum.
venv_stamp = $(1)/.installed-$(shell cat $(2) | cksum | cut -d' ' -f1)
STAMP := $(call venv_stamp,$(VENV),requirements/test.txt)
# make demo's own venv: ansible-core and requests only, so the first demo does not install the test toolchain.
DEMO_VENV := .venv-demo
DEMO_STAMP := $(call venv_stamp,$(DEMO_VENV),requirements/demo.txt)
# The oldest ansible-core the collection accepts, for make test's compatibility stage.
COMPAT_VENV := .venv-ansible-2.16
COMPAT_STAMP := $(call venv_stamp,$(COMPAT_VENV),requirements/compat-ansible-2.16.txt)

# Managed-side interpreters for make test: venvs of pyenv's Pythons (build/venv-pythonX.Y). 3.9 is the oldest the
# modules support and the playbooks' managed interpreter; all of them run the time parser's table. A version that is
# not installed is skipped here, and tools/test.sh says so loudly in its summary.
PYENV_ROOT ?= $(shell pyenv root 2>/dev/null || echo $(HOME)/.pyenv)
MANAGED_VERSIONS := 3.9 3.10 3.11 3.12 3.13
managed_python = $(lastword $(sort $(wildcard $(PYENV_ROOT)/versions/$(1).*/bin/python)))
MANAGED_FOUND := $(foreach v,$(MANAGED_VERSIONS),$(if $(call managed_python,$(v)),$(v)))
managed_stamp = $(call venv_stamp,build/venv-python$(1),requirements/managed-python.txt)

# $(call install_venv,DIR,REQUIREMENTS[,PYTHON]) as a stamp's recipe: create DIR if needed, install, leave only this stamp.
define install_venv
	@test -x $(1)/bin/python || $(or $(3),$(PYTHON)) -m venv $(1)
	$(1)/bin/python -m pip install --quiet --disable-pip-version-check -r $(2)
	@rm -f $(1)/.installed-* && touch $@
endef

.PHONY: test test-venvs check venv managed-venvs stack-venvs demo build bench lint format docs clean

venv: $(STAMP)

$(STAMP): requirements/test.txt
	$(call install_venv,$(VENV),$<)

$(DEMO_STAMP): requirements/demo.txt
	$(call install_venv,$(DEMO_VENV),$<)

$(COMPAT_STAMP): requirements/compat-ansible-2.16.txt
	$(call install_venv,$(COMPAT_VENV),$<)

define managed_venv_rule
$(call managed_stamp,$(1)): requirements/managed-python.txt
	$$(call install_venv,build/venv-python$(1),$$<,$(call managed_python,$(1)))
endef
$(foreach v,$(MANAGED_FOUND),$(eval $(call managed_venv_rule,$(v))))

managed-venvs: $(foreach v,$(MANAGED_FOUND),$(call managed_stamp,$(v)))

# Distribution stacks for make test's stacks stage: requirements/stacks/NAME.txt pins the requests, urllib3 and
# friends a distribution ships, and its first line names the Python ("# python: 3.X"); each becomes
# build/venv-stack-NAME from pyenv's Python, installed from PyPI. A stack whose Python is not installed is skipped
# here, and tools/test.sh says so in its summary.
STACKS := $(basename $(notdir $(wildcard requirements/stacks/*.txt)))
stack_python = $(call managed_python,$(shell sed -n 's/^\# python: //p' requirements/stacks/$(1).txt))
STACKS_FOUND := $(foreach s,$(STACKS),$(if $(call stack_python,$(s)),$(s)))
stack_stamp = $(call venv_stamp,build/venv-stack-$(1),requirements/stacks/$(1).txt)

define stack_venv_rule
$(call stack_stamp,$(1)): requirements/stacks/$(1).txt
	$$(call install_venv,build/venv-stack-$(1),$$<,$(call stack_python,$(1)))
endef
$(foreach s,$(STACKS_FOUND),$(eval $(call stack_venv_rule,$(s))))

stack-venvs: $(foreach s,$(STACKS_FOUND),$(call stack_stamp,$(s)))

# Every venv make test needs, built side by side (pip mostly waits on downloads): on a fresh machine this takes
# about a third of the time one after another did. The main venv comes first and alone: it warms pip's cache for the
# packages the others share.
test-venvs: venv $(COMPAT_STAMP) managed-venvs stack-venvs
$(COMPAT_STAMP) $(foreach v,$(MANAGED_FOUND),$(call managed_stamp,$(v))) $(foreach s,$(STACKS_FOUND),$(call stack_stamp,$(s))): | $(STAMP)

test:
	@$(MAKE) --no-print-directory -j4 test-venvs
	@./tools/test.sh

# The fast loop (under a minute): ruff format check, ruff lint, the module_utils and module units with plain pytest.
check: venv
	@./tools/check.sh

# The README's first command, in its own small venv (.venv-demo): emulator on 127.0.0.1 with a RabbitMQ, a RocketMQ and a Kafka instance; examples/wait_bind_public_ip.yml binds, reruns, unbinds.
demo: $(DEMO_STAMP)
	@./tools/demo.sh

# Benchmark against the emulator; writes docs/performance.md. QUICK=1: fewer repetitions and sizes.
bench: venv
	$(VENV)/bin/python -m benchmarks.bench $(if $(QUICK),--quick)

# The one Galaxy artifact, with the release notes of the galaxy.yml version: build/hwcloud-dms-<version>.tar.gz (the
# README installs it; make lint checks this same file).
build: venv
	@./tools/build.sh

# Changelog, docs and ansible-lint checks, the Galaxy artifact with galaxy-importer, the docs build (make test runs it too).
lint: venv
	@./tools/lint.sh

# Sort imports and format every Python file with ruff (pyproject.toml); make lint fails on a file this would change.
format: venv
	@./tools/format.sh

# The antsibull-docs HTML site: docs/build/build/html/index.html
docs: venv
	@./tools/docs.sh

clean:
	rm -rf build $(VENV) $(DEMO_VENV) $(COMPAT_VENV) .pytest_cache
