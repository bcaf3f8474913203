# confman: `make run` serves the demo conference, `make test` runs the whole suite.
# Both bootstrap .venv from python3 alone and re-use it while the lock file is unchanged.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run test lint bench bench-registration lock vendor clean install

install: $(STAMP)

$(STAMP): requirements-dev.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-input \
		--require-hashes -r requirements-dev.txt
	@touch $(STAMP)

run: $(STAMP)
	DEBUG=$${DEBUG:-true} $(BIN)/python manage.py prepare_demo --url http://$(HOST):$(PORT)
	@# The task worker (mail) runs beside the web server and stops with it.
	DEBUG=$${DEBUG:-true} SITE_URL=$${SITE_URL:-http://$(HOST):$(PORT)} $(BIN)/python manage.py db_worker & \
	worker=$$!; trap 'pkill -P $$worker 2>/dev/null; kill $$worker 2>/dev/null' EXIT INT TERM; \
	DEBUG=$${DEBUG:-true} SITE_URL=$${SITE_URL:-http://$(HOST):$(PORT)} \
		$(BIN)/uvicorn confman.asgi:application --host $(HOST) --port $(PORT) \
		--ws confman.core.fastpaths.websocket:WebSocketProtocol \
		--no-access-log --lifespan off

# One test process per core (pytest-xdist), each with its own test database, var/ directory and
# Redis prefix. PYTEST_ARGS replaces the default: `make test PYTEST_ARGS="-n 0 tests/sessions"`.
PYTEST_ARGS ?= -n auto

test: $(STAMP)
	$(BIN)/pytest $(PYTEST_ARGS)

# ruff (style, bugs, complexity), the formatter, and the import layers (pyproject.toml).
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

bench: $(STAMP)
	$(BIN)/python bench/seed_scale.py
	$(BIN)/python bench/pages.py
	$(BIN)/python bench/agenda.py

# Needs PostgreSQL (BENCH_POSTGRES_URL, default the local server): registrations under load
# against uvicorn, in a scratch database it creates and drops.
bench-registration: $(STAMP)
	$(BIN)/python bench/registration.py 2>&1 | grep -v '^Conflict: '

# 4 check-in devices over 5000 badges against uvicorn: on PostgreSQL (BENCH_POSTGRES_URL, default
# the local server; skipped when it cannot be reached), then on SQLite, each in a scratch
# database it creates and removes.
.PHONY: bench-checkin
bench-checkin: $(STAMP)
	$(BIN)/python bench/checkin.py

# Live fan-out: 1000 then 5000 websocket clients on the demo event's live channel, against 1
# then 2 uvicorn processes behind one Redis: delivery latency of a chair update, messages lost,
# memory per client, connect rate, the chair's request under load, a reconnect storm; and the
# same against the floor (bench/live_floor.py), each figure beside the floor's with the ratio.
# Needs PostgreSQL (BENCH_POSTGRES_URL, default the local server; a scratch database it creates
# and drops) and Redis (REDIS_URL, default the local one).
.PHONY: bench-live
bench-live: $(STAMP)
	$(BIN)/python bench/live_fanout.py

# The production stack rehearsed: nginx (deploy/nginx/) in front of two uvicorn processes and a
# task worker as deploy/systemd/'s units run them, on PostgreSQL and Redis; pages, static files,
# an API write, a registration's mail, live updates over WebSockets and Server-Sent Events, and
# one web process killed without an update lost. Needs nginx; CI runs it on its PostgreSQL leg.
.PHONY: rehearse
rehearse: $(STAMP)
	$(BIN)/python deploy/rehearse.py

# After the event: the participation report over 20,000 registrations (goal 300 ms) and its
# exports, then 5000 certificates of attendance rendered (goal 30 s); scratch SQLite databases,
# or BENCH_DATABASE_URL's.
.PHONY: bench-report
bench-report: $(STAMP)
	$(BIN)/python bench/report.py
	$(BIN)/python bench/certificates.py

# Badges: QR codes per second, one badge, and 5000-badge print runs (A6 and A4) with their time
# and peak memory, on a scratch SQLite database.
.PHONY: bench-badges badge-fonts
bench-badges: $(STAMP)
	$(BIN)/python bench/badges.py

# Rebuild registrations/badges/fonts/ from Debian's Noto packages (apt-get download; see the script).
badge-fonts: $(STAMP)
	$(BIN)/python tools/badge_fonts.py

# Re-pin every dependency from pyproject.toml (needs the registry).
# Front-end libraries from the npm registry into confman/static/vendor/ (checked against the
# integrity recorded in packages.json); committed, so make run needs no Node.js.
vendor:
	python3 tools/vendor.py

# The interface catalogs in locale/<lang>/LC_MESSAGES/ (django.po for Python and templates,
# djangojs.po for the browser's scripts). `make messages` gathers new strings into every
# language's catalog and compiles them; it needs GNU gettext (Debian's gettext). The compiled
# .mo files are committed, so `make run` needs no gettext. `make messages-check` fails when a
# catalog is not current with the code or a .mo not current with its .po (CI runs it).
.PHONY: messages messages-check
messages: $(STAMP)
	$(BIN)/python tools/messages.py update

messages-check: $(STAMP)
	$(BIN)/python tools/messages.py check

lock: $(STAMP)
	$(BIN)/pip-compile --quiet --no-emit-index-url --no-emit-find-links --strip-extras --generate-hashes --allow-unsafe \
		-o requirements.txt pyproject.toml
	$(BIN)/pip-compile --quiet --no-emit-index-url --no-emit-find-links --strip-extras --generate-hashes --allow-unsafe --extra dev \
		-o requirements-dev.txt pyproject.toml

clean:
	rm -rf $(VENV) var/static .pytest_cache
