# Two commands on a fresh machine: `make run` starts the platform, `make test` runs every check.
# Both create .venv and install what they need.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
CHROMIUM ?= /usr/bin/chromium

.PHONY: run test lint typecheck pytest pytest-fast chromium wrk install install-dev clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip setuptools wheel

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml sdk/pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]' -e ./sdk
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

## run: start web, worker, beat (and an embedded Redis without REDIS_URL) on http://127.0.0.1:8000
run: install
	$(BIN)/python manage.py up

## test: lint, type-check and the whole test suite (browser tests included)
test: install-dev chromium lint typecheck pytest

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install-dev
	$(BIN)/mypy .

pytest: install-dev
	$(BIN)/pytest

## pytest-fast: the suite without the end-to-end and browser tests
pytest-fast: install-dev
	$(BIN)/pytest -m "not e2e"

## chromium: Debian's Chromium for the browser tests (Playwright drives it; no browser download)
chromium:
	@if [ ! -x "$(CHROMIUM)" ]; then \
		echo "Installing Chromium for the browser tests..."; \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
		elif command -v sudo >/dev/null; then sudo apt-get update -qq && sudo apt-get install -y -qq chromium >/dev/null; \
		else echo "Cannot install Chromium (need root or sudo); set CHROMIUM=/path/to/chromium"; exit 1; fi; \
	fi

## wrk: Debian's wrk, the load generator of bench/ping_ingest.py (not needed by the tests)
wrk:
	@if ! command -v wrk >/dev/null; then \
		if [ "$$(id -u)" = 0 ]; then apt-get install -y -qq wrk >/dev/null; \
		else sudo apt-get install -y -qq wrk >/dev/null; fi; \
	fi

clean:
	rm -rf $(VENV) var/test .pytest_cache .mypy_cache .ruff_cache
