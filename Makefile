# GDT — the two commands: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PORT ?= 5000
FLASK = $(VENV)/bin/flask --app wsgi
STAMP = $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | md5sum | cut -c1-12)

.PHONY: run test test-sqlite test-postgres install translations bench clean

run: install
	$(FLASK) db upgrade
	$(FLASK) demo --if-empty
	GDT_IN_PROCESS_SCHEDULER=1 $(FLASK) run --host 127.0.0.1 --port $(PORT)

test: install
	$(VENV)/bin/python -m tests.system_packages
	$(VENV)/bin/pytest
	$(VENV)/bin/pytest --postgres

test-sqlite: install
	$(VENV)/bin/pytest

test-postgres: install
	$(VENV)/bin/pytest --postgres

install: $(STAMP) translations

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	rm -f $(VENV)/.installed-*
	touch $@

translations: $(STAMP)
	if [ -d gdt/translations ]; then $(VENV)/bin/pybabel -q compile -d gdt/translations; fi

bench: install
	$(VENV)/bin/python bench/statistics.py

clean:
	rm -rf $(VENV) instance .pytest_cache
