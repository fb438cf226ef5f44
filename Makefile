# Two commands do everything on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1
PORT ?= 8000
export DEBUG ?= true

.PHONY: run test venv install migrate demo serve lint typecheck check bench messages worker beat clean

# Installs exactly the locked versions, each checked against its hash (requirements-dev.lock is
# made from requirements-dev.txt by pip-compile --generate-hashes; see the lock's header).
$(BIN)/activate: requirements.lock requirements-dev.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --require-hashes -r requirements-dev.lock
	touch $(BIN)/activate

venv install: $(BIN)/activate

migrate: $(BIN)/activate
	$(PY) manage.py migrate --no-input

demo: migrate
	$(PY) manage.py seed_demo --if-empty

serve:
	@echo "Serving on http://$(HOST):$(PORT)/ (Ctrl+C stops)"
	$(PY) manage.py runserver $(HOST):$(PORT)

## make run: virtualenv, install, migrate, demo organisation, then the web server beside one
## Celery worker with the beat schedule. Without REDIS_URL they talk through kombu's
## filesystem transport (.celery/), so every periodic job runs as in production.
run: demo
	@echo "Serving on http://$(HOST):$(PORT)/ with a worker and the beat schedule (Ctrl+C stops all)"
	@export EMBEDDED_WORKER=true; \
	  $(BIN)/celery -A crm_adoption worker --beat --pool=solo --loglevel=WARNING \
	    --schedule "$${CELERY_BEAT_SCHEDULE_FILENAME:-celerybeat-schedule}" & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	  $(PY) manage.py runserver $(HOST):$(PORT)

## make test: the whole suite (lint, types, tests). Service tests need DATABASE_URL + REDIS_URL.
test: $(BIN)/activate
	$(BIN)/ruff check .
	$(BIN)/mypy apps crm_adoption
	$(BIN)/lint-imports
	$(PY) manage.py makemigrations --check --dry-run > /dev/null
	DEBUG=false SECRET_KEY=test-only-key $(BIN)/pytest $(PYTEST_ARGS)

lint: $(BIN)/activate
	$(BIN)/ruff check .

typecheck: $(BIN)/activate
	$(BIN)/mypy apps crm_adoption

bench: $(BIN)/activate
	DEBUG=false SECRET_KEY=bench-only-key $(PY) bench/run.py $(BENCH)

messages: $(BIN)/activate
	cd apps && for app in */; do if [ -d "$$app/templates" ] || grep -rqs "gettext" "$$app"; then \
	  (cd $$app && mkdir -p locale && ../../$(BIN)/django-admin makemessages -l da --no-obsolete -v0); fi; done
	$(PY) manage.py makemessages -l da --no-obsolete -v0 --ignore "apps/*" --ignore ".venv/*"
	$(PY) manage.py compilemessages -v0 --ignore ".venv/*"

worker: $(BIN)/activate
	$(BIN)/celery -A crm_adoption worker --loglevel=INFO

beat: $(BIN)/activate
	$(BIN)/celery -A crm_adoption beat --loglevel=INFO

clean:
	rm -rf $(VENV) db.sqlite3 .celery staticfiles .pytest_cache .mypy_cache .ruff_cache

.PHONY: load
## make load: CLIENTS signed-in clients against gunicorn on PostgreSQL for a bounded time, on a
## database of its own (bench/load.py; needs DATABASE_URL=postgres://…). Prints p95; fails on any error.
load: $(BIN)/activate
	DEBUG=false SECRET_KEY=load-only-key $(PY) bench/load.py $(LOAD_ARGS)
