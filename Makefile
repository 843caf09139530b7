# Tracker — the two commands a fresh machine needs:
#   make demo   set up, load the Kazakhstan seed data and demo users, run web + worker + beat
#   make test   set up and run linters, the migration check and the whole test suite
# Both use DATABASE_URL and REDIS_URL when they are set (SQLite and an embedded broker otherwise).

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
ADDR   ?= 127.0.0.1:8000

.PHONY: demo test install lint check-migrations run clean bench

$(VENV)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $@

install: $(VENV)/.installed

.env:
	@echo "Writing .env for local use (DEBUG on, a random SECRET_KEY); edit or delete it as you like."
	@printf 'DEBUG=true\nSECRET_KEY=%s\n' "$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))')" > .env

demo: install .env
	@mkdir -p var/celery/queue var/celery/processed
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_seed_data
	$(PY) manage.py create_demo_users
	@echo
	@echo "Tracker is starting:"
	@echo "  admin        http://$(ADDR)/admin/"
	@echo "  API          http://$(ADDR)/api/v1/"
	@echo "  API docs     http://$(ADDR)/api/docs/"
	@echo "  (Ctrl-C stops the web app, the Celery worker and beat)"
	@echo
	@trap 'kill 0' INT TERM EXIT; \
	$(VENV)/bin/celery -A tracker worker --loglevel=INFO --pool=solo & \
	$(VENV)/bin/celery -A tracker beat --loglevel=INFO & \
	$(PY) manage.py runserver $(ADDR)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

check-migrations: install
	DEBUG=true $(PY) manage.py makemigrations --check --dry-run

test: install lint check-migrations
	$(VENV)/bin/pytest -n 2 --create-db $(PYTEST_ARGS)

bench: install
	$(PY) -m bench.run $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
