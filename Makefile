# Purna: the two commands are `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip

.PHONY: run test lint format check-compose messages clean-var

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(PY)
	$(PIP) install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-test: requirements.txt requirements-test.txt $(VENV)/.installed
	$(PIP) install --quiet -r requirements-test.txt
	touch $@

# Embedded defaults: SQLite, a filesystem Celery broker and files under var/, emails saved in var/mail.
run: export DEBUG ?= true
run: $(VENV)/.installed
	mkdir -p var/media var/mail  # the Celery broker folders are made by purna/celery.py
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo --if-empty
	$(PY) manage.py ensure_admin
	@echo "Purna berjalan di http://$${PURNA_HOST:-127.0.0.1}:$${PORT:-8000}/  (Ctrl-C menghentikan web, worker dan beat)"
	$(VENV)/bin/honcho start -f Procfile

# With DATABASE_URL and REDIS_URL set, the suite runs on PostgreSQL and Redis.
test: $(VENV)/.installed-test
	mkdir -p var
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed-test
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: $(VENV)/.installed-test
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

messages: $(VENV)/.installed
	DEBUG=true $(PY) manage.py makemessages -l id --no-obsolete --ignore=.venv --ignore=var --ignore=tests --ignore=bench
	DEBUG=true $(PY) manage.py compilemessages -l id --ignore=.venv

check-compose:
	docker-compose -f docker-compose.yml config --quiet
