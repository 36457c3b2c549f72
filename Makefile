# Phantom: `make run` serves on the embedded SQLite default; `make test` sets up and runs every check.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
CONFIG ?= $(wildcard phantom.toml)

.PHONY: run install check test test-fast demo sim bench clean

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check -c constraints.txt -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
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

test: check
	$(BIN)/pytest -q -p no:cacheprovider --cov --cov-report=term

test-fast: $(STAMP)
	$(BIN)/pytest -q -x -m "not slow"

bench: $(STAMP)
	$(BIN)/python -m bench.run

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
