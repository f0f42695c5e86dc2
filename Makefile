# Dera's two set-up commands on a fresh Debian machine:
#   make run    install, migrate, load demo data into an empty database, serve
#   make test   install (system packages too) and run the whole test suite,
#               on SQLite and then on a throwaway PostgreSQL server
# Also: make test-browser, make test-postgres, make translations, make bench, make bench-help,
#       make bench-pages, make bench-growth, make bench-startup, make bench-reminders.

PYTHON ?= python3
HOST ?= 127.0.0.1
PORT ?= 5000

VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app pwa
PYBABEL := $(VENV)/bin/pybabel
PYTEST := $(PY) -m pytest
STAMP := $(VENV)/.installed
PO_FILES = $(wildcard translations/*/LC_MESSAGES/messages.po)
# Babel knows gettext, ngettext and pgettext; these are the lazy ones the code imports under short names.
EXTRACT_KEYWORDS = -k _l -k lazy_gettext -k _lp:1c,2 -k lazy_pgettext:1c,2

.PHONY: bench-wire run test test-browser test-postgres install venv catalogs translations \
	bench bench-help bench-pages bench-growth bench-startup bench-reminders lighthouse system-packages

# --- installing -------------------------------------------------------------

install venv: $(STAMP)

# Re-installs only when pyproject.toml changes (or .venv is removed).
$(STAMP): pyproject.toml
	@sh scripts/install-system-packages.sh run
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	PIP_DISABLE_PIP_VERSION_CHECK=1 $(VENV)/bin/pip install -q -e '.[test]'
	@touch $@

system-packages:
	@sh scripts/install-system-packages.sh test

# --- translations -----------------------------------------------------------

catalogs: $(STAMP)
ifneq ($(strip $(PO_FILES)),)
	$(PYBABEL) compile -d translations -f
else
	@echo "No translation catalogs to compile."
endif

# For maintainers: refresh messages.pot from the code and merge it into each catalog.
translations: $(STAMP)
	$(PYBABEL) extract -F babel.cfg $(EXTRACT_KEYWORDS) --add-comments=TRANSLATORS: --no-location --sort-output \
		--project=Dera --copyright-holder="Dera contributors" --width=100 -o translations/messages.pot .
ifneq ($(strip $(PO_FILES)),)
	$(PYBABEL) update -i translations/messages.pot -d translations --no-fuzzy-matching --ignore-obsolete --width=100
else
	@echo "No catalogs to update; start one with: $(PYBABEL) init -i translations/messages.pot -d translations -l LANG"
endif

# --- running ----------------------------------------------------------------

run: $(STAMP) catalogs
	$(FLASK) db upgrade
	@# The demo fills only an empty database; on a filled one it refuses, which is fine.
	@if out=$$($(FLASK) demo --base-url http://$(HOST):$(PORT) 2>&1); then \
		printf '%s\n' "$$out"; \
	else \
		case "$$out" in \
		*"already has people"*) echo "The database already has people; demo data not loaded." ;; \
		*) printf '%s\n' "$$out" >&2; exit 1 ;; \
		esac; \
	fi
	@$(FLASK) push keys
	@echo
	@echo "Open http://$(HOST):$(PORT)/ in a browser (Ctrl-C stops the server and the worker)."
	@echo
	@$(FLASK) worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(FLASK) run --host $(HOST) --port $(PORT)

# --- testing ----------------------------------------------------------------

# Runs its arguments as pytest against a fresh PostgreSQL server, and stops
# that server afterwards whatever happens (failure, Ctrl-C).
define PYTEST_ON_POSTGRES
	url=$$(sh scripts/test-postgres.sh start) || exit 1; \
	trap 'sh scripts/test-postgres.sh stop' EXIT; \
	trap 'exit 130' INT; \
	trap 'exit 143' TERM; \
	echo "--- the suite on PostgreSQL ($$url), without browser tests"; \
	DERA_TEST_DATABASE_URL=$$url $(PYTEST)
endef

# The whole suite on SQLite, then again (less the browser tests) on PostgreSQL, then the
# deployment tests once (they bring their own PostgreSQL, Redis and nginx).
# Every run always happens; make fails if any does.
test: system-packages $(STAMP) catalogs
	@status=0; \
	echo "--- the whole suite on SQLite"; \
	$(PYTEST) || status=1; \
	( $(PYTEST_ON_POSTGRES) -m "not browser" ) || status=1; \
	echo "--- the deployment: deploy/ served by nginx, gunicorn, PostgreSQL and Redis; the wheel; the restore drill"; \
	$(PYTEST) -m deploy || status=1; \
	if [ $$status -ne 0 ]; then echo "make test: some tests failed (see above)." >&2; fi; \
	exit $$status

test-browser: system-packages $(STAMP) catalogs
	@$(PYTEST) -m browser; status=$$?; \
	if [ $$status -eq 5 ]; then echo "No browser tests yet."; status=0; fi; \
	exit $$status

test-postgres: system-packages $(STAMP) catalogs
	@$(PYTEST_ON_POSTGRES) -m "not browser"

# deploy/ run for real (tests/deploy/stack.py), the built wheel in a fresh virtualenv, the restore drill;
# make test runs them too, once.
.PHONY: test-deploy
test-deploy: system-packages $(STAMP) catalogs
	@$(PYTEST) -m deploy
# Hostile input for longer than the suite's short, fixed-seed run (a new seed each time).
test-hostile: system-packages $(STAMP) catalogs
	@$(PYTEST) tests/app/test_hostile_input.py --hypothesis-profile=long

# --- benchmarks -------------------------------------------------------------

# Page weight against its budgets and response times against /healthz, measured in one run.
bench: $(STAMP) catalogs
	$(PY) -m bench

# Help requests under fire: a concurrent burst with repeated keys, the server SIGKILLed mid-burst
# and restarted; checks every acknowledged request is stored exactly once (DATABASE_URL for PostgreSQL).
bench-help: $(STAMP) catalogs
	$(PY) -m bench.help_burst

# Pages under load (wrk against gunicorn), beside a bare Flask hello served the same way.
# DATABASE_URL=postgresql://... measures on PostgreSQL; ARGS=--url=https://... a running deployment.
bench-pages: $(STAMP) catalogs
	@sh scripts/install-system-packages.sh bench
	$(PY) -m bench.pages $(ARGS)

# Lists and plans at 30, 300 and 3,000 people: SQL statements and time per request.
bench-growth: $(STAMP) catalogs
	$(PY) -m bench.growth $(ARGS)

# Bytes on the wire: a phone's first load of each survivor page and what the service worker keeps,
# compressed as served, beside the same files uncompressed and the budgets.
bench-wire: $(STAMP) catalogs
	$(PY) -m bench.wire

# What one app process costs before it serves, against a bare Flask app.
bench-startup: $(STAMP) catalogs
	$(PY) -m bench.startup
# Reminders dispatched by 1 and 2 worker processes against a bare pywebpush loop, to a local push
# service, in one run; duplicates and misses counted (DATABASE_URL for PostgreSQL; it keeps its data).
bench-reminders: $(STAMP) catalogs
	$(PY) -m bench.reminders

# Lighthouse (npm, into bench/node_modules) on the survivor pages, with Debian's Chromium.
lighthouse: system-packages $(STAMP) catalogs
	$(PY) -m bench lighthouse
