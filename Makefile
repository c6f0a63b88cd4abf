# Two commands on a fresh machine: `make run` starts the platform, `make test` runs every check.
# Both create .venv and install what they need.

VENV := .venv
BIN := $(VENV)/bin
# Chromium for the browser tests; the tests read the same variable (CHROMIUM_PATH).
CHROMIUM_PATH ?= /usr/bin/chromium
export CHROMIUM_PATH
# The Pythons the platform supports (pyproject's requires-python).
SUPPORTED := import sys; sys.exit(not ((3, 11) <= sys.version_info[:2] < (3, 14)))
PYTHON ?= $(shell for p in python3.11 python3.12 python3.13 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c '$(SUPPORTED)' 2>/dev/null && { command -v $$p; break; }; done)

# A .venv made by an unsupported Python, or whose interpreter is gone, is rebuilt rather than failing forever.
ifneq ($(wildcard $(VENV)),)
ifneq ($(shell $(BIN)/python -c '$(SUPPORTED)' 2>/dev/null && echo ok),ok)
$(info $(VENV) was made by an unsupported or missing Python: rebuilding it)
$(shell rm -rf $(VENV))
endif
endif

PIP := $(BIN)/python -m pip install --quiet --disable-pip-version-check

.PHONY: run test lint fmt hooks typecheck pytest pytest-fast system-packages chromium wrk install install-dev \
	runtime-check clean

$(BIN)/python:
	@if [ -z "$(PYTHON)" ]; then \
		echo "Python 3.11, 3.12 or 3.13 is needed (Debian: apt-get install python3 python3-venv)"; exit 1; fi
	@$(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); \
		echo "Could not create $(VENV): install the venv module (Debian: apt-get install python3-venv)"; exit 1; }
	$(PIP) --upgrade pip setuptools wheel

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(PIP) -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml sdk/pyproject.toml runner/pyproject.toml | $(BIN)/python
	$(PIP) -e '.[dev]' -e ./sdk
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

## run: start web, worker, beat (and an embedded Redis without REDIS_URL) on http://127.0.0.1:8000
run: install
	$(BIN)/python manage.py up

## test: lint, type-check and the whole test suite (browser tests included)
test: install-dev system-packages lint typecheck pytest

## lint: ruff, ruff format, every model change has its migration, and deptry (every import of the
## platform, the runner and the SDK is declared)
lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	@# the check reads the models only: against the embedded default, whatever DATABASE_URL says
	env -u DATABASE_URL $(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/deptry .
	cd runner && ../$(BIN)/deptry .
	cd sdk && ../$(BIN)/deptry .

## fmt: fix what ruff can fix, then format
fmt: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## hooks: run ruff and the migration check before every commit (.pre-commit-config.yaml)
hooks: install-dev
	$(BIN)/pre-commit install

typecheck: install-dev
	$(BIN)/mypy .

pytest: install-dev
	$(BIN)/pytest

## pytest-fast: the suite without the end-to-end and browser tests
pytest-fast: install-dev
	$(BIN)/pytest -m "not e2e"

## runtime-check: a runtime-only install (no dev extras) in a fresh venv starts, serves and stops cleanly
runtime-check:
	@if [ -z "$(PYTHON)" ]; then echo "Python 3.11, 3.12 or 3.13 is needed"; exit 1; fi
	$(PYTHON) .ci/runtime_check.py

## system-packages: what the tests need from Debian: Chromium (Playwright drives it; no browser download)
## jq and curl (the compatibility tests run the reference documents' curl | jq pipelines)
system-packages:
	@missing=""; \
	[ -x "$(CHROMIUM_PATH)" ] || missing="$$missing chromium"; \
	command -v jq >/dev/null || missing="$$missing jq"; \
	command -v curl >/dev/null || missing="$$missing curl"; \
	if [ -n "$$missing" ]; then \
		echo "Installing$$missing for the tests..."; \
		if [ "$$(id -u)" = 0 ]; then SUDO=; elif command -v sudo >/dev/null; then SUDO=sudo; \
		else echo "Cannot install$$missing (need root or sudo); install it, or set CHROMIUM_PATH"; exit 1; fi; \
		$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi
chromium: system-packages

## wrk: Debian's wrk, the load generator of bench/ping_ingest.py (not needed by the tests)
wrk:
	@if ! command -v wrk >/dev/null; then \
		if [ "$$(id -u)" = 0 ]; then apt-get install -y -qq wrk >/dev/null; \
		else sudo apt-get install -y -qq wrk >/dev/null; fi; \
	fi

clean:
	rm -rf $(VENV) var/test .pytest_cache .mypy_cache .ruff_cache
