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

# Embedded defaults: SQLite (the database, and the Celery broker's own file), files under var/, emails
# saved in var/mail. The port is checked first, so a busy one stops `make run` before anything starts.
run: export DEBUG ?= true
run: $(VENV)/.installed
	$(PY) manage.py run_all --check-port
	mkdir -p var/media var/mail
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo --if-empty
	$(PY) manage.py ensure_admin
	$(PY) manage.py run_all

# With DATABASE_URL and REDIS_URL set, the suite runs on PostgreSQL and Redis.
test: $(VENV)/.installed-test
	mkdir -p var
	$(PY) -m pytest $(PYTEST_ARGS)

# mypy checks the modules listed in pyproject.toml ([tool.mypy] files); its Django plugin loads the
# settings, which need DEBUG on when no SECRET_KEY is set.
lint: $(VENV)/.installed-test
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	DEBUG=true $(PY) -m mypy

format: $(VENV)/.installed-test
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

messages: $(VENV)/.installed
	DEBUG=true $(PY) manage.py makemessages -l id --extension=html,txt,py,jinja --no-obsolete --ignore=.venv --ignore=var --ignore=tests --ignore=bench
	DEBUG=true $(PY) manage.py compilemessages -l id --ignore=.venv

check-compose:
	docker-compose -f docker-compose.yml config --quiet

# Backups (purna/backup.py, docs/operations.md): `make backup [DIR=folder]` writes one archive of the
# database, media and private files; `make restore FILE=archive [FORCE=1]` restores it into an empty instance.
.PHONY: backup restore
backup: $(VENV)/.installed
	$(PY) manage.py backup $(if $(DIR),--output-dir "$(DIR)")

restore: $(VENV)/.installed
	@test -n "$(FILE)" || { echo "usage: make restore FILE=var/backups/purna-backup-....tar.gz [FORCE=1]" >&2; exit 2; }
	$(PY) manage.py restore "$(FILE)" $(if $(FORCE),--force)

# Every bench at a tiny size on a database of its own beside DATABASE_URL's (bench/smoke.py): CI runs it,
# so a bench that breaks fails the build.
.PHONY: bench-smoke
bench-smoke: $(VENV)/.installed-test
	$(PY) bench/smoke.py
