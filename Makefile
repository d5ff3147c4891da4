# Two commands for a fresh clone: `make run` (demo) and `make test` (whole suite).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PORT ?= 5000

.PHONY: run test setup translations lint format browser-deps bench clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "Python 3.11 or newer is needed"; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

setup: $(STAMP) translations

translations: $(STAMP)
	@$(BIN)/pybabel compile --use-fuzzy --statistics -d booking/translations 2>&1 | grep -v '^$$' || true

# The demo: SQLite, region and demo data loaded, scheduler beside the web server.
run: export BOOKING_BASE_URL ?= http://127.0.0.1:$(PORT)
run: setup
	$(BIN)/booking setup --demo
	@echo "Serving on http://127.0.0.1:$(PORT) (scheduler running beside it; Ctrl-C stops both)"
	@$(BIN)/booking scheduler & scheduler=$$!; \
	  trap 'kill $$scheduler 2>/dev/null' EXIT INT TERM; \
	  $(BIN)/booking serve --port $(PORT)

# axe-core for the accessibility audits of the browser tests.
browser-deps:
	@test -f node_modules/axe-core/axe.min.js || npm ci --silent --no-audit --no-fund

test: setup browser-deps
	$(BIN)/pytest -n 2 -q

# ruff, then the architecture's import contracts ([tool.importlinter] in pyproject.toml).
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: setup
	$(BIN)/python -m bench.availability
	$(BIN)/python -m bench.booking
	$(BIN)/python -m bench.dispatch

clean:
	rm -rf $(VENV) node_modules instance .pytest_cache
