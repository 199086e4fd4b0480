# hwcloud.dms developer entry points. `make demo` and `make test` work on a fresh machine:
# they build their own virtual environment from requirements/test.txt first.
PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.installed-$(shell cat requirements/test.txt | cksum | cut -d' ' -f1)
# The oldest ansible-core the collection accepts, for make test's compatibility stage.
COMPAT_VENV := .venv-ansible-2.16
COMPAT_STAMP := $(COMPAT_VENV)/.installed-$(shell cat requirements/compat-ansible-2.16.txt | cksum | cut -d' ' -f1)

.PHONY: test venv demo bench lint docs clean

venv: $(STAMP)

$(STAMP): requirements/test.txt
	@test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements/test.txt
	@rm -f $(VENV)/.installed-* && touch $@

$(COMPAT_STAMP): requirements/compat-ansible-2.16.txt
	@test -x $(COMPAT_VENV)/bin/python || $(PYTHON) -m venv $(COMPAT_VENV)
	$(COMPAT_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements/compat-ansible-2.16.txt
	@rm -f $(COMPAT_VENV)/.installed-* && touch $@

test: venv $(COMPAT_STAMP)
	@./tools/test.sh

# The README's first command: emulator on 127.0.0.1, a bindInstancePublicIp task, examples/wait_bind_public_ip.yml waits for it.
demo: venv
	@./tools/demo.sh

# Benchmark against the emulator; writes docs/performance.md. QUICK=1: fewer repetitions and sizes.
bench: venv
	$(VENV)/bin/python benchmarks/bench.py $(if $(QUICK),--quick)

# Changelog, docs and ansible-lint checks, the Galaxy artifact with galaxy-importer, the docs build (make test runs it too).
lint: venv
	@./tools/lint.sh

# The antsibull-docs HTML site: docs/build/build/html/index.html
docs: venv
	@./tools/docs.sh

clean:
	rm -rf build $(VENV) $(COMPAT_VENV) .pytest_cache
