# Phantom: `make run` serves on the embedded SQLite default; `make test` sets up and runs every check.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
CONFIG ?= $(wildcard phantom.toml)

.PHONY: run install check test test-fast demo sim bench clean \
	frontend-install frontend-build frontend-test frontend-typecheck openapi openapi-check \
	chromium

# ---- dashboard (frontend/: React + TypeScript + Vite, Node >= 20.19) ----
FRONTEND := frontend
NPM ?= npm
HAVE_NPM := $(shell command -v $(NPM) 2>/dev/null)
FRONTEND_DEPS := $(FRONTEND)/node_modules/.installed-stamp
FRONTEND_SOURCES := $(shell find $(FRONTEND)/src -type f ! -name '*.test.ts' ! -name '*.test.tsx' 2>/dev/null) \
	$(FRONTEND)/index.html $(FRONTEND)/vite.config.ts $(FRONTEND)/tsconfig.json $(FRONTEND)/package-lock.json
DASHBOARD := $(FRONTEND)/dist/index.html
OPENAPI_TS := $(FRONTEND)/node_modules/.bin/openapi-typescript --default-non-nullable false

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check -c constraints.txt -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# `make run` builds the dashboard when frontend/dist is missing or older than its sources (API only without npm).
run: $(STAMP) $(if $(HAVE_NPM),$(DASHBOARD))
	$(BIN)/phantom db upgrade $(if $(CONFIG),--config $(CONFIG))
	$(BIN)/phantom serve $(if $(CONFIG),--config $(CONFIG))

demo: $(STAMP)
	$(BIN)/phantom demo

sim: $(STAMP)
	$(BIN)/phantom sim

check: $(STAMP)
	$(BIN)/ruff format --check phantom tests bench
	$(BIN)/ruff check phantom tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/python -m phantom.adapters.db.check

# The postgres-marked tests run against a throwaway local cluster (scripts/ensure-postgres.sh), or the
# database in PHANTOM_TEST_POSTGRES_URL when it is set; they skip when neither is possible.
test: check frontend-test chromium
	PHANTOM_TEST_POSTGRES_URL="$${PHANTOM_TEST_POSTGRES_URL:-$$(bash scripts/ensure-postgres.sh)}" \
		$(BIN)/pytest -q -p no:cacheprovider --cov --cov-report=term

# Debian's Chromium for the browser e2e tests (tests/e2e/browser), installed with apt when missing.
chromium:
	bash scripts/ensure-chromium.sh

test-fast: $(STAMP)
	$(BIN)/pytest -q -x -m "not slow"

bench: $(STAMP)
	$(BIN)/python -m bench.run

$(FRONTEND_DEPS): $(FRONTEND)/package.json $(FRONTEND)/package-lock.json
	cd $(FRONTEND) && $(NPM) ci --no-audit --no-fund --loglevel=error
	touch $@

frontend-install: $(FRONTEND_DEPS)

$(DASHBOARD): $(FRONTEND_DEPS) $(FRONTEND_SOURCES)
	cd $(FRONTEND) && $(NPM) run --silent build

frontend-build: $(DASHBOARD)

frontend-typecheck: $(FRONTEND_DEPS)
	cd $(FRONTEND) && $(NPM) run --silent typecheck

# Regenerate src/api/types.ts from the backend's OpenAPI schema (after changing a route or schema).
openapi: $(STAMP) $(FRONTEND_DEPS)
	$(BIN)/python scripts/gen_openapi.py $(FRONTEND)/openapi.json
	cd $(FRONTEND) && $(NPM) run --silent gen:types

# The schema is the contract: fail when the committed types.ts differs from what the backend generates.
openapi-check: $(STAMP) $(FRONTEND_DEPS)
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	$(BIN)/python scripts/gen_openapi.py "$$tmp/openapi.json" && \
	$(OPENAPI_TS) "$$tmp/openapi.json" -o "$$tmp/types.ts" >/dev/null 2>&1 && \
	if diff -u $(FRONTEND)/src/api/types.ts "$$tmp/types.ts" > "$$tmp/drift.diff"; then \
		echo "openapi-check: frontend/src/api/types.ts matches the backend's schema"; \
	else \
		head -n 60 "$$tmp/drift.diff"; \
		echo "openapi-check: frontend/src/api/types.ts is out of date: run 'make openapi' and commit it" >&2; exit 1; \
	fi

# npm ci, typecheck, Vitest (its exit code is the verdict), production build, OpenAPI drift check.
frontend-test: $(FRONTEND_DEPS) openapi-check
	cd $(FRONTEND) && $(NPM) run --silent typecheck
	cd $(FRONTEND) && $(NPM) run --silent test
	cd $(FRONTEND) && node_modules/.bin/vite build --logLevel warn  # typechecked above

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
