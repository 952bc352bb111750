# Two commands matter: `make run` (set up and serve the demo) and `make test`.
SHELL := /bin/bash
# The first Python >= 3.11 on PATH (override: make run PYTHON=python3.12).
PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do \
	if command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; \
	then echo $$p; break; fi; done)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
DEV := DJANGO_DEBUG=true

.PHONY: run up backup bench-reports bench-scheduler bench-pages bench-dashboard test lint format migrations-check deploy-check messages worker beat clean-venv mutation

# The virtualenv is complete when it has pip. One left half-made (an interrupted run, or
# Debian without python3-venv, where `python3 -m venv` stops before pip) is made again.
$(BIN)/pip:
	@test -n "$(PYTHON)" || { echo "Python 3.11 or newer is needed on PATH."; exit 1; }
	@if [ -e $(VENV) ]; then echo "$(VENV) is incomplete (no pip): making it again."; rm -rf $(VENV); fi
	@$(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); \
		echo "Could not create $(VENV). On Debian/Ubuntu: apt-get install python3-venv"; exit 1; }

$(VENV)/.runtime.stamp: requirements.txt | $(BIN)/pip
	$(BIN)/pip install --disable-pip-version-check -q -r requirements.txt
	touch $@

$(VENV)/.dev.stamp: requirements.txt requirements-dev.txt | $(BIN)/pip
	$(BIN)/pip install --disable-pip-version-check -q -r requirements-dev.txt
	touch $@ $(VENV)/.runtime.stamp

## run: install, migrate, seed the demo and serve it on http://127.0.0.1:8000
run: $(VENV)/.runtime.stamp
	$(DEV) $(BIN)/python manage.py migrate --noinput
	$(DEV) $(BIN)/python manage.py seed_demo
	@# Says so before serving when Pango/HarfBuzz are missing (PDFs only; the rest works).
	$(DEV) $(BIN)/python manage.py check --deploy --tag pdf
	$(DEV) $(BIN)/python manage.py runserver $(HOST):$(PORT)

## test: install the test requirements and run the whole suite
test: $(VENV)/.dev.stamp
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## lint: ruff, and the apps' layers (.importlinter; docs/architecture.md)
lint: $(VENV)/.dev.stamp
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

## mutation: one deliberate error at a time in the rule modules ([tool.mutmut] in
## pyproject.toml), each run against the tests that call it; a tool, not a CI step
## (TEST_DB_TEMPLATE: a SQLite database migrated once and copied into each run's test
## database, instead of migrating one per mutant; see conftest.py)
MUTATION_DB := $(CURDIR)/var/mutation-template.sqlite3
mutation: $(VENV)/.dev.stamp
	rm -rf mutants $(MUTATION_DB)
	mkdir -p var
	DJANGO_SETTINGS_MODULE=config.settings.test DATABASE_URL=sqlite:///$(MUTATION_DB) \
		$(BIN)/python manage.py migrate -v0
	-TEST_DB_TEMPLATE=$(MUTATION_DB) HYPOTHESIS_PROFILE=mutation $(BIN)/mutmut run
	$(BIN)/mutmut results

format: $(VENV)/.dev.stamp
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrations-check: $(VENV)/.runtime.stamp
	$(DEV) $(BIN)/python manage.py makemigrations --check --dry-run

## deploy-check: production settings must pass Django's deployment checklist
deploy-check: $(VENV)/.runtime.stamp
	DJANGO_SETTINGS_MODULE=config.settings.production \
	DJANGO_SECRET_KEY="$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
	DJANGO_ALLOWED_HOSTS=partnerskab.example.dk SITE_URL=https://partnerskab.example.dk \
	EMAIL_URL=smtp+tls://partnerskab:secret@smtp.example.dk:587 \
	$(BIN)/python manage.py check --deploy --fail-level WARNING

## messages: extract and compile translations (needs gettext: apt-get install gettext)
messages: $(VENV)/.runtime.stamp
	$(DEV) $(BIN)/python manage.py makemessages -l da -l en --no-location \
		--ignore=.venv --ignore=static --ignore=tests --ignore='*/tests/*'
	$(DEV) $(BIN)/python manage.py compilemessages --ignore=.venv

## backup: the database and the generated files into var/backups/partnerskab-<time>.tar
## (production: DJANGO_SETTINGS_MODULE and DATABASE_URL as for the app; README "Backups")
backup: $(VENV)/.runtime.stamp
	@if [ -z "$$DJANGO_SECRET_KEY" ] && [ -s var/secret_key ]; then \
		export DJANGO_SECRET_KEY="$$(cat var/secret_key)"; fi; \
	if [ -z "$$DJANGO_SECRET_KEY" ]; then export DJANGO_DEBUG=true; fi; \
	$(BIN)/python manage.py backup $(BACKUP_ARGS)

## up: gunicorn + Celery worker + beat against PostgreSQL and Redis (set DATABASE_URL, CELERY_BROKER_URL)
up: $(VENV)/.runtime.stamp
	bash bin/up

## bench-reports: seconds per PDF page against a reference document, and peak memory
bench-reports: $(VENV)/.dev.stamp
	$(DEV) $(BIN)/python manage.py bench_reports

## bench-scheduler: the planner against the greedy baseline on generated plans of 10, 50
## and 200 activities (no database)
bench-scheduler: $(VENV)/.dev.stamp
	$(DEV) $(BIN)/python manage.py bench_scheduler

## bench-pages: every role's pages under gunicorn + PostgreSQL at 1x, 10x and 30x the demo,
## as ratios to a trivial page; fails when a page-speed target is missed (BENCH_ARGS=--reseed …)
bench-pages: $(VENV)/.dev.stamp
	$(DEV) $(BIN)/python manage.py bench_pages $(BENCH_ARGS)

## bench-dashboard: the dashboards alone, the same way
bench-dashboard: $(VENV)/.dev.stamp
	$(DEV) $(BIN)/python manage.py bench_pages --only dashboard --scales 1 10 $(BENCH_ARGS)

worker: $(VENV)/.runtime.stamp
	$(BIN)/celery -A config worker --loglevel=INFO

beat: $(VENV)/.runtime.stamp
	$(BIN)/celery -A config beat --loglevel=INFO

clean-venv:
	rm -rf $(VENV)
