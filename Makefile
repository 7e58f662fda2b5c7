# Nakadachi — the two commands of the README, and a few helpers.
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
PYTHON ?= $(shell scripts/find-python)

.PHONY: help setup run test lint messages check worker beat clean

help:
	@echo "make run    set up, migrate, load demo data and serve on http://127.0.0.1:8000"
	@echo "make test   set up and run the whole test suite"
	@echo "make lint   ruff, missing migrations, docker-compose.yml against the Compose schema"

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { scripts/find-python; exit 1; }
	@if [ -x $(PY) ] && ! $(PY) -c 'import sys; sys.exit(sys.version_info < (3, 12))'; then \
		echo "Replacing $(VENV): it was made with an older Python"; rm -rf $(VENV); fi
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

setup: $(STAMP)

run: setup
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(PY) manage.py runserver 127.0.0.1:8000

test: setup
	$(PY) scripts/run_tests.py $(ARGS)

lint: setup
	$(VENV)/bin/ruff check .
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/check-jsonschema --builtin-schema vendor.compose-spec docker-compose.yml

messages: setup
	$(PY) manage.py makemessages -l ja --ignore=.venv --ignore=var --ignore=tests --ignore=bench
	$(PY) manage.py compilemessages -l ja

worker: setup
	$(VENV)/bin/celery -A staffing worker --loglevel=INFO

beat: setup
	$(VENV)/bin/celery -A staffing beat --loglevel=INFO --schedule var/celerybeat-schedule

clean:
	rm -rf $(VENV) var/nakadachi.sqlite3
