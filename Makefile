# elkund — the two commands a newcomer needs: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo test lint unit bench serve openapi clean browser system

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.dev-installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(VENV)/.installed $@

## Set up, migrate var/elkund.db, load demo data (once) and serve on http://$(HOST):$(PORT)
demo: system $(VENV)/.installed
	$(BIN)/elkund db upgrade
	$(BIN)/elkund demo
	@echo "Portal:   http://$(HOST):$(PORT)/mina-sidor  (development: Logga in med test-e-legitimation)"
	@echo "API docs: http://$(HOST):$(PORT)/docs"
	@echo "Demo logins (customers, business users, ESCOs): var/demo-accounts.json"
	$(BIN)/elkund serve --host $(HOST) --port $(PORT)

## Lint, type-check, check migrations and OpenAPI, then run every test on SQLite and PostgreSQL
test: system $(VENV)/.dev-installed browser lint
	$(BIN)/pytest

## Debian's Pango, HarfBuzz's subsetter and a font for the PDF invoices (WeasyPrint), when missing
system:
	@{ ldconfig -p | grep -q 'libpangoft2-1.0.so.0' && ldconfig -p | grep -q 'libharfbuzz-subset.so.0' \
	  && fc-list | grep -qi dejavu; } || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq \
	    libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core >/dev/null; }

## Debian's Chromium for the browser tests (Playwright drives it; no browser download)
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	ELKUND_DATABASE_URL=sqlite:///$(CURDIR)/$(VENV)/alembic-check.db $(BIN)/elkund db upgrade >/dev/null
	ELKUND_DATABASE_URL=sqlite:///$(CURDIR)/$(VENV)/alembic-check.db $(BIN)/alembic check
	rm -f $(VENV)/alembic-check.db*
	$(BIN)/python -m elkund.api.openapi --check openapi.json

## Benchmarks: ratios against raw baselines, measured in one run
bench: $(VENV)/.dev-installed
	$(BIN)/python -m bench

## Rewrite openapi.json from the code
openapi: $(VENV)/.installed
	$(BIN)/python -m elkund.api.openapi --write openapi.json

serve: $(VENV)/.installed
	$(BIN)/elkund serve --host $(HOST) --port $(PORT)

clean:
	rm -rf $(VENV) var/elkund.db* var/demo-accounts.json
