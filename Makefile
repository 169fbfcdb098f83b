# Two entry points for a fresh Debian machine with Python 3.11: `make run` and `make test`.
# Each sets itself up: a virtual environment in .venv with everything installed.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test test-under-load lint demo bench bench-live translations clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(PY) run.py

test: $(STAMP)
	$(PY) -m pytest

# The suite 3 times in a row beside 2 CPU hogs (a busy CI runner); not part of normal CI.
# e.g. make test-under-load UNDER_LOAD="--runs 5 -- -m server tests/live"; docs/testing-under-load.md.
UNDER_LOAD ?=
test-under-load: $(STAMP)
	$(PY) scripts/under_load.py $(UNDER_LOAD)

# Style (ruff) and the architecture's import rules (import-linter); both configured in pyproject.toml.
lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

demo: $(STAMP)
	$(PY) -m flask --app workshop paja demo

# Pictures of the demo evening for the README (Debian's chromium): docs/screenshots/*.png.
screenshots: $(STAMP)
	$(PY) scripts/screenshots.py

bench: $(STAMP)
	$(PY) bench/mixing.py

# Live load: real Socket.IO phones against run.py and a raw python-socketio baseline, same run.
# Quick by default (24 phones, under a minute); e.g. make bench-live BENCH_LIVE="--phones 1000 --db postgres".
# Every option: $(PY) bench/live_load.py --help; figures and how to read them: docs/performance.md.
BENCH_LIVE ?= --quick
bench-live: $(STAMP)
	$(PY) bench/live_load.py $(BENCH_LIVE)

translations: $(STAMP)
	$(PY) scripts/translations.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
