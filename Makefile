# GDT — the two commands: `make run` and `make test` (and `make lint`, which CI runs first).
PYTHON ?= python3
VENV ?= .venv
PORT ?= 5000
FLASK = $(VENV)/bin/flask --app wsgi
PIP = $(VENV)/bin/pip install --quiet --disable-pip-version-check --require-hashes
# One stamp per installed lock: a changed lock installs again, `make run` never installs the test tools.
RUN_STAMP = $(VENV)/.installed-run-$(shell md5sum requirements.txt | cut -c1-12)
TEST_STAMP = $(VENV)/.installed-test-$(shell md5sum requirements-test.txt | cut -c1-12)
COMPILE = $(VENV)/bin/pip-compile --quiet --generate-hashes --strip-extras --no-emit-find-links --no-emit-index-url

.PHONY: run test test-sqlite test-postgres lint install install-test translations lock bench clean

run: install
	$(FLASK) db upgrade
	MFA_REQUIRED=0 $(FLASK) demo --if-empty
	MFA_REQUIRED=0 GDT_IN_PROCESS_SCHEDULER=1 $(FLASK) run --host 127.0.0.1 --port $(PORT)

test: install-test
	$(VENV)/bin/python -m tests.system_packages
	$(VENV)/bin/pytest
	$(VENV)/bin/pytest --postgres

test-sqlite: install-test
	$(VENV)/bin/pytest

test-postgres: install-test
	$(VENV)/bin/pytest --postgres

lint: install-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

install: $(RUN_STAMP) translations

install-test: $(TEST_STAMP) translations

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) -r requirements-pip.txt

$(RUN_STAMP): requirements.txt | $(VENV)/bin/python
	$(PIP) -r requirements.txt
	rm -f $(VENV)/.installed-run-*
	touch $@

$(TEST_STAMP): requirements-test.txt | $(VENV)/bin/python
	$(PIP) -r requirements-test.txt
	rm -f $(VENV)/.installed-test-* $(VENV)/.installed-run-*
	touch $@ $(RUN_STAMP)

translations:
	if [ -d gdt/translations ]; then $(VENV)/bin/pybabel -q compile -d gdt/translations; fi

# Lock every package, direct and indirect, with hashes, after changing requirements.in or requirements-test.in
# (README, "Dependencies"). The test lock is constrained to the runtime lock, so both install the same versions.
lock: install-test
	$(COMPILE) --output-file requirements.txt requirements.in
	$(COMPILE) --allow-unsafe --output-file requirements-test.txt requirements-test.in
	$(COMPILE) --allow-unsafe --output-file requirements-pip.txt requirements-pip.in

bench: install-test
	$(VENV)/bin/python bench/statistics.py

clean:
	rm -rf $(VENV) instance .pytest_cache
