# Mercato's make targets. Each one does all of its own set-up on a fresh machine.
#   make demo   create .venv, install, migrate and serve the demo over HTTPS
#   make test   install what the tests need, then lint, type-check and run the whole suite
#   make bench  run the benchmarks in bench/ and print their figures

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
DATA   ?= var/demo

.PHONY: demo test lint typecheck pytest bench install clean help browser

help:  ## list the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-10s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip==25.3

# The stamp files re-run the install whenever pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed  ## create .venv and install mercato

demo: $(VENV)/.installed  ## migrate the embedded database and serve the demo over HTTPS
	$(BIN)/mercato --data-dir $(DATA) db upgrade
	$(BIN)/mercato --data-dir $(DATA) demo

lint: $(VENV)/.installed-test  ## ruff: lint and formatting
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: $(VENV)/.installed-test  ## mypy, strict for src/mercato
	$(BIN)/mypy

# Browser tests drive Debian's Chromium (Playwright's own browser download does not work
# here). Installed when missing; CI runs as root, a developer may need sudo.
CHROMIUM := /usr/bin/chromium

$(CHROMIUM):
	@echo "Installing Debian's Chromium for the browser tests"
	$(if $(filter 0,$(shell id -u)),,sudo) apt-get update -qq
	$(if $(filter 0,$(shell id -u)),,sudo) apt-get install -y -qq chromium >/dev/null

browser: $(CHROMIUM)  ## install Debian's Chromium for the browser tests, if missing

pytest: $(VENV)/.installed-test $(CHROMIUM)  ## the whole pytest suite
	$(BIN)/pytest

test: lint typecheck pytest  ## lint, type checks and the whole suite

bench: $(VENV)/.installed-test  ## run every benchmark in bench/ and print its figures
	@for script in bench/*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

clean:  ## remove the virtual environment and the demo's data
	rm -rf $(VENV) var
