# Two commands for a fresh clone: `make run` (demo) and `make test` (whole suite).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PORT ?= 5000

.PHONY: run test setup translations messages lint format bench clean

$(STAMP): pyproject.toml setup.py
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "Python 3.11 or newer is needed"; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

setup: $(STAMP) translations

# The installs compile the catalogues too (setup.py); this keeps them current
# after a catalogue changes.  Fuzzy entries stay English until someone checks them.
translations: $(STAMP)
	@$(BIN)/pybabel compile --statistics -d booking/translations

# After texts change in code or templates: new and changed texts into the fi
# and sv catalogues, for translating (then `make setup` compiles them).
messages: $(STAMP)
	@template=$$(mktemp --suffix=.pot) && trap 'rm -f "$$template"' EXIT && \
	  $(BIN)/pybabel --quiet extract -F babel.cfg --no-location --no-wrap \
	    --project etavaraus -o "$$template" booking && \
	  $(BIN)/pybabel update --no-wrap -i "$$template" -d booking/translations

# The demo: SQLite, region and demo data loaded, scheduler beside the web server.
run: export BOOKING_BASE_URL ?= http://127.0.0.1:$(PORT)
run: setup
	$(BIN)/booking setup --demo
	@echo "Serving on http://127.0.0.1:$(PORT) (scheduler running beside it; Ctrl-C stops both)"
	@$(BIN)/booking scheduler & scheduler=$$!; \
	  trap 'kill $$scheduler 2>/dev/null' EXIT INT TERM; \
	  $(BIN)/booking serve --port $(PORT)

test: setup
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
	$(BIN)/python -m bench.busy_morning
	$(BIN)/python -m bench.parallel_bookings
	$(BIN)/python -m bench.dispatch
	$(BIN)/python -m bench.figures
	$(BIN)/python -m bench.region_changes
	$(BIN)/python -m bench.national
	$(BIN)/python -m bench.slow_clients

clean:
	rm -rf $(VENV) instance .pytest_cache build dist booking/translations/*/LC_MESSAGES/*.mo
